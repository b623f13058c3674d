"""The coverage ledger in the catalog: how each page of each indexed document was read.

One row a page (``types.PageRead``), keyed by the document version's ``doc_id`` and its part:
written in the transaction that stores the document's chunks (``Catalog.finish_document``),
deleted by a trigger with the document row (so a re-index, a rename and ``forget`` keep it right
without code of their own). A document indexed before the ledger existed has no rows: its pages
are reported as unknown until it is indexed again.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ragbox.coverage import DocumentCoverage, PageRead
from ragbox.paths import part_path

if TYPE_CHECKING:
    from ragbox.store.catalog import Catalog

MAX_LISTED = 500  # documents asked for by path, read by their ids (SQLite's variables are limited)


def write_coverage(db: sqlite3.Connection, doc_id: str, pages: Sequence[PageRead]) -> None:
    """Replace the ledger of ``doc_id`` (inside the caller's transaction)."""
    db.execute("DELETE FROM coverage WHERE doc_id=?", (doc_id,))
    db.executemany("INSERT OR REPLACE INTO coverage VALUES (?,?,?,?,?,?)",
                   [(doc_id, p.part, p.page, p.state, p.confidence, p.reason) for p in pages])


def page_reads(catalog: Catalog, doc_id: str) -> list[PageRead] | None:
    """The ledger of one document version, or None when it was indexed before the ledger."""
    rows = catalog.db.execute("SELECT part, page, state, confidence, reason FROM coverage WHERE doc_id=? "
                              "ORDER BY part, page", (doc_id,)).fetchall()
    return [PageRead(*row) for row in rows] or None


def document_coverage(catalog: Catalog, paths: Sequence[str] = ()) -> list[DocumentCoverage]:
    """Each ready document's coverage, one entry a part (an e-mail's attachment is its own),
    for the files at or under ``paths`` (all when none)."""
    with catalog.snapshot():
        documents = [d for d in catalog.documents() if not paths or any(_at_or_under(d.path, p) for p in paths)]
        # one query: for the whole index (the app reads it at every load), or for the few files asked
        few = bool(paths) and len(documents) <= MAX_LISTED
        where = f" AND c.doc_id IN ({','.join('?' * len(documents))})" if few else ""
        rows = catalog.db.execute(
            "SELECT c.doc_id, c.part, c.page, c.state, c.confidence, c.reason FROM coverage c "
            f"JOIN documents d ON d.doc_id = c.doc_id WHERE d.state='ready'{where} ORDER BY c.doc_id, c.part, c.page",
            [d.doc_id for d in documents] if few else [])
        by_document: dict[str, dict[str, list[PageRead]]] = {}
        for doc_id, *read in rows:
            by_document.setdefault(doc_id, {}).setdefault(read[0], []).append(PageRead(*read))
    result: list[DocumentCoverage] = []
    for doc in documents:
        parts = by_document.get(doc.doc_id)
        if parts is None:
            result.append(DocumentCoverage(doc.path, known=False, page_count=doc.pages))
        else:
            result += [DocumentCoverage(part_path(doc.path, part), tuple(reads)) for part, reads in parts.items()]
    return result


def state_counts(catalog: Catalog) -> dict[str, int]:
    """Pages of the ready documents by state, and ``unknown``: pages of documents indexed before
    the ledger."""
    counts = Counter(dict(catalog.db.execute(
        "SELECT c.state, COUNT(*) FROM coverage c JOIN documents d ON d.doc_id = c.doc_id "
        "WHERE d.state='ready' GROUP BY c.state").fetchall()))
    counts["unknown"] = catalog.db.execute(
        "SELECT COALESCE(SUM(pages), 0) FROM documents d WHERE state='ready' "
        "AND NOT EXISTS (SELECT 1 FROM coverage c WHERE c.doc_id = d.doc_id)").fetchone()[0]
    return dict(counts)


def _at_or_under(path: str, target: str) -> bool:
    p, t = Path(path), Path(target)
    return p == t or t in p.parents
