"""The kind of answer a question expects."""

import pytest

from ragbox.answer.questions import question_kind


@pytest.mark.parametrize("question, kind", [
    ("What is the governing law for this contract?", "place"),
    ("Which state's law governs the NDA?", "place"),
    ("How much notice is needed to terminate the NDA?", "duration"),
    ("What is the notice period required to terminate the renewal?", "duration"),
    ("How does the agreement renew after the initial term?", "duration"),
    ("What is the effective date of this contract?", "date"),
    ("What is the expiration date of this contract?", "date"),
    ("What is the date of this contract?", "date"),
    ("What is the name (title) of this contract?", "title"),
    ("Who are the parties to this contract?", "parties"),
    ("When are invoices payable?", "time"),
    ("How much is the monthly rent?", "amount"),
    ("What new medication was started?", "medication"),
    ("What are the current medications?", "medication"),
    ("What was the blood pressure reading?", "measure"),
    ("Is there a non-compete clause in this contract?", "yesno"),
    ("What are the audit rights under this contract?", "passage"),
])
def test_question_kinds(question, kind):
    assert question_kind(question).name == kind


def test_an_effective_date_is_not_one_that_follows_until():
    kind = question_kind("What is the effective date of this contract?")
    assert kind.prefer_first and kind.roles == ("effective", "agreement", "")  # never an "end" date (until ...)
