"""Retrieval on sample_docs with the real embedding model: the passage holding the fact ranks first."""

from pathlib import Path

import pytest

from conftest import SAMPLE_DOCS
from ragbox.loaders import load

pytestmark = pytest.mark.slow

FACTS = [
    ("How much notice is needed to terminate the Northwind Bluefin NDA?",
     "mutual_nda_northwind_bluefin.pdf", 3, "thirty (30) days' written notice"),
    ("Which state's law governs the mutual non-disclosure agreement?",
     "mutual_nda_northwind_bluefin.pdf", 3, "State of\nDelaware"),
    ("How much notice is required to terminate the services agreement for convenience?",
     "services_agreement_acme_globex.pdf", 2, "for convenience on ninety (90) days' written notice"),
    ("How does the master services agreement renew after the initial term?",
     "services_agreement_acme_globex.pdf", 2, "renews automatically for successive one (1) year renewal"),
    ("When are invoices payable under the master services agreement?",
     "services_agreement_acme_globex.pdf", 1, "payable within forty-five (45) days"),
    ("What new medication was started for Jane Doe's diabetes?",
     "2026-03-14_jane_doe_followup.txt", None, "Start empagliflozin 10 mg"),
    ("What dose of fluticasone was John Roe stepped up to?",
     "2026-04-02_john_roe_asthma.md", None, "fluticasone 250 mcg"),
    ("What was the blood pressure reading at the hypertension visit?",
     "2026-02-20_robert_kline_hypertension.txt", None, "BP 152/94"),
]


@pytest.mark.parametrize("question, name, page, fact", FACTS, ids=[f[1][:12] + str(i) for i, f in enumerate(FACTS)])
def test_fact_ranks_first(sample_index, question, name, page, fact):
    top = sample_index.search(question, k=5)[0]
    assert Path(top.path).name == name
    assert top.page == page
    assert fact in top.text


def test_offsets_index_the_source_text(sample_index):
    hits = sample_index.search("termination notice", k=20)
    assert len(hits) == 20
    for hit in hits:
        pages = load(Path(hit.path)).pages
        if hit.page is None:
            file_text = Path(hit.path).read_bytes().decode("utf-8")
            assert file_text[hit.char_start:hit.char_end] == hit.text
        else:
            assert pages[hit.page - 1].text[hit.char_start:hit.char_end] == hit.text


def test_scores_are_cosine_similarities_in_rank_order(sample_index):
    hits = sample_index.search("governing law", k=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(-1.0 <= s <= 1.0 for s in scores)
    query = sample_index.embedder.embed(["governing law"])[0]
    stored = sample_index.vectors.vectors_of([hits[0].chunk_id])[hits[0].chunk_id]
    assert abs(sum(a * b for a, b in zip(query, stored)) - hits[0].score) < 1e-4


@pytest.mark.parametrize("pattern, expected", [
    ("*.md", {".md"}), ("clinical_notes/**", {".txt", ".md"}), ("contracts/*.pdf", {".pdf"}),
])
def test_where_filters_inside_retrieval(sample_index, pattern, expected):
    hits = sample_index.search("termination notice period", k=8, where=pattern)
    assert {Path(h.path).suffix for h in hits} <= expected
    # Filtered inside the query, not by over-fetching: a full page of matching hits comes back.
    assert len(hits) == 8


def test_where_matching_nothing_returns_nothing(sample_index):
    assert sample_index.search("anything", where="nope/**") == []
