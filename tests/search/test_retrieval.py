"""Retrieval on sample_docs with the real embedding model: the passage holding the fact ranks first."""

from pathlib import Path

import pytest

from ragbox.ingest.loaders import load

from support import both_vector_stores

# (question, file, page, verbatim fact, rank it must reach). The clinical questions name the
# patient, which every chunk of the note shares; the small model ranks the right note first but
# not always the right passage of it, so those are held to the top three.
FACTS = [
    ("How much notice is needed to terminate the Northwind Bluefin NDA?",
     "mutual_nda_northwind_bluefin.pdf", 3, "thirty (30) days' written notice", 1),
    ("Which state's law governs the mutual non-disclosure agreement?",
     "mutual_nda_northwind_bluefin.pdf", 3, "State of\nDelaware", 1),
    ("How much notice is required to terminate the services agreement for convenience?",
     "services_agreement_acme_globex.pdf", 2, "for convenience on ninety (90) days' written notice", 1),
    ("How does the master services agreement renew after the initial term?",
     "services_agreement_acme_globex.pdf", 2, "renews automatically for successive one (1) year renewal", 1),
    ("When are invoices payable under the master services agreement?",
     "services_agreement_acme_globex.pdf", 1, "payable within forty-five (45) days", 1),
    ("What new medication was started for Jane Doe's diabetes?",
     "2026-03-14_jane_doe_followup.txt", None, "Start empagliflozin 10 mg", 3),
    ("What dose of fluticasone was John Roe stepped up to?",
     "2026-04-02_john_roe_asthma.md", None, "fluticasone 250 mcg", 3),
    # The passage says "BP", the question "blood pressure": in 96-token chunks no passage holds
    # both, and MiniLM ties the two only weakly. A known weak spot, held here so it gets no worse.
    ("What was the blood pressure reading at the hypertension visit?",
     "2026-02-20_robert_kline_hypertension.txt", None, "BP 152/94", 8),
]


@pytest.fixture(params=["embedded", "chroma-server"])
def store_url(request):
    """Every test here runs against the embedded store and against a real `chroma run`."""
    return both_vector_stores(request)


@pytest.fixture(params=["embedded", "chroma-server"])
def sample_index(request, sample_index):
    return sample_index if request.param == "embedded" else request.getfixturevalue("sample_index_on_server")



@pytest.mark.parametrize("question, name, page, fact, rank", FACTS,
                         ids=[f[1][:12] + str(i) for i, f in enumerate(FACTS)])
def test_fact_is_found_at_the_top(sample_index, question, name, page, fact, rank):
    hits = sample_index.search(question, k=max(5, rank))
    assert Path(hits[0].path).name == name  # the right document always comes first
    holding = [n for n, h in enumerate(hits, start=1) if fact in h.text]
    assert holding and holding[0] <= rank, f"fact at rank {holding}"
    assert hits[holding[0] - 1].page == page


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


def test_scores_are_exact_cosine_similarities(sample_index):
    hits = sample_index.search("governing law", k=10)
    query = sample_index.embedder.embed(["governing law"])[0]
    stored = sample_index.vectors.vectors_of([h.chunk_id for h in hits])
    for hit in hits:  # lexical-only hits too: every score means the same thing
        assert abs(sum(a * b for a, b in zip(query, stored[hit.chunk_id])) - hit.score) < 1e-4


def test_vector_mode_ranks_by_similarity(make_engine, docs):
    engine = make_engine(**{"retrieval.mode": "vector"})
    engine.index([docs / "contracts"])
    scores = [h.score for h in engine.search("governing law", k=10)]
    assert scores == sorted(scores, reverse=True)


def test_exact_terms_found_by_the_lexical_index(sample_index):
    top = sample_index.search("apixaban", k=3)[0]
    assert "apixaban 2.5 mg" in top.text.lower() and top.path.endswith("knee_postop.md")
    section = sample_index.search("Section 10.2", k=3)
    assert any("10.2" in h.text for h in section[:2])


def test_quoted_phrase_must_match_exactly(sample_index):
    hits = sample_index.search('"written notice" terminate', k=10)
    assert hits and all("written notice" in " ".join(h.text.split()).lower() for h in hits)
    assert sample_index.search('"no such phrase anywhere in these files"', k=5) == []


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


def test_cross_encoder_reranks_the_fused_candidates(tmp_path, sample_index):
    """No cross-encoder ships as a package, so build a real (untrained-head) one from MiniLM."""
    from sentence_transformers import CrossEncoder

    from ragbox.bundled import embedding_model_dir
    from ragbox.engine import Engine

    folder = tmp_path / "cross-encoder"
    CrossEncoder(str(embedding_model_dir()), num_labels=1, local_files_only=True).save(str(folder))
    engine = Engine(sample_index.settings.replace({"retrieval.reranker": str(folder)}),
                    embedder=sample_index.embedder)
    query = "termination notice"
    hits = engine.search(query, k=5)
    scores = CrossEncoder(str(folder), local_files_only=True).predict([(query, h.text) for h in hits])
    assert list(scores) == sorted(scores, reverse=True)  # hybrid order alone would not be


def test_lexical_mode_needs_a_matching_word(sample_index):
    from ragbox.engine import Engine

    engine = Engine(sample_index.settings.replace({"retrieval.mode": "lexical"}), embedder=sample_index.embedder)
    hits = engine.search("apixaban", k=5)
    assert hits and all("apixaban" in h.text.lower() for h in hits)
    assert engine.search("zyxwvut", k=5) == []


def test_vector_weight_sets_each_rankings_share_of_the_fusion(sample_index):
    from ragbox.engine import Engine

    def engine(**flags):
        flags = {"retrieval.focus": False, **flags}
        return Engine(sample_index.settings.replace(flags), embedder=sample_index.embedder)

    query = "What happens to confidential information when the agreement ends?"
    ids = lambda hits: [h.chunk_id for h in hits]  # noqa: E731
    lexical = ids(engine(**{"retrieval.mode": "lexical"}).search(query, k=8))
    vector = ids(engine(**{"retrieval.mode": "vector"}).search(query, k=8))
    assert len(lexical) == 8 and lexical[:3] != vector[:3]  # the two rankings disagree here
    # Weight 0: the vector ranking adds nothing, the fusion is the BM25 ranking.
    assert ids(engine(**{"retrieval.vector_weight": 0.0}).search(query, k=8)) == lexical
    # A heavy vector weight: the top passages are the vector ranking's.
    assert ids(engine(**{"retrieval.vector_weight": 10.0}).search(query, k=8))[:1] == vector[:1]
    assert engine().retriever.weights == (0.3, 1.0)  # the default, from the settings


def test_abbreviations_are_searched_in_both_forms():
    from ragbox.search.abbreviations import expansions
    from ragbox.search.query import fts_query

    assert expansions("What was the blood pressure at the hypertension visit?") == ["bp", "htn"]
    assert expansions("BP and HR under the Non-Disclosure Agreement") == ["blood pressure", "heart rate", "nda"]
    assert expansions("a micro bpm reading") == []  # whole words only
    assert fts_query("blood pressure reading").startswith('"bp" OR "blood" OR "pressure"')
