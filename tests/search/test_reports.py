"""Annual reports end to end: a row of a statement is found by a question in filing language,
its context reaches both indexes, and pages are scored from their passages."""

import pytest

from ragbox.ingest.chunking import embedding_input
from ragbox.store.catalog import ChunkRow

from support import CASH_FLOW_ROWS, FEE_SCHEDULE_MD, CountingEmbedder, write_annual_report

OTHER_ROWS = [(label, tuple(c.replace("1", "4") for c in cells) if cells else None) for label, cells in CASH_FLOW_ROWS]


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    write_annual_report(folder / "Northwind_2022_10K.pdf")
    write_annual_report(folder / "Northwind_2019_10K.pdf", years=("2019", "2018", "2017"), rows=OTHER_ROWS)
    write_annual_report(folder / "Contoso_2022_10K.pdf", company="Contoso Ltd.", rows=OTHER_ROWS)
    write_annual_report(folder / "Fabrikam_2022_10K.pdf", company="Fabrikam Inc.", rows=OTHER_ROWS)
    (folder / "fees.md").write_text(FEE_SCHEDULE_MD)
    return folder


def test_a_row_question_in_filing_language_finds_the_row_of_the_named_report(make_engine, reports):
    engine = make_engine()
    engine.index([reports])
    hits = engine.search("What is the FY2022 capital expenditure amount (in USD millions) for Northwind?", k=5)
    assert {h.path.rsplit("/", 1)[1] for h in hits} == {"Northwind_2022_10K.pdf"}
    assert hits[0].page == 2 and "Purchases of property, plant and equipment  (1,749)" in hits[0].text
    assert "Consolidated Statement of Cash Flows" in hits[0].context
    fee = engine.search("How much is the emergency call-out fee?", k=3)
    assert "| Emergency call-out | 300 EUR |" in fee[0].text and "Fee | Amount | Due" in fee[0].context


def test_context_reaches_the_embedding_and_the_keyword_index(make_engine, reports, embedder):
    engine = make_engine()
    engine.index([reports])
    doc = next(d for d in engine.catalog.documents() if d.path.endswith("Northwind_2022_10K.pdf"))
    row = next(r for r in engine.catalog.chunks_of(doc.doc_id) if "(1,749)" in r.text)
    assert "Consolidated" not in row.text and "Consolidated Statement of Cash Flows" in row.context
    chunk = row.as_chunk()
    stored = engine.vectors.vectors_of([row.chunk_id])[row.chunk_id]
    with_context, text_only = embedder.embed([embedding_input(chunk), row.text])
    assert sum(a * b for a, b in zip(stored, with_context)) > 0.999
    assert sum(a * b for a, b in zip(stored, text_only)) < 0.99
    found = engine.catalog.lexical_search('"consolidated" AND "1 749"', 10, [doc.doc_id])
    assert [i for i, _ in found] == [row.chunk_id]  # "consolidated" only in its context


def test_a_new_chunking_version_re_chunks_and_keeps_the_vectors_of_unchanged_chunks(
        make_engine, reports, embedder, monkeypatch):
    import ragbox.ingest.chunking as chunking

    first = make_engine()
    files = len(first.index([reports]).indexed)
    before = {d.path: d.content_hash for d in first.catalog.documents()}
    monkeypatch.setattr(chunking, "CHUNKING_VERSION", chunking.CHUNKING_VERSION + 1)
    counting = CountingEmbedder(embedder)
    engine = make_engine(embedder_instead=counting)
    summary = engine.index([reports])
    after = {d.path: d.content_hash for d in engine.catalog.documents()}
    assert summary.unchanged == files and counting.texts == 0  # same chunks: vectors copied
    assert all(after[p] != before[p] and after[p].split(":")[0] == before[p].split(":")[0] for p in before)
    assert "| Emergency call-out | 300 EUR |" in engine.search("emergency call-out fee", k=1)[0].text
    # A different cut of the same bytes is embedded again.
    changed = make_engine(embedder_instead=counting, **{"chunking.max_tokens": 40}).index([reports])
    assert len(changed.indexed) == files and counting.texts > 0


def test_a_page_whose_passages_each_hold_a_few_words_of_the_question_ranks_first():
    from collections import Counter

    from ragbox.search.focus import DocumentFocus, _Bm25, _Document
    from ragbox.text import PASSAGE_STOPWORDS, stems

    texts = {"d:0": (1, "Cash, cash and more cash in the bank."), "d:1": (2, "Consolidated statement"),
             "d:2": (2, "Cash from operations"), "d:3": (2, "Flows of 2022"), "d:4": (3, "Risk factors")}
    rows = [ChunkRow(i, "d", "/r/report.pdf", page, 0, 1, "", text, context="(Millions) | 2022" if page == 2 else "")
            for i, (page, text) in texts.items()]
    counts = [Counter(stems(r.text, PASSAGE_STOPWORDS)) for r in rows]
    page_rows = [[0], [1, 2, 3], [4]]
    doc = _Document(rows, None, _Bm25(counts), _Bm25([sum((counts[i] for i in m), Counter()) for m in page_rows]),
                    page_rows)
    terms = stems("statement of cash flows", PASSAGE_STOPWORDS)
    assert all(sum(1 for t in set(terms) if c[t]) <= 1 for c in counts)  # no passage holds two of its words
    scores = {"d:0": 0.02, "d:2": 0.01}
    DocumentFocus(None, None, page_weight=1.0)._add_pages(doc, terms, 1.0, scores, None)
    assert scores["d:2"] == pytest.approx(0.01 + 1 / 11)  # page 2 ranks first, through its best passage
    assert scores["d:0"] == 0.02 and "d:4" not in scores  # page 1 says no more than its one passage
    prose = [ChunkRow(r.chunk_id, "d", r.path, r.page, 0, 1, "", r.text) for r in rows]  # no table
    scores = {"d:0": 0.02, "d:2": 0.01}
    DocumentFocus(None, None, page_weight=1.0)._add_pages(_Document(prose, None, doc.passages, doc.pages, page_rows),
                                                          terms, 1.0, scores, None)
    assert scores == {"d:0": 0.02, "d:2": 0.01}
