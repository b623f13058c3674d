"""Dates and terms read as a lawyer reads them (ragbox.answer.terms)."""

from datetime import date

import pytest

from ragbox.answer.answering import Answerer, Question
from ragbox.answer.facts import durations
from ragbox.answer.questions import question_kind
from ragbox.answer.terms import add_business_days, add_duration
from ragbox.types import Hit

SEARCHED = {"index": "test", "files": 1, "where": None, "documents": ["c.txt"], "passages": 1}


def answer_from(question: str, *sentences: str, style: str = "extract"):
    hits = [Hit(f"c:{n:05d}", "/d/c.txt", None, 1000 * n, 1000 * n + len(text), text, 0.5 - 0.01 * n)
            for n, text in enumerate(sentences)]
    asked = Question(question, question, question_kind(question), hits, hits, [], SEARCHED)
    return Answerer(style, 3, 256, 0.5).answer(asked, None, lambda: None, "none")


@pytest.mark.parametrize("start, count, end", [
    ("2026-12-04", 10, "2026-12-18"),  # a Friday: ten business days are two weeks
    ("2026-12-02", 3, "2026-12-07"),  # a Wednesday: Thursday, Friday, Monday
    ("2026-12-05", 5, "2026-12-11"),  # a Saturday: Monday to Friday
    ("2026-12-05", 6, "2026-12-14"),
])
def test_business_days_skip_the_weekend(start, count, end):
    assert add_business_days(date.fromisoformat(start), count).isoformat() == end
    assert add_duration(start, f"{count} business day") == end


def test_business_days_are_not_calendar_days():
    assert [d.value for d in durations("payable within ten (10) business days of receipt")] == ["10 business day"]
    assert [d.value for d in durations("payable within ten (10) calendar days of receipt")] == ["10 day"]
    assert add_duration("2026-12-04", "10 day") == "2026-12-14"
    assert add_duration("2026-12-04", "10 business day") == "2026-12-18"


def test_a_payment_term_in_business_days_is_stated_as_business_days():
    answer = answer_from("When are invoices payable?",
                         "Each invoice is payable within ten (10) business days after its receipt by the Customer.")
    assert answer.found and answer.text == "Within ten (10) business days after its receipt by the Customer [1]"
