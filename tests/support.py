"""Helpers shared by the tests (imported by name; conftest.py holds only fixtures)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DOCS = REPO / "sample_docs"
FIXTURES = REPO / "tests" / "fixtures"
NDA = SAMPLE_DOCS / "contracts" / "mutual_nda_northwind_bluefin.pdf"
MSA = SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf"


def store_state(engine) -> dict:
    """Everything observable about an index, for comparing two of them (paths made relative)."""
    catalog = engine.catalog
    state = {}
    for doc in catalog.documents(state=None):
        state[Path(doc.path).name] = (
            doc.state, doc.content_hash, doc.pages,
            tuple((c.page, c.char_start, c.char_end, c.text) for c in catalog.chunks_of(doc.doc_id)),
        )
    return state


def assert_consistent(engine) -> None:
    """Catalog and vector store agree exactly: no orphan, missing or duplicate chunks."""
    catalog_ids = []
    for doc in engine.catalog.documents(state=None):
        assert doc.state == "ready", f"{doc.path} left in state {doc.state}"
        ids = engine.catalog.chunk_ids(doc.doc_id)
        assert len(ids) == doc.chunks
        catalog_ids.extend(ids)
    vector_ids = engine.vectors.all_ids()
    assert len(vector_ids) == len(set(vector_ids))
    assert sorted(vector_ids) == sorted(catalog_ids)
    paths = [d.path for d in engine.catalog.documents()]
    assert len(paths) == len(set(paths)), "a path is indexed twice"
