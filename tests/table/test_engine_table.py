"""``Engine.table`` over the real index of sample_docs: every document answers every column from its
own passages, with the state, the answer and the quoted sentence at exact offsets of the file."""

import threading
from pathlib import Path

import pytest

from ragbox.answer.sections import section_value
from ragbox.engine import Engine
from ragbox.errors import StoreError
from ragbox.ingest.loaders import load
from ragbox.search.scope import glob_escape

from support import ScriptedGenerator

CONTRACT_COLUMNS = ["governing law", "renewal term", "non-compete"]
NOTE_COLUMNS = ["blood pressure", "current medications"]
# file -> the answer of each column ("" for not found, None: not checked), and the page its quote is on
EXPECTED = {
    "mutual_nda_northwind_bluefin.pdf": [("Delaware", 3), ("", None), ("", None)],
    "services_agreement_acme_globex.pdf": [("New York", 3), ("Successive one (1) year renewal terms", 2),
                                           ("", None)],
    # current medications: the note's MEDICATIONS section, its items joined (answer.sections)
    "2026-02-20_robert_kline_hypertension.txt": [("148/92", None), (
        "Lisinopril 20 mg by mouth once daily; Ibuprofen 400 mg by mouth as needed for back pain, about 3 times per "
        "week", None)],
    "2026-03-14_jane_doe_followup.txt": [("132/80", None), (
        "Metformin 1000 mg by mouth twice daily; Lisinopril 10 mg by mouth once daily; Atorvastatin 20 mg by mouth "
        "once daily at bedtime; Aspirin 81 mg by mouth once daily", None)],
    "2026-03-27_linda_marsh_knee_postop.md": [("128/76", None), (
        "Acetaminophen 1000 mg by mouth every 8 hours; Oxycodone 5 mg by mouth every 6 hours as needed for severe "
        "pain; Apixaban 2.5 mg by mouth twice daily (DVT prophylaxis, started post-op day 1); Docusate 100 mg by "
        "mouth twice daily; Amlodipine 5 mg by mouth once daily", None)],
    "2026-04-02_john_roe_asthma.md": [("124/78", None), (
        "Fluticasone propionate HFA 110 mcg, 2 puffs inhaled twice daily; Albuterol HFA 90 mcg, 2 puffs inhaled "
        "every 4-6 hours as needed for wheeze; Cetirizine 10 mg by mouth once daily", None)],
}

# Cells ask would show as unsure (answer.sureness): none. The services agreement's renewal term is
# sure: its sentence says it "renews automatically" (a term renewed by option would not be).
NOT_SURE: set[tuple[str, int]] = set()
# ask's answer when the model's value is not the evidence's (answer.sureness.with_evidence_value)
EVIDENCE_SAYS = " The evidence states successive one (1) year renewal terms [1]."


def file_text(path: str, page: int | None) -> str:
    if page is None:
        return Path(path).read_bytes().decode("utf-8")
    return load(Path(path)).pages[page - 1].text


@pytest.fixture(scope="module")
def tables(sample_index):
    return sample_index.table(CONTRACT_COLUMNS, where="contracts/**"), \
        sample_index.table(NOTE_COLUMNS, where="clinical_notes/**")


def test_one_row_per_document_one_column_per_question(tables, sample_index):
    contracts, notes = tables
    assert contracts.columns == CONTRACT_COLUMNS
    assert contracts.questions == ["What is the governing law?", "What is the renewal term?",
                                   "Is there a non-compete clause?"]
    assert notes.questions == ["What is the blood pressure?", "What are the current medications?"]
    assert sorted(contracts.documents + notes.documents) == sorted(d.path for d in sample_index.documents())
    for table in tables:
        assert all([c.column for c in row] == list(range(len(table.columns))) and {c.path for c in row} == {path}
                   for path, row in zip(table.documents, table.cells))
    assert (contracts.searched["files"], notes.searched["files"]) == (2, 5)
    assert contracts.searched["where"] == "contracts/**" and contracts.style == "extract"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_cell_is_that_documents_answer_quoted_at_exact_offsets(tables, name):
    rows = [r for table in tables for path, r in zip(table.documents, table.cells) if Path(path).name == name]
    assert len(rows) == 1
    row = rows[0]
    for cell, (answer, page) in zip(row, EXPECTED[name]):
        if answer is None:
            continue
        if not answer:
            assert cell.state == "not found" and cell.text == "" and cell.source is None, (name, cell)
            continue
        state = "unsure" if (name, cell.column) in NOT_SURE else "found"
        assert cell.state == state and cell.text == answer, (name, cell.text, cell.state, cell.confidence)
        assert cell.source.path.endswith(name) and cell.source.page == page  # from this document only
        offsets = cell.file_offsets()
        text = file_text(cell.source.path, page)
        assert text[offsets["quote_start"]:offsets["quote_end"]] == cell.quote
        span = text[offsets["span_start"]:offsets["span_end"]]
        # a section's items are joined by "; " (answer.sections), any other span is folded onto one line
        stated = section_value(span) if "; " in answer else " ".join(span.split())
        assert stated.lower() == answer.lower()
        assert offsets["quote_start"] <= offsets["span_start"] < offsets["span_end"] <= offsets["quote_end"]


