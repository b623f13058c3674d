"""Each passage's stems, computed when it is indexed, for the focus stage's in-document BM25.

The focus stage (``search.focus``) ranks every passage of the documents a question is about by
BM25 over their stems. Stemming a contract's passages at question time (a regular expression
and a stem a word) cost 10-40 ms for each document the first time a question named it: at 100k
passages, about half of the slowest 5% of searches. The stems of a passage never change, so the
catalog keeps them in the ``stems`` column, written with the passage (``Catalog.finish_document``)
and, for passages of a catalog written before the column existed, at the end of the next index
run (``fill_missing``). A passage without them (a catalog an older ragbox wrote since) is stemmed
at question time as before: the same stems either way.
"""

from __future__ import annotations

from ragbox.store.catalog import Catalog

FILLED_KEY = "passage_stems_filled"  # meta: every passage written before the column has its stems
BATCH = 2000


def stored_stems(catalog: Catalog, doc_id: str) -> dict[str, str | None]:
    """chunk id -> its stems joined by spaces (None where they were never computed)."""
    return dict(catalog.db.execute("SELECT chunk_id, stems FROM chunks WHERE doc_id = ?", (doc_id,)))


def fill_missing(catalog: Catalog) -> int:
    """Compute and store the stems of every passage without them (once for a catalog written
    before they were kept: then the meta key says so, and a run does not look for them again).
    Returns how many passages got theirs."""
    from ragbox.text import passage_stems

    if catalog.get_meta(FILLED_KEY):
        return 0
    filled = 0
    while True:
        rows = catalog.db.execute("SELECT id, section, context, text FROM chunks WHERE stems IS NULL "
                                  "LIMIT ?", (BATCH,)).fetchall()
        if not rows:
            break
        with catalog.transaction():
            catalog.db.executemany("UPDATE chunks SET stems = ? WHERE id = ?",
                                   [(passage_stems(section, context, text), i) for i, section, context, text in rows])
        filled += len(rows)
    catalog.set_meta(FILLED_KEY, "1")
    return filled
