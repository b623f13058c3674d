"""Reading vectors for search: exactly from the catalog for small indexes, else through Chroma.

The catalog keeps every passage's vector (float32) next to its text, so an index of up to
``retrieval.exact_up_to`` passages is searched by one matrix product over vectors read from
SQLite, exact and without importing chromadb, whose import alone costs about a second of every
cold ``ragbox search``. Larger indexes are queried through Chroma's HNSW index. Either way the
vectors of given passages (the focus stage, the scores of lexical hits) come from the catalog,
and from Chroma only for passages indexed before the catalog kept vectors.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

from ragbox.store.catalog import Catalog, blob_vector


class VectorReader:
    def __init__(self, catalog: Catalog, store: Callable[[], object], exact_up_to: int) -> None:
        """``store`` gives the vector store (built on first need); indexes of up to ``exact_up_to``
        passages whose vectors are all in the catalog are searched exactly."""
        self.catalog = catalog
        self._store_factory = store
        self.exact_up_to = exact_up_to
        self._exact: tuple[str, bool] | None = None  # (catalog generation, exact?)
        self._matrix = None  # (generation, ids, doc ids, numpy matrix, ids as a numpy array)
        self._lock = threading.Lock()

    @property
    def store(self):
        return self._store_factory()

    @property
    def exact(self) -> bool:
        generation = self.catalog.generation()
        if self._exact is None or self._exact[0] != generation:
            self._exact = (generation, exact_possible(self.catalog, self.exact_up_to))
        return self._exact[1]

    def query(self, vector: Sequence[float], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest passages (cosine similarity), optionally only within ``doc_ids``."""
        if doc_ids is not None and not doc_ids:
            return []
        if not self.exact:
            return self.store.query(vector, k, doc_ids)
        import numpy as np

        ids, owners, matrix, names = self._loaded()
        if not ids:
            return []
        scores = matrix @ np.asarray(vector, dtype=np.float32)
        if doc_ids is not None:
            codes, code_of = owners
            wanted = [code_of[d] for d in doc_ids if d in code_of]
            allowed = np.isin(codes, np.asarray(wanted, dtype=np.int64))  # integers: object arrays took 3 s
            scores = np.where(allowed, scores, -np.inf)
            k = min(k, int(allowed.sum()))
        k = min(k, len(ids))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((names[top], -scores[top]))]
        return [(ids[i], float(scores[i])) for i in top]

    def vectors_of(self, ids: Sequence[str]) -> dict[str, list[float]]:
        found = catalog_vectors(self.catalog, ids)
        if len(found) < len(ids):  # passages indexed before the catalog kept vectors
            found.update(self.store.vectors_of([i for i in ids if i not in found]))
        return found

    def _loaded(self):
        """Every ready passage's vector as one matrix, read again whenever the catalog changed."""
        import numpy as np

        db = self.catalog.db
        version = self.catalog.generation()
        with self._lock:
            if self._matrix is None or self._matrix[0] != version:
                rows = db.execute("SELECT c.chunk_id, c.doc_id, c.vector FROM chunks c JOIN documents d "
                                  "ON d.doc_id = c.doc_id WHERE d.state = 'ready' AND c.vector IS NOT NULL "
                                  "ORDER BY c.id").fetchall()
                ids = [r[0] for r in rows]
                code_of: dict[str, int] = {}  # document id -> a small integer code
                codes = np.asarray([code_of.setdefault(r[1], len(code_of)) for r in rows], dtype=np.int64)
                owners = (codes, code_of)
                blob = b"".join(r[2] for r in rows)
                matrix = np.frombuffer(blob, dtype=np.float32).reshape(len(rows), -1) if rows else None
                names = np.asarray(ids, dtype=object)  # to break ties by id, made once, not per query
                self._matrix = (version, ids, owners, matrix, names)
            return self._matrix[1:]


def exact_possible(catalog: Catalog, limit: int) -> bool:
    """Whether the catalog holds the vector of every ready passage, and no more than ``limit``."""
    if limit <= 0 or catalog.ready_chunk_count() > limit:
        return False
    row = catalog.db.execute("SELECT 1 FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                             "WHERE d.state = 'ready' AND c.vector IS NULL LIMIT 1").fetchone()
    return row is None


def catalog_vectors(catalog: Catalog, ids: Sequence[str]) -> dict[str, list[float]]:
    """The vectors the catalog keeps for ``ids`` (passages indexed before it kept them are left out)."""
    found: dict[str, list[float]] = {}
    for i in range(0, len(ids), 500):
        part = list(ids[i:i + 500])
        rows = catalog.db.execute(
            f"SELECT chunk_id, vector FROM chunks WHERE vector IS NOT NULL AND chunk_id IN "
            f"({','.join('?' * len(part))})", part)
        found.update((chunk_id, blob_vector(blob)) for chunk_id, blob in rows)
    return found
