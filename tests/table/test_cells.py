"""A review table's cells: the question a column asks, and the state and text of a cell."""

import pytest

from ragbox.answer.questions import question_kind
from ragbox.table.cells import cell_of, cell_state, cell_text, column_question
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
              "confidence": 0.9, "kind": "place", "sure": True}
    values.update(fields)
    return Answer(**values)


def test_the_state_follows_the_decision_the_checks_of_ask_and_the_bar():
    assert cell_state(answer(), 0.7) == "found"
    assert cell_state(answer(confidence=0.69), 0.7) == "unsure"
    assert cell_state(answer(), 0.7, unsupported=True) == "unsure"
    assert cell_state(answer(found=False, confidence=0.2, sure=False), 0.7) == "not found"
    # what ask shows as unsure is never a found cell, however high its confidence
    assert cell_state(answer(sure=False, unsure_because=["close_second"]), 0.7) == "unsure"


INITIAL = "6.1 The Initial Term of this Agreement is two (2) years from the Effective Date."
RENEWAL = ("6.2 After the Initial Term, this Agreement renews automatically for successive one (1) year renewal "
           "terms unless either party gives notice of non-renewal at least sixty (60) days before the end of the "
           "then-current term.")
TERM = Hit("msa:00004", "/d/msa.pdf", 2, 1170, 1171 + len(INITIAL + RENEWAL), f"{INITIAL} {RENEWAL}", 0.5, "6. Term")


def renewal(**fields) -> Answer:
    sentence = (len(INITIAL) + 1, len(INITIAL) + 1 + len(RENEWAL))
    values = {"question": "What is the renewal term?", "text": "Successive one (1) year renewal terms [1]",
              "sources": [TERM], "evidence": Evidence(1, sentence, sentence), "kind": "duration", "confidence": 0.95}
    return answer(**{**values, **fields})


def written(text: str, supported: bool = True, **fields) -> Answer:
    return renewal(text=text, style="generated", sentences=[AnswerSentence(text, supported, [1])], **fields)


def test_a_generated_value_is_shown_when_the_cells_quote_states_it():
    cell = cell_of(renewal(), TERM.path, 0, 0.7, 0.0, written("It renews for successive one (1) year terms [1]."))
    assert (cell.state, cell.text, cell.model_text) == ("found", "It renews for successive one (1) year terms.", None)
    assert cell.quote == RENEWAL


def test_a_generated_value_not_in_the_cells_quote_is_unsure_never_found():
    # the check passed it (the passage says "two (2) years"), but of the initial term, not the renewal
    two_years = written("The renewal term is two (2) years [1].")
    cell = cell_of(renewal(), TERM.path, 0, 0.7, 0.0, two_years)
    assert (cell.state, cell.text, cell.quote) == ("unsure", "Successive one (1) year renewal terms", RENEWAL)
    assert cell.model_text == "The renewal term is two (2) years [1]."
    # what the check flagged is unsure too, at any confidence: the evidence is shown, the model's words kept aside
    flagged = renewal(style="extracted", model_text="It renews every 14 days [1].",
                      sentences=[AnswerSentence("It renews every 14 days [1].", False, [1], ["14 days"])])
    cell = cell_of(renewal(confidence=0.99), TERM.path, 0, 0.7, 0.0, flagged)
    assert (cell.state, cell.text, cell.model_text) == \
        ("unsure", "Successive one (1) year renewal terms", "It renews every 14 days [1].")
    # and a supported answer with a low confidence is unsure, in the model's words
    low = cell_of(renewal(confidence=0.6), TERM.path, 0, 0.7, 0.0, written("It renews for successive one (1) "
                                                                            "year terms [1]."))
    assert (low.state, low.text) == ("unsure", "It renews for successive one (1) year terms.")


@pytest.mark.parametrize("text, kind, shown", [
    ("New York [1]", "place", "New York"),
    ("Yes [2].", "yesno", "Yes"),
    ("Yes: “Neither party shall compete.” [2]", "yesno", "Yes"),
    ("Successive one (1) year terms (renews automatically; notice of non-renewal at least sixty (60) days before "
     "the end of the then-current term) [1]", "duration", "Successive one (1) year terms"),
    ("“Either party may audit the books once a year.” [1]", "passage", "Either party may audit the books once a year."),
    ("June 21, 2000 (computed: one (1) year from the effective date June 21, 1999) [1]", "date",
     "June 21, 2000 (computed: one (1) year from the effective date June 21, 1999)"),
    ("The governing law is New York [1].", "place", "The governing law is New York."),
])
def test_a_cell_shows_the_answer_without_its_citation_marks(text, kind, shown):
    assert cell_text(answer(text=text, kind=kind)) == shown


def test_a_cell_keeps_the_quoted_sentence_with_exact_offsets():
    cell = cell_of(answer(), HIT.path, 2, 0.7, started=0.0)
    assert (cell.state, cell.text, cell.column, cell.quote) == ("found", "New York", 2, LAW)
    offsets = cell.file_offsets()
    assert (offsets["quote_start"], offsets["quote_end"]) == (1537, 1537 + len(LAW))
    assert LAW[offsets["span_start"] - 1537:offsets["span_end"] - 1537] == "New York"
    missing = cell_of(answer(found=False, text="Not found.", evidence=None), HIT.path, 0, 0.7, 0.0)
    assert (missing.state, missing.text, missing.quote, missing.file_offsets()) == ("not found", "", "", None)
