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

from ragbox.answer.extract import Candidate, answer_span
from ragbox.answer.facts import ORDINAL_SUFFIX, Fact, date_role, dates, day_number, durations, ends
from ragbox.answer.questions import question_kind
from ragbox.text import NOTICE_WORDS

# A sentence about the document's own term: "the term of this Agreement", "the Initial Term",
# "this Agreement shall continue / remain in force / expire".
_OWN_TERM = re.compile(r"\b(?:initial\s+|original\s+|effective\s+)?term\b(?!\s+(?:sheet|loan|of\s+(?:the\s+)?"
                       r"(?:license|licen[cs]e|employment|lease|loan|note|warrant|option|patent|project)))|"
                       r"\bagreement\b[^.;]{0,80}\b(?:shall|will)\s+(?:continue|remain|be\s+for|be\s+(?:valid|in\s+"
                       r"(?:full\s+)?(?:force|effect))|expire|terminate|end|come\s+into\s+(?:force|effect))\b",
                       re.IGNORECASE)
# A period after the term ended ("for two (2) years after termination"): not the term itself.
_AFTER_END = re.compile(r"\s+(?:after|following|beyond|survive\w*)\s+(?:the\s+|any\s+|such\s+)?"
                        r"(?:expiration|expiry|termination|end)\b", re.IGNORECASE)
# "During the term of this Agreement and for [one (1) year] thereafter", "throughout the Term and for a
# period of [six (6) months] thereafter": a period after the term.
_AFTER_THE_TERM = re.compile(r"\bterm\b[^.;]{0,80}?\band\s+for\s+(?:a\s+(?:further\s+)?period\s+of\s+)?$",
                             re.IGNORECASE)
_THEREAFTER = re.compile(r"\s+thereafter\b", re.IGNORECASE)
# A renewal: what it lasts until ("extend for successive 12-month periods until one Party terminates")
# is how renewals stop, not the term's end.
_RENEWS = re.compile(r"\b(?:renew\w*|extend\w*)\s+(?:\w+\s+){0,2}for\s+(?:successive|additional|further|an?\s+"
                     r"additional)\b", re.IGNORECASE)
_NOTICE = question_kind("How much notice is required to stop the renewal?")
# A period that is not the term's length: a notice ("upon thirty (30) days prior written notice",
# "30 days before the lapse"), a deadline ("within", "no later than"), a frequency ("every year").
_NOT_A_TERM_BEFORE = re.compile(r"\b(?:within|notice|no\s+later\s+than|not\s+later\s+than|at\s+least|"
                                r"between|prior|before)\b[^.;]*$", re.IGNORECASE)
# ... or a part of the term ("during the initial three (3) years of the Term").
_NOT_A_TERM_AFTER = re.compile(rf"[’']?s?\s*(?:{NOTICE_WORDS}|"
                               r"after\s+(?:the\s+)?(?:closing|receipt|notice|delivery)|"
                               r"of\s+the\s+(?:initial\s+)?term)\b", re.IGNORECASE)
_EVERY = re.compile(r"\b(?:each|every|to)\b", re.IGNORECASE)
# A renewal's length ("automatically renew for successive one (1) year terms") is not the term's.
_RENEWAL = re.compile(r"\b(?:renew\w*|extend\w*|extension|successive|additional)\b", re.IGNORECASE)
# A start the sentence refers to: the document's effective date.
_START_REFERENCE = re.compile(r"(?:the\s+)?(?:effective date|date (?:of this agreement|hereof)|commencement date|"
                              r"execution date|date first (?:above\s+)?(?:written|set\s+(?:forth|out)|stated)"
                              r"(?:\s+above)?|date of execution|signing date|date of signature)", re.IGNORECASE)
# What a term runs from: "[five (5) years] from the Effective Date", "... after the Launch".
_ANCHOR = re.compile(r"\s+(?:commencing\s+|beginning\s+|starting\s+)?(?:from|after|following|anniversary\s+of)\s+"
                     r"(?P<what>(?:[^.;,()]|,(?=\s*(?:19|20)\d\d)){3,60}?)(?=\s*(?:[.;()]|,(?!\s*(?:19|20)\d\d)|\bunless\b|\band\b|\bor\b|$))",
                     re.IGNORECASE)


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


