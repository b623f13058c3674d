"""Grading an answer against a labelled short answer, the way `ragbox eval --answers` counts it.

An answer is right when it states the labelled value, compared in the normal form of
``facts.normal_form`` (case, number words, "thirty (30) days" = "30 days", dates in their usual
written forms). A label may give alternatives separated by ";" or " / " ("60 days; 180 days", "180
days / 6 months"): stating any one is enough. A date label is m/d/yy as in CUAD, with [] for a part
the contract does not give ("[]/[]/2004": any date in 2004 is right); a label whose first part
cannot be a month ("31/01/2025") is read day first. A label stating durations ("successive 1 year",
"2 successive 10 years") is right when the answer states the same durations (whole years written as
months are the same: "12-month periods" states "1 year") and the label's other numbers ("renews from
year to year" states 1 year). Any other label is right when each of its words appears in the answer
(singular and plural alike), in any order; a label that only names places also when the answer names
the same places another way ("PRC"), or names a state or province of a country the label adds to it
("Ontario" states "Ontario, Canada").
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from ragbox.answer.facts import dates, durations, normal_form, numbers
from ragbox.answer.places import PROVINCES, US_STATES, find_places
from ragbox.stats import percentile

_PLACE_WORDS = {"the", "state", "of", "law", "laws", "and"}  # what a place label may say besides places
_LABEL_DATE = re.compile(r"^\s*(\[\]|\d{1,2})/(\[\]|\d{1,2})/(\[\]|\d{2}|\d{4})\s*$")


def label_date(label: str) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM``, ``YYYY``) for a label like 6/21/99 or []/[]/2004, else None."""
    match = _LABEL_DATE.match(label)
    if not match or match.group(3) == "[]":
        return None
    month, day, year = match.groups()
    if month != "[]" and day != "[]" and int(month) > 12 >= int(day):
        month, day = day, month  # "31/01/2025": a day first, as most of the world writes it
    year_value = int(year)
    if year_value < 100:
        year_value += 2000 if year_value < 40 else 1900
    value = f"{year_value:04d}"
    if month != "[]":
        value += f"-{int(month):02d}"
        if day != "[]":
            value += f"-{int(day):02d}"
    return value


def _singular(token: str) -> str:
    return token[:-1] if len(token) > 3 and token.endswith("s") and not token.endswith("ss") else token


def _tokens(text: str) -> list[str]:
    return [_singular(t) for t in normal_form(text).split()]


def states_value(answer: str, label: str) -> bool:
    """Whether ``answer`` states the one labelled value ``label`` (no alternatives)."""
    wanted_date = label_date(label)
    if wanted_date is not None:
        found = {fact.value for fact in dates(answer)}
        if len(wanted_date) == 4:  # only the year is labelled: "the year 2004" states it too
            found |= set(re.findall(r"\b(?:19|20)\d\d\b", answer))
        return any(value.startswith(wanted_date) for value in found)
    wanted_durations = {fact.value for fact in durations(label)}
    if wanted_durations:
        if not {_in_years(v) for v in wanted_durations} <= {_in_years(f.value) for f in durations(answer)}:
            return False
        counts = {value.split()[0] for value in wanted_durations}
        return {f.value for f in numbers(label)} - counts <= {f.value for f in numbers(answer)}
    wanted = _tokens(label)
    if not wanted:
        return False
    present = set(_tokens(answer))
    return all(token in present for token in wanted) or _states_places(answer, label)


def _in_years(duration: str) -> str:
    """ "24 month" -> "2 year"; any other duration as it is ("18 month", "30 day")."""
    count, unit = duration.split(" ", 1)
    if unit == "month" and count.isdigit() and int(count) % 12 == 0:
        return f"{int(count) // 12} year"
    return duration


def _states_places(answer: str, label: str) -> bool:
    """A label that is only places ("People's Republic of China", "the State of New York") is stated
    by the same places written another way ("PRC")."""
    places = find_places(label)
    rest = label
    for _, start, end in reversed(places):
        rest = rest[:start] + " " + rest[end:]
    if not places or set(_tokens(rest)) - _PLACE_WORDS:
        return False
    answered = {name for name, _, _ in find_places(answer)}
    answered |= {_COUNTRY_OF[name] for name in answered if name in _COUNTRY_OF}  # Ontario is in Canada
    return {name for name, _, _ in places} <= answered


_COUNTRY_OF = {**{state: "United States" for state in US_STATES}, **{p: "Canada" for p in PROVINCES}}


def is_right(answer: str, label: str) -> bool:
    """Whether ``answer`` states the labelled value or one of its ";"-separated alternatives."""
    alternatives = [part for part in re.split(r";|\s/\s", label) if part.strip()]
    return any(states_value(answer, part) for part in alternatives)


