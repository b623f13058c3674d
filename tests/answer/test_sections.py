"""A note's section answers what a clinician asks of it (``answer.sections``)."""

from ragbox.answer.answering import extracted_text
from ragbox.answer.questions import question_kind
from ragbox.answer.sections import section_candidate, section_heading
from ragbox.types import Hit

NOTE = """CONSULTATION

REASON FOR CONSULTATION: Knee injury after a fall.

ALLERGIES: NKDA.

MEDICATIONS:
1. Lisinopril 10 mg daily.
2. Metformin 500 mg twice daily.
PHYSICAL EXAMINATION: Swelling of the right knee.
"""
MARKDOWN = """# Post-operative visit

- **Procedure:** Left total knee arthroplasty on 2026-03-13
- **Surgeon:** Dr. Osei

## Allergies

- Codeine (nausea and vomiting)
- Latex

## Objective
Healing well.
"""


def hit(text: str) -> Hit:
    return Hit("doc:0", "note.txt", None, 0, len(text), text, 0.5)


def answered(question: str, text: str) -> str | None:
    found = section_candidate(question, [hit(text)])
    return None if found is None else extracted_text(found, question_kind(question), 1, question)


def test_an_allergy_section_answers_even_when_it_shares_no_word_with_the_question():
    assert answered("What is the patient allergic to?", NOTE) == "NKDA. [1]"
    found = section_candidate("What is the patient allergic to?", [hit(NOTE)])
    assert NOTE[found.sentence[0]:found.sentence[1]] == "ALLERGIES: NKDA."
    assert NOTE[found.span[0]:found.span[1]] == "NKDA."


def test_a_section_runs_to_the_next_heading_and_its_items_are_joined():
    assert answered("What medications is the patient taking?", NOTE) == (
        "Lisinopril 10 mg daily.; Metformin 500 mg twice daily. [1]")


def test_markdown_headings_and_bold_labels_are_sections_too():
    assert answered("Does the patient have any allergies?", MARKDOWN) == "Codeine (nausea and vomiting); Latex [1]"
    assert answered("What procedure was performed?", MARKDOWN) == "Left total knee arthroplasty on 2026-03-13 [1]"


def test_a_narrower_question_or_a_missing_section_is_left_to_the_sentence_scan():
    assert section_heading("What new medication was started for her diabetes?") is None
    assert section_heading("Why was the dose of metformin increased?") is None
    assert answered("What anesthesia was used?", NOTE) is None
    assert section_heading("What is the governing law?") is None


FLATTENED = ("SUBJECTIVE:,  This 23-year-old presents with allergies.,MEDICATIONS: , Her only medication is "
             "Allegra.,ALLERGIES: , She has no known medicine allergies.,OBJECTIVE:,Vitals:  Weight 130 pounds.")


def test_a_transcription_flattened_onto_one_line_keeps_its_sections():
    assert answered("What is the patient allergic to?", FLATTENED) == "She has no known medicine allergies. [1]"
    assert answered("What medications is the patient on?", FLATTENED) == "Her only medication is Allegra. [1]"


def test_a_section_a_passage_ends_inside_is_read_on_into_the_next_passage():
    # a transcription flattened to one line, chunked right after the heading's first item number
    note = ("PREOPERATIVE DIAGNOSIS: , Adnexal mass.,PROCEDURE PERFORMED:,1.  Dilation and curettage (D&C).,"
            "2.  Laparoscopy.,3.  Left salpingo-oophorectomy.,ANESTHESIA:  ,General.,COMPLICATIONS: , None.")
    cut = note.index("1.") + 2
    first = Hit("n:00000", "/n/op.txt", None, 0, cut, note[:cut], 0.5)
    second = Hit("n:00001", "/n/op.txt", None, cut - 30, len(note), note[cut - 30:], 0.5)
    found = section_candidate("What procedure was performed?", [first, second])
    assert found.value == "Dilation and curettage (D&C); Laparoscopy; Left salpingo-oophorectomy."
    assert found.hit.chunk_id == "n:00000" and found.hit.text == note  # quoted from the passages joined
    assert section_candidate("What anesthesia was used?", [first, second]).value == "General."
    # cut between two of its items with no sentence repeated: read on all the same
    cut = note.index("Laparoscopy")
    first = Hit("n:00000", "/n/op.txt", None, 0, cut - 2, note[:cut - 2], 0.5)
    second = Hit("n:00001", "/n/op.txt", None, cut, len(note), note[cut:], 0.5)
    assert section_candidate("What procedure was performed?", [first, second]).value == (
        "Dilation and curettage (D&C); Laparoscopy; Left salpingo-oophorectomy.")


def test_a_passage_starting_with_a_heading_ends_the_section_before_it():
    note = "MEDICATIONS:\n- Lisinopril 20 mg daily\n\nALLERGIES:\nNo known drug allergies.\n"
    cut = note.index("ALLERGIES")
    first = Hit("n:00000", "/n/k.txt", None, 0, cut - 2, note[:cut - 2], 0.5)
    second = Hit("n:00001", "/n/k.txt", None, cut, len(note), note[cut:], 0.5)
    assert section_candidate("What medications is the patient taking?", [first, second]).value == (
        "Lisinopril 20 mg daily")