def term_end_date(start: str, duration: str) -> str | None:
    """The day a term of ``duration`` running from ``start`` ends: its anniversary, as a period
    "from" a day is counted without that day (five years from March 1, 2005 end on March 1, 2010).
    The CUAD dev contracts' lawyers date every such end so (10 of 10 in two samples of 40)."""
    return add_duration(start, duration)


def term_end(candidate: Candidate, effective: str | None) -> Candidate | None:
    """The end of the term ``candidate``'s sentence sets, computed from its start when the document
    gives it ("February 28, 2010 (5 years from the Effective Date, March 1, 2005)"), else as written
    with what it runs from ("ten (10) years from the Launch"); "perpetual" for a term that runs until
    it is ended, "event" for one that ends on an event ("until completion of the Research Program").
    None when the sentence sets no term of the document, or states its end date itself (that date is
    the answer, read as a date)."""
    sentence = candidate.sentence_text
    if not _OWN_TERM.search(sentence):
        return None
    offset = candidate.sentence[0]
    period = _term_period(sentence) or _anniversary(sentence)
    fixed = period is not None and _sets_the_term(sentence, period)
    open_end = _open_end(candidate, fixed)
    if open_end is not None:
        return open_end
    if not fixed or any(date_role(sentence, d) == "end" for d in dates(sentence)):
        return None
    anchor = _ANCHOR.match(sentence, period.end)
    starts = [d for d in dates(sentence) if d.end <= period.start and len(d.value) == 10]
    if anchor and dates(anchor.group("what")):  # "three (3) years from June 1, 1998"
        start, said = dates(anchor.group("what"))[0].value, ""
    elif starts:  # "commencing on June 1, 1998 and continuing for three (3) years"
        start, said = starts[-1].value, ""
    elif anchor and not _START_REFERENCE.search(anchor.group("what")):  # "from the date of Effective Date"
        # "ten (10) years from the Launch": a start the document does not date, stated as written
        span = (offset + period.start, offset + anchor.end())
        return replace(candidate, span=span, value=period.value, note="")
    else:  # "from the Effective Date", or a term of the agreement that says no start: its effective date
        start, said = effective, (anchor.group("what").strip() if anchor else "the Effective Date")
    if start is None:  # "five (5) years from the Effective Date" in a document that does not date it
        if not anchor:
            return None  # "the 30-year term": a length with nothing it runs from says no end
        span = (offset + period.start, offset + anchor.end())
        return replace(candidate, span=span, value=period.value, note="")
    end = term_end_date(start, period.value)
    if end is None:
        return None
    amount, unit = period.value.split(" ", 1)
    length = f"{amount} {unit}{'' if amount == '1' else 's'}"
    note = f"{length} from {said}, {_spoken(start)}" if said else f"{length} from {_spoken(start)}"
    return replace(candidate, span=(offset + period.start, offset + period.end), value=end,
                   note=note)


def _open_end(candidate: Candidate, fixed: bool) -> Candidate | None:
    """The term of ``candidate``'s sentence as "perpetual" or "event" when it runs until it is ended
    or until an event. Not when the sentence sets a fixed period (``fixed``) and the open end only
    says the term may end early or renews: "for a period of 12 months ... until it is terminated in
    accordance with Section 3", "three (3) years, with an automatic renewal for an indefinite period";
    nor when the sentence renews the term ("shall automatically extend for successive 12-month periods
    until one Party terminates")."""
    sentence, offset = candidate.sentence_text, candidate.sentence[0]
    ends_early = fixed or bool(_RENEWS.search(sentence))  # "until terminated" is how it ends early or renews
    open_ends = [end for end in ends(sentence)
                 if end.value != "anniversary" and not (ends_early and end.value == "perpetual")]
    if not open_ends:
        return None
    end = open_ends[0]
    note = "no end date: the term runs until it is ended" if end.value == "perpetual" else ""
    return replace(candidate, span=(offset + end.start, offset + end.end), value=end.value, note=note)


def _sets_the_term(sentence: str, period: Fact) -> bool:
    """Whether ``period`` is what the sentence's term words set: after them ("The term of this
    Agreement shall be [three (3) years]", "This Agreement shall continue for [five (5) years]") or
    right before them ("for [three (3) years] (the "Initial Term")"), not a period elsewhere in a
    sentence that mentions the term on the way ("gives Sponsor [thirty (30) days] to ... during the
    term")."""
    return any(0 <= period.start - m.end() <= TERM_REACH or 0 <= m.start() - period.end <= TERM_BEFORE
               for m in _OWN_TERM.finditer(sentence))


