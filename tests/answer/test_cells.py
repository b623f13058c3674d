"""A review table's cells: the question a column asks, and the state and text of a cell."""

import pytest

from ragbox.answer.cells import cell_of, cell_state, cell_text, column_question
from ragbox.answer.questions import question_kind
from ragbox.types import Answer, AnswerSentence, Evidence, Hit

LAW = "11.1 This Agreement is governed by the laws of the State of New York."
HIT = Hit("msa:00009", "/d/msa.pdf", 3, 1537, 1537 + len(LAW), LAW, 0.41, "11. Governing Law")


@pytest.mark.parametrize("column, question, kind", [
    ("governing law", "What is the governing law?", "place"),
    ("renewal term", "What is the renewal term?", "duration"),
    ("expiration date", "What is the expiration date?", "date"),
    ("notice period to terminate renewal", "What is the notice period to terminate renewal?", "duration"),
    ("current medications", "What are the current medications?", "medication"),
    ("payment terms", "What are the payment terms?", "amount"),
    ("non-compete", "Is there a non-compete clause?", "yesno"),
    ("exclusivity", "Is there an exclusivity clause?", "yesno"),
    ("termination for convenience", "Is there a termination for convenience clause?", "yesno"),
    ("  cap on   liability. ", "Is there a cap on liability clause?", "yesno"),
    # a question stays as it is
    ("Which state's law governs?", "Which state's law governs?", "place"),
    ("What are the audit rights", "What are the audit rights", "passage"),
    ("Is there a most favored nation clause?", "Is there a most favored nation clause?", "yesno"),
])
def test_a_column_is_asked_as_a_question_of_the_right_kind(column, question, kind):
    assert column_question(column) == question
    assert question_kind(question).name == kind


def answer(**fields) -> Answer:
    values = {"question": "What is the governing law?", "text": "New York [1]", "sources": [HIT], "model": "m",
              "evidence": Evidence(1, (0, len(LAW)), (LAW.index("New York"), LAW.index("New York") + 8)),
              "confidence": 0.9, "kind": "place"}
    values.update(fields)
    return Answer(**values)


def test_the_state_follows_the_decision_and_the_bar():
    assert cell_state(answer(), 0.7, generated=False) == "found"
    assert cell_state(answer(confidence=0.69), 0.7, generated=False) == "unsure"
    assert cell_state(answer(found=False, confidence=0.2), 0.7, generated=False) == "not found"


def test_a_generated_value_the_check_does_not_support_is_unsure_never_found():
    supported = answer(text="The governing law is New York [1].", style="generated", confidence=0.99,
                       sentences=[AnswerSentence("The governing law is New York [1].", True, [1])])
    assert cell_state(supported, 0.7, generated=True) == "found"
    # the model said Texas: the answer shown is the evidence, the model's words kept aside
    flagged = answer(style="extracted", model_text="The governing law is Texas [1].", confidence=0.99,
                     sentences=[AnswerSentence("The governing law is Texas [1].", False, [1], ["Texas"])])
    assert cell_state(flagged, 0.7, generated=True) == "unsure"
    partly = answer(style="generated", text="It is governed by New York law [1].", confidence=0.99,
                    model_text="It is governed by New York law [1]. Venue is Texas [1].")
    assert cell_state(partly, 0.7, generated=True) == "unsure"


@pytest.mark.parametrize("text, kind, shown", [
    ("New York [1]", "place", "New York"),
    ("Yes [2].", "yesno", "Yes"),
    ("“Either party may audit the books once a year.” [1]", "passage", "Either party may audit the books once a year."),
    ("June 21, 2000 (computed: one (1) year from the effective date June 21, 1999) [1]", "date",
     "June 21, 2000 (computed: one (1) year from the effective date June 21, 1999)"),
    ("The governing law is New York [1].", "place", "The governing law is New York."),
])
def test_a_cell_shows_the_answer_without_its_citation_marks(text, kind, shown):
    assert cell_text(answer(text=text, kind=kind)) == shown


def test_a_cell_keeps_the_quoted_sentence_with_exact_offsets():
    cell = cell_of(answer(), HIT.path, 2, 0.7, False, started=0.0)
    assert (cell.state, cell.text, cell.column, cell.quote) == ("found", "New York", 2, LAW)
    offsets = cell.file_offsets()
    assert (offsets["quote_start"], offsets["quote_end"]) == (1537, 1537 + len(LAW))
    assert LAW[offsets["span_start"] - 1537:offsets["span_end"] - 1537] == "New York"
    missing = cell_of(answer(found=False, text="Not found.", evidence=None), HIT.path, 0, 0.7, False, 0.0)
    assert (missing.state, missing.text, missing.quote, missing.file_offsets()) == ("not found", "", "", None)