def test_a_cell_is_what_ask_answers_about_that_document_alone(tables, sample_index):
    """The same pipeline as ``ask``: asked of the one document, ask quotes the same sentence."""
    table = tables[0]
    path, row = next((p, r) for p, r in zip(table.documents, table.cells) if p.endswith("acme_globex.pdf"))
    for cell in row[:2]:
        answer = sample_index.ask(table.questions[cell.column], where=glob_escape(path))
        evidence = answer.sources[answer.evidence.source - 1]
        assert (evidence.chunk_id, answer.evidence.sentence, answer.evidence.span) == \
            (cell.source.chunk_id, cell.evidence.sentence, cell.evidence.span)
        assert answer.confidence == cell.confidence


def test_each_question_is_embedded_once_for_the_whole_table(sample_index):
    embedded: list[str] = []

    class Counting:
        def __init__(self, inner):
            self.inner, self.model_id, self.tokenizer = inner, inner.model_id, inner.tokenizer

        def embed(self, texts):
            embedded.extend(texts)
            return self.inner.embed(texts)

    engine = Engine(sample_index.settings, embedder=Counting(sample_index.embedder))
    result = engine.table(["governing law", "non-compete"], where="contracts/**")
    assert len(result.documents) == 2
    assert embedded.count("What is the governing law?") == 1 and embedded.count("Is there a non-compete clause?") == 1


def test_progress_sees_every_cell_and_cancel_keeps_whole_rows(sample_index):
    seen = []
    cancel = threading.Event()

    def progress(done, total, cell):
        seen.append((done, total, cell.column))
        if done == 3:
            cancel.set()  # in the middle of the second document's row

    result = sample_index.table(["governing law", "renewal term"], where="contracts/**", on_progress=progress,
                                cancel=cancel)
    assert seen == [(1, 4, 0), (2, 4, 1), (3, 4, 0)]
    assert len(result.documents) == len(result.cells) == 1 and len(result.cells[0]) == 2


def test_a_scope_that_matches_no_file_is_an_error_naming_it(sample_index):
    with pytest.raises(StoreError, match="No indexed file matches 'leases/\\*\\*'"):
        sample_index.table(["governing law"], where="leases/**")


@pytest.mark.parametrize("model_says, shown, kept, state", [
    ("The agreement renews for successive one (1) year terms [1].",
     "The agreement renews for successive one (1) year terms.", None, "found"),
    # the services agreement does say two (2) years, of its initial term: not this cell's quote
    ("The renewal term is two (2) years [1].", "Successive one (1) year renewal terms",
     "The renewal term is two (2) years [1]." + EVIDENCE_SAYS, "unsure"),
])
def test_generate_shows_the_models_value_only_when_its_quote_supports_it(sample_index, model_says, shown, kept,
                                                                         state):
    model = ScriptedGenerator(model_says)
    engine = Engine(sample_index.settings, embedder=sample_index.embedder, generator=model)
    table = engine.table(["renewal term", "non-compete"], where="contracts/**", generate=True)
    assert table.style == "generate"
    nda, msa = (row for _, row in sorted(zip(table.documents, table.cells)))
    assert (msa[0].state, msa[0].text) == (state, shown)  # unsure when the model's value is not the quote's
    assert msa[0].quote.startswith("6.2 After the Initial Term, this Agreement renews automatically")
    assert msa[0].model_text == kept
    assert [c.state for c in nda + msa[1:]] == ["not found"] * 3
    assert len(model.prompts) == 1  # the model is asked only where the document has an answer


@pytest.mark.slow
def test_generate_with_the_bundled_model_shows_only_its_supported_words_as_found(sample_index):
    """The bundled model (greedy) gets one value of three right: shown, found. Its two wrong ones
    are kept aside and their cells, unsure, show the evidence."""
    from ragbox.answer.checking import unsupported_facts

    table = sample_index.table(["governing law", "renewal term"], where="contracts/**", generate=True)
    cells = {(Path(c.path).name, c.column): c for row in table.cells for c in row}
    assert {place: (c.state, c.text, c.model_text) for place, c in cells.items()} == {
        ("mutual_nda_northwind_bluefin.pdf", 0): ("unsure", "Delaware",
                                                  "The governing law is the Uniform Commercial Code."),
        ("mutual_nda_northwind_bluefin.pdf", 1): ("not found", "", None),
        ("services_agreement_acme_globex.pdf", 0): ("found", "The governing law is the State of New York.", None),
        # the initial term, stated in the sentence before the renewal's
        ("services_agreement_acme_globex.pdf", 1): ("unsure", "Successive one (1) year renewal terms",
                                                    "The renewal term is two (2) years." + EVIDENCE_SAYS),
    }
    law = cells["services_agreement_acme_globex.pdf", 0]
    assert law.quote.startswith("11.1 This Agreement is governed by the laws of the State of New York, without regard")
    assert unsupported_facts(law.text, law.quote) == []
