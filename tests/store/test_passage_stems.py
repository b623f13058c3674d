"""Each passage's stems kept in the catalog for the focus stage: written with the passage, filled
once for a catalog from before the column, and the focus stage ranks the same with or without them."""

from ragbox.store.passage_stems import FILLED_KEY, fill_missing, stored_stems
from ragbox.text import passage_stems


def test_indexed_passages_keep_the_stems_the_focus_stage_ranks_by(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    doc = engine.catalog.documents()[0]
    kept = stored_stems(engine.catalog, doc.doc_id)
    rows = engine.catalog.chunks_of(doc.doc_id)
    assert rows and set(kept) == {r.chunk_id for r in rows}
    assert all(kept[r.chunk_id] == passage_stems(r.section, r.context, r.text) for r in rows)
    assert any(kept[r.chunk_id] for r in rows)


def test_a_catalog_from_before_the_stems_gets_them_at_the_next_run(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    catalog = engine.catalog
    expected = {r[0]: r[1] for r in catalog.db.execute("SELECT chunk_id, stems FROM chunks")}
    catalog.db.execute("UPDATE chunks SET stems = NULL")  # as the column is when an older catalog gains it
    catalog.db.execute("DELETE FROM meta WHERE key = ?", (FILLED_KEY,))
    query = 'Consider the agreement between "Acme"; how much notice is needed to terminate?'
    computed_now = [(h.chunk_id, h.score) for h in engine.search(query, k=8)]
    summary = engine.index([docs])
    assert not summary.indexed  # nothing changed, the stems were filled all the same
    assert {r[0]: r[1] for r in catalog.db.execute("SELECT chunk_id, stems FROM chunks")} == expected
    assert catalog.get_meta(FILLED_KEY) and fill_missing(catalog) == 0
    fresh = make_engine()  # a new process's focus cache: the stems read from the catalog
    assert [(h.chunk_id, h.score) for h in fresh.search(query, k=8)] == computed_now
