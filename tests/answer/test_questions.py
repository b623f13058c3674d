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


@pytest.mark.parametrize("question, topic", [
    ("When does the Giggles agreement take effect?", "effective date"),
    ("When did the lease come into force?", "effective date"),
    ("What is the effective date of this contract?", "effective date"),
    ("When does the Giggles agreement end?", "end date"),
    ("When was the Giggles agreement signed?", "agreement date"),
    ("What is the governing law of the NDA?", "law"),
    ("How much notice is needed to stop the agreement from renewing?", "notice"),
    ("What is the renewal term of the agreement?", "renewal"),
    ("When are invoices payable?", "time"),
])
def test_a_topic_as_users_ask_it(question, topic):
    """The topic picks the bars an answer must clear to be sure (answer/sureness.py)."""
    assert question_kind(question).topic == topic


def test_an_effective_date_is_not_one_that_follows_until():
    kind = question_kind("What is the effective date of this contract?")
    assert kind.prefer_first and kind.roles == ("effective", "agreement", "")  # never an "end" date (until ...)


def test_a_yes_no_clause_question_that_a_comma_in_a_name_split_is_asked_whole():
    from ragbox.answer.questions import asked_kind
    from ragbox.search.query import split_query

    question = "Can the agreement in ACME HOLDINGS, INC. be assigned without consent?"
    kind, part = asked_kind(question, split_query(question)[1])
    assert (kind.name, part) == ("yesno", question)
    question = 'Consider the Supply Agreement between ACME ("Acme"); B ("b"); What is the governing law?'
    kind, part = asked_kind(question, split_query(question)[1])  # a context clause: its asking part alone
    assert (kind.name, part) == ("place", "What is the governing law?")
