"""When a contract ends, when it says so only by its term: "this Agreement shall commence on the
Effective Date and continue for a period of one (1) year" ends one year after the Effective Date.

The end date is computed from the term and its start (a date in the same sentence, or the
document's effective date), and the answer says it was computed and from what; a term that runs
until someone ends it ("in perpetuity", "until terminated") has no end date: "perpetual".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta

from ragbox.answer.extract import Candidate
from ragbox.answer.facts import dates, durations

# The words of a contract's term clause, without which a duration is some other period.
_TERM = re.compile(r"\b(?:term|shall (?:continue|remain|be in (?:full )?force)|continue in (?:full )?(?:force|effect)|"
                   r"remain in (?:full )?(?:force|effect)|expire|period of)\b", re.IGNORECASE)
_PERPETUAL = re.compile(r"\bperpetu\w*|\bindefinite(?:ly)?\b|"
                        r"\buntil (?:terminated|either party terminates|it is terminated)", re.IGNORECASE)
# A start the sentence refers to: the document's effective date.
_START_REFERENCE = re.compile(r"\b(?:effective date|date (?:of this agreement|hereof)|commencement date|execution date|"
                              r"date first (?:above )?written|launch date|date of execution)\b", re.IGNORECASE)
_AFTER = re.compile(r"\b(?:from|after|following|commencing|beginning|starting|of)\b", re.IGNORECASE)


def add_duration(start: str, duration: str) -> str | None:
    """``start`` (YYYY-MM-DD) plus ``duration`` ("2 year", "6 month", "90 day"), as YYYY-MM-DD."""
    try:
        year, month, day = (int(part) for part in start.split("-"))
        amount_text, unit = duration.split(" ", 1)
        amount = float(amount_text)
    except ValueError:
        return None
    if amount != int(amount):
        return None
    amount = int(amount)
    if unit == "business day":  # Monday to Friday: "within ten (10) business days" is two weeks
        return add_business_days(date(year, month, day), amount).isoformat()
    if unit == "day":
        return (date(year, month, day) + timedelta(days=amount)).isoformat()
    if unit == "week":
        return (date(year, month, day) + timedelta(weeks=amount)).isoformat()
    months = amount * 12 if unit == "year" else amount if unit == "month" else None
    if months is None:
        return None
    total = year * 12 + (month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day, calendar.monthrange(year, month)[1])).isoformat()


def add_business_days(start: date, count: int) -> date:
    """``start`` plus ``count`` business days (Monday to Friday; public holidays are not known)."""
    weeks, rest = divmod(count, 5)
    day = start + timedelta(weeks=weeks)
    while rest:
        day += timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    if count and day.weekday() >= 5:  # from a weekend start, whole weeks land on a weekend
        day -= timedelta(days=day.weekday() - 4)
    return day


def term_end(candidate: Candidate, effective: str | None) -> Candidate | None:
    """The end of the term ``candidate``'s sentence sets, computed; None when it sets none."""
    sentence = candidate.sentence_text
    if not _TERM.search(sentence):
        return None
    offset = candidate.sentence[0]
    perpetual = _PERPETUAL.search(sentence)
    if perpetual:
        span = (offset + perpetual.start(), offset + perpetual.end())
        return replace(candidate, span=span, value="perpetual", note="no end date: the term runs until it is ended")
    periods = [d for d in durations(sentence) if d.value.split()[-1] in ("year", "month", "week", "day")]
    if not periods:
        return None
    period = periods[0]
    starts = [d for d in dates(sentence) if d.end <= period.start and len(d.value) == 10]
    start, said = (starts[-1].value, "") if starts else (effective, "the effective date")
    if start is None or (not starts and not _START_REFERENCE.search(sentence)):
        return None
    end = add_duration(start, period.value)
    if end is None:
        return None
    span = (offset + period.start, offset + period.end)
    note = f"computed: {sentence[period.start:period.end]} from {said or 'the start'} {_spoken(start)}"
    return replace(candidate, span=span, value=end, note=note)


def _spoken(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{calendar.month_name[month]} {day}, {year}"


def spoken_date(iso: str) -> str:
    """YYYY-MM-DD as "June 21, 2000"."""
    return _spoken(iso)