TERM_REACH = 150  # characters from the term words to the period they set
TERM_BEFORE = 120  # characters from a period to the defined term after it ("... (the "Initial Term")")


def _term_period(sentence: str):
    """The duration of ``sentence`` that is the document's term, if one is: not a notice period,
    a deadline, a frequency, a period after termination or a renewal's length."""
    periods = [d for d in durations(sentence) if d.value.split()[-1] in ("year", "month", "week", "day")
               and not _NOT_A_TERM_BEFORE.search(sentence[max(0, d.start - 40):d.start])
               and not _NOT_A_TERM_AFTER.match(sentence, d.end) and not _EVERY.search(sentence[d.start:d.end])]
    if not periods:
        return None
    period = periods[0]
    if _AFTER_END.match(sentence, period.end) or (_AFTER_THE_TERM.search(sentence[:period.start])
                                                  and _THEREAFTER.match(sentence, period.end)):
        # "for two (2) years after termination", "during the term and for one (1) year thereafter"
        return None
    if _RENEWAL.search(sentence[max(0, period.start - 40):period.start]):  # "renew for successive [one (1) year] terms"
        return None
    return period


def _anniversary(sentence: str) -> Fact | None:
    """The term "until the Nth anniversary of" a start sets (``facts.ends``), as a duration of N years
    standing where its ordinal does: the anchor follows ("anniversary of the Effective Date")."""
    found = next((e for e in ends(sentence) if e.value == "anniversary"), None)
    if found is None:
        return None
    ordinal = re.search(rf"(\d{{1,2}}{ORDINAL_SUFFIX}|\w+)(?:\s*\([^()]*\))?$", sentence[found.start:found.end])
    return Fact("duration", f"{day_number(ordinal.group(1))} year", found.start + ordinal.start(), found.end)


def _spoken(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{calendar.month_name[month]} {day}, {year}"


def spoken_date(iso: str) -> str:
    """YYYY-MM-DD as "June 21, 2000"."""
    return _spoken(iso)


_AUTOMATIC = re.compile(r"\bautomatic(?:ally)?\b", re.IGNORECASE)
_NOT_AUTOMATIC = re.compile(r"\b(?:option|mutual(?:ly)?|(?:may|can)\s+(?:only\s+)?be\s+renewed|upon\s+(?:the\s+)?"
                            r"(?:written\s+)?agreement|if\s+(?:both|the)\s+parties\s+agree)\b", re.IGNORECASE)
_NON_RENEWAL = re.compile(r"\bnotice\b|\bnon-?\s?renew\w*|\bnot\s+to\s+(?:renew|extend)\b", re.IGNORECASE)


def renews_by_itself(sentence: str) -> float:
    """1 when a renewal sentence says the contract renews automatically, 0 when by option or
    agreement, 0.5 when it says neither: only the first kind's terms were read right often enough
    to be sure (sureness, ``renewal_not_automatic``)."""
    return 1.0 if _AUTOMATIC.search(sentence) else 0.0 if _NOT_AUTOMATIC.search(sentence) else 0.5


def renewal_details(candidate: Candidate) -> str:
    """How a renewal clause works, from its sentence: whether the contract renews by itself, and
    the notice that stops it ("renews automatically; notice of non-renewal at least sixty (60)
    days before the end of the then-current term"); "" when the sentence says neither."""
    sentence = candidate.sentence_text
    parts = []
    manner = renews_by_itself(sentence)
    if manner == 1.0:
        parts.append("renews automatically")
    elif manner == 0.0:
        parts.append("not automatic: renewed by option or agreement")
    after = candidate.span[1] - candidate.sentence[0]
    notices = [d for d in durations(sentence) if d.start >= after and _NON_RENEWAL.search(sentence[:d.start][-120:])]
    if notices:
        found = answer_span(sentence, notices, _NOTICE)
        if found is not None:
            (start, end), _, _ = found
            parts.append(f"notice of non-renewal {' '.join(sentence[start:end].split())}")
    return "; ".join(parts)