@dataclass(frozen=True)
class AnswerResult:
    """How one question was answered, for `ragbox eval --answers`."""

    id: str
    category: str | None
    label: str | None  # the labelled short answer, if any
    answerable: bool  # the set gives evidence for it (an empty gold marks a question it does not answer)
    found: bool
    right: bool | None  # the answer shown states the label (None without a label)
    checked: bool  # a model wrote an answer and ragbox checked it
    passed: bool | None  # every sentence the model wrote was supported
    model_right: bool | None  # the model's own words state the label
    seconds: float
    sure: bool = False  # shown as sure (answer.sureness)


def grade(query_id: str, category: str | None, label: str | None, answerable: bool, answer, seconds: float
          ) -> AnswerResult:
    """``answer`` (an ``Answer``) graded against the label. For a question the documents do not
    answer (``answerable`` False) the label is what it means ("No"), and only "not found" is right."""
    if not answerable:
        right = (not answer.found) if label else None
    else:
        right = (answer.found and is_right(answer.text, label)) if label else None
    model_words = answer.model_text if answer.model_text is not None else (
        answer.text if answer.style == "generated" else None)
    checked = model_words is not None
    passed = (bool(answer.sentences) and all(s.supported for s in answer.sentences)) if checked else None
    model_right = is_right(model_words, label) if checked and label else None
    return AnswerResult(query_id, category, label, answerable, answer.found, right, checked, passed, model_right,
                        seconds, answer.found and answer.sure)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _sure(rows: Sequence[AnswerResult]) -> dict:
    """Sure answers: how many, the share of them right (precision), the share of found answers
    that are sure (coverage)."""
    sure = [r for r in rows if r.sure]
    return {"sure": len(sure), "sure_precision": _share(sum(1 for r in sure if r.right), len(sure)),
            "sure_coverage": _share(len(sure), sum(1 for r in rows if r.found))}


def summarize_answers(results: Sequence[AnswerResult]) -> dict:
    """right: share of labelled questions whose shown answer states the label (a "not found" is
    wrong); sure precision and coverage: of the answers shown as sure, the share right, and of the
    answers found, the share shown as sure (overall and by category); check precision: of the
    model answers the check passed, the share that were right; check recall: of the wrong model
    answers, the share the check caught; abstention precision: of the "not found"s, the share on
    questions the documents do not answer; abstention recall: of those questions, the share
    answered "not found"."""
    labelled = [r for r in results if r.label is not None]
    by_category: dict[str, list[AnswerResult]] = {}
    for result in labelled:
        by_category.setdefault(result.category or "-", []).append(result)
    checked = [r for r in labelled if r.checked]
    passed = [r for r in checked if r.passed]
    wrong = [r for r in checked if not r.model_right]
    abstained = [r for r in results if not r.found]
    unanswerable = [r for r in results if not r.answerable]
    seconds = sorted(r.seconds for r in results)
    return {
        "questions": len(results),
        "labelled": len(labelled),
        "right": _share(sum(1 for r in labelled if r.right), len(labelled)),
        "by_category": {name: {"n": len(rows), "right": _share(sum(1 for r in rows if r.right), len(rows)),
                               **_sure(rows)} for name, rows in sorted(by_category.items())},
        "sure": _sure(labelled),
        "check": {"answers": len(checked), "passed": len(passed),
                  "precision": _share(sum(1 for r in passed if r.model_right), len(passed)),
                  "recall": _share(sum(1 for r in wrong if not r.passed), len(wrong))},
        "abstention": {"unanswerable": len(unanswerable), "not_found": len(abstained),
                       "precision": _share(sum(1 for r in abstained if not r.answerable), len(abstained)),
                       "recall": _share(sum(1 for r in unanswerable if not r.found), len(unanswerable))},
        "seconds_per_answer": {"p50": round(percentile(seconds, 0.5), 3), "p95": round(percentile(seconds, 0.95), 3)},
    }


def measure_answers(queries: Sequence, ask: Callable, on_answer: Callable | None = None) -> dict:
    """``ragbox eval --answers``: every labelled query (``search.evaluation.Query``) asked and its
    answer graded (``summarize_answers``); ``on_answer(query_id, answer, result)`` sees each one."""
    results = []
    for query in queries:
        started = time.perf_counter()
        answer = ask(query.query)
        result = grade(query.id, query.category, query.answer, bool(query.gold), answer, time.perf_counter() - started)
        results.append(result)
        if on_answer:
            on_answer(query.id, answer, result)
    return summarize_answers(results)
