"""The catalog's keyword side: BM25 rankings from the full-text index, the terms too common to
rank by, and the documents a phrase is found in. A part of ``Catalog`` (``store.catalog``), kept
apart so each module reads as one concern; it uses the catalog's connection and generation."""

from __future__ import annotations

import sqlite3
from typing import Sequence

from ragbox.store.schema import BM25_WEIGHTS

MAX_SPAN_DOCUMENTS = 500  # a keyword search filtered to more documents tests each match's document alone


class KeywordSearch:
    """Mixed into ``Catalog``: needs its ``db``, ``generation()``, ``snapshot()``, ``_lock`` and
    ``_owners``."""

    def lexical_search(self, match: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Chunk ids ranked by BM25 for an FTS5 ``match`` expression (best first).

        Unfiltered, FTS5 ranks inside the full-text index and stops at the best ``k`` (its
        ``rank`` column with a LIMIT); the join to the documents then only drops passages of a
        version being replaced. Ranking every match through the join first took 2 to 7 times as
        long on a 100k-passage index, for the same ids in the same order. Filtered to a few
        documents, a match outside their row id ranges is dropped inside the full-text query,
        before it is scored or joined (a third faster at 100k, the same ids in the same order)."""
        try:
            if doc_ids is None:
                rows = self.db.execute(
                    "SELECT c.chunk_id, f.rank FROM (SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ? "
                    f"AND rank MATCH 'bm25({BM25_WEIGHTS})' ORDER BY rank LIMIT ?) f JOIN chunks c ON c.id = f.rowid "
                    "JOIN documents d ON d.doc_id = c.doc_id WHERE d.state = 'ready' ORDER BY f.rank",
                    (match, k)).fetchall()
                if len(rows) == k or not self.db.execute(
                        "SELECT 1 FROM documents WHERE state != 'ready' LIMIT 1").fetchone():
                    return [(row[0], -row[1]) for row in rows]
            spans = self._row_spans(doc_ids) if doc_ids is not None and len(doc_ids) <= MAX_SPAN_DOCUMENTS else None
            if spans is not None:
                if not spans:
                    return []
                # The documents' row id ranges, tested inside the full-text query: a match
                # outside them is dropped before it is scored or joined to its chunk row (the
                # join below still checks each hit's document).
                inside = " OR ".join("rowid BETWEEN ? AND ?" for _ in spans)
                sql = (f"SELECT c.chunk_id, f.rank FROM (SELECT rowid, bm25(chunks_fts, {BM25_WEIGHTS}) AS rank "
                       f"FROM chunks_fts WHERE chunks_fts MATCH ? AND ({inside})) f JOIN chunks c ON c.id = f.rowid "
                       "JOIN documents d ON d.doc_id = c.doc_id WHERE d.state = 'ready'")
                params: list = [match, *(bound for span in spans for bound in span)]
            else:
                sql = (f"SELECT c.chunk_id, bm25(chunks_fts, {BM25_WEIGHTS}) AS rank FROM chunks_fts "
                       "JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.doc_id = c.doc_id "
                       "WHERE chunks_fts MATCH ? AND d.state = 'ready'")
                params = [match]
            if doc_ids is not None:
                sql += f" AND c.doc_id IN ({','.join('?' * len(doc_ids))})"
                params.extend(doc_ids)
            return [(row[0], -row[1]) for row in self.db.execute(sql + " ORDER BY rank LIMIT ?", [*params, k])]
        except sqlite3.OperationalError:  # a query FTS5 cannot parse matches nothing lexically
            return []

    def _row_spans(self, doc_ids: Sequence[str]) -> list[tuple[int, int]]:
        """The chunk row ids of ``doc_ids`` as few ranges: a document's rows are written together,
        so each is one range, and ranges that touch are merged."""
        spans: list[tuple[int, int]] = []
        for low, high in sorted(self.db.execute(
                f"SELECT min(id), max(id) FROM chunks WHERE doc_id IN ({','.join('?' * len(doc_ids))}) "
                "GROUP BY doc_id", list(doc_ids))):
            if spans and low <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(high, spans[-1][1]))
            else:
                spans.append((low, high))
        return spans

    def common_terms(self, terms: Sequence[str]) -> set[str]:
        """The FTS5 ``terms`` found in more than half of all passages. FTS5's BM25 floors the
        weight of such a term near zero, so a query ranks the same without it."""
        db = self.db
        # data_version moves when another connection commits, total_changes on this one's writes.
        version = (db.execute("PRAGMA data_version").fetchone()[0], db.total_changes)
        counts = getattr(self._local, "term_counts", None)
        if counts is None or counts.get("") != version:
            counts = self._local.term_counts = {"": version}
        if "*" not in counts:
            counts["*"] = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        common = set()
        for term in terms:
            if term not in counts:
                try:
                    counts[term] = db.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?",
                                              (term,)).fetchone()[0]
                except sqlite3.OperationalError:
                    counts[term] = 0
            if counts[term] * 2 > counts["*"]:
                common.add(term)
        return common

    def documents_matching(self, match: str, opening: int | None = None) -> set[str]:
        """Ids of ready documents with at least one chunk matching an FTS5 ``match`` expression
        (among their first ``opening`` chunks only, when given: where a document names its parties).

        The matching rows come from the full-text index alone and are mapped to their documents
        in memory (``_row_owners``): joining every match to its chunk row cost three times as
        much where a party's name is in thousands of passages."""
        import numpy as np

        if opening is not None:
            return self._opening_matching(match, opening)
        try:
            found = np.fromiter((row[0] for row in self.db.execute(
                "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?", (match,))), dtype=np.int64)
        except sqlite3.OperationalError:
            return set()
        rowids, owners, doc_ids = self._row_owners()
        if not len(found) or not len(rowids):
            return set()
        at = np.minimum(np.searchsorted(rowids, found), len(rowids) - 1)
        return {doc_ids[i] for i in np.unique(owners[at[rowids[at] == found]]).tolist()}

    def _opening_matching(self, match: str, opening: int) -> set[str]:
        sql = ("SELECT DISTINCT c.doc_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d "
               "ON d.doc_id = c.doc_id WHERE chunks_fts MATCH ? AND d.state = 'ready' AND c.seq < ?")
        try:
            return {row[0] for row in self.db.execute(sql, (match, opening))}
        except sqlite3.OperationalError:
            return set()

    def _row_owners(self):
        """(sorted chunk row ids, each one's document as an index into the list of document ids,
        that list), of the ready documents; made again whenever the generation moves."""
        import numpy as np

        if not self.db.in_transaction:  # the generation and the rows read as of one commit
            with self.snapshot():
                return self._row_owners()
        generation = self.generation()
        with self._lock:
            cached = self._owners
        if cached is None or cached[0] != generation:
            codes: dict[str, int] = {}
            rows = self.db.execute("SELECT c.id, c.doc_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                                   "WHERE d.state = 'ready' ORDER BY c.id").fetchall()
            rowids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            owners = np.fromiter((codes.setdefault(r[1], len(codes)) for r in rows), dtype=np.int64, count=len(rows))
            cached = (generation, rowids, owners, list(codes))
            with self._lock:
                self._owners = cached
        return cached[1:]

