"""Reading vectors for search: exactly from the catalog for small indexes, else through Chroma.

The catalog keeps every passage's vector (float32) next to its text, so an index of up to
``retrieval.exact_up_to`` passages is searched by one matrix product over vectors read from
SQLite (once for each version of the index: later processes map the file ``store.vector_file``
wrote), exact and without importing chromadb, whose import alone costs about a second of every
cold ``ragbox search``. Larger indexes are queried through Chroma's HNSW index. Either way the
vectors of given passages (the focus stage, the scores of lexical hits) come from the catalog,
and from Chroma only for passages indexed before the catalog kept vectors.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

from ragbox.store import vector_file
from ragbox.store.catalog import Catalog, blob_vector
from ragbox.store.vector_file import VectorMatrix


class VectorReader:
    def __init__(self, catalog: Catalog, store: Callable[[], object], exact_up_to: int, in_file: bool = True) -> None:
        """``store`` gives the vector store (built on first need); indexes of up to ``exact_up_to``
        passages whose vectors are all in the catalog are searched exactly. ``in_file``: the matrix
        is kept in a file beside the catalog for the next process -- never for an encrypted index,
        whose vectors would lie there in plaintext (it is held in memory only)."""
        self.in_file = in_file
        self.catalog = catalog
        self._store_factory = store
        self.exact_up_to = exact_up_to
        self._exact: tuple[str, bool] | None = None  # (catalog generation, exact?)
        self._matrix: tuple[str, VectorMatrix] | None = None  # (catalog generation, its vectors)
        self._lock = threading.Lock()

    @property
    def store(self):
        return self._store_factory()

    @property
    def exact(self) -> bool:
        generation = self.catalog.generation()
        if self._exact is None or self._exact[0] != generation:
            written = self._written(generation) if self.exact_up_to > 0 else None
            if written is not None:  # what the file says, without counting the catalog's rows
                possible = written.complete and len(written.ids) <= self.exact_up_to
            else:
                possible = exact_possible(self.catalog, self.exact_up_to)
            self._exact = (generation, possible)
        return self._exact[1]

    def query(self, vector: Sequence[float], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest passages (cosine similarity), optionally only within ``doc_ids``."""
        if doc_ids is not None and not doc_ids:
            return []
        if not self.exact:
            return self.store.query(vector, k, doc_ids)
        import numpy as np

        found = self._loaded()
        if found.matrix is None:
            return []
        rows, scores = _scored(found, np.asarray(vector, dtype=np.float32), doc_ids)
        k = min(k, len(scores))
        if k <= 0:
            return []
        least = -np.partition(-scores, k - 1)[k - 1]  # the k-th best score
        top = np.flatnonzero(scores >= least)  # with every passage tied with it: ties broken by id
        top = top[np.lexsort((found.ids[rows[top]], -scores[top]))][:k]
        return [(found.chunk_id(rows[i]), float(scores[i])) for i in top]

    def vectors_of(self, ids: Sequence[str]) -> dict[str, list[float]]:
        found = catalog_vectors(self.catalog, ids)
        if len(found) < len(ids):  # passages indexed before the catalog kept vectors
            found.update(self.store.vectors_of([i for i in ids if i not in found]))
        return found

    def arrays_of(self, ids: Sequence[str]) -> dict:
        """``vectors_of``, each vector a numpy float32 array: the same numbers, without a Python
        float each (a document's hundreds of vectors for the focus stage took a third of its time)."""
        found = catalog_vectors(self.catalog, ids, as_arrays=True)
        if len(found) < len(ids):
            found.update(self.store.vectors_of([i for i in ids if i not in found]))
        return found

    def _written(self, generation: str) -> VectorMatrix | None:
        """The matrix file of this ``generation`` of the catalog, mapped (kept for ``_loaded``)."""
        with self._lock:
            if self._matrix is not None and self._matrix[0] == generation:
                return self._matrix[1]
            if not self.in_file:
                return None
            found = vector_file.read(self.catalog.path.parent, vector_file.folder_name(self.catalog.path, generation))
            if found is not None:
                self._matrix = (generation, found)
            return found

    def _loaded(self) -> VectorMatrix:
        """Every ready passage's vector as one matrix: the file of the catalog's generation,
        else read from the catalog (and written as that file for the next process)."""
        found = self._written(self.catalog.generation())
        if found is not None:
            return found
        if not self.catalog.db.in_transaction:  # the generation and the rows read as of one commit
            with self.catalog.snapshot():
                return self._loaded()
        generation = self.catalog.generation()
        ready = "FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE d.state = 'ready'"
        count = self.catalog.db.execute(f"SELECT count(*) {ready}").fetchone()[0]
        found = vector_file.build(self.catalog.db.execute(
            f"SELECT c.chunk_id, c.doc_id, c.vector {ready} ORDER BY c.id LIMIT ?", (count,)), count)
        if self.in_file:
            vector_file.write(self.catalog.path.parent, vector_file.folder_name(self.catalog.path, generation), found)
        with self._lock:
            self._matrix = (generation, found)
        return found


def _scored(found: VectorMatrix, vector, doc_ids: Sequence[str] | None):
    """(matrix rows, their scores) of the passages of ``doc_ids`` (None: all). A document's rows
    are one run of the matrix (written together), so only those runs are multiplied: a question
    naming 132 documents multiplied all 100k vectors and masked the rest (20-36 ms)."""
    import numpy as np

    if doc_ids is None:
        return np.arange(found.matrix.shape[0]), found.matrix @ vector
    codes = found.codes(doc_ids)
    runs = found.runs()
    if runs is None:  # rows of a document not together: all of them, the others masked
        # integer codes: numpy's isin on object arrays took 3 s at 100k passages
        rows = np.flatnonzero(np.isin(found.owners, np.asarray(codes, dtype=np.int32)))
        return rows, (found.matrix @ vector)[rows]
    spans = sorted((int(runs[0][c]), int(runs[1][c])) for c in codes)
    if not spans:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    rows = np.concatenate([np.arange(start, stop) for start, stop in spans])
    return rows, np.concatenate([found.matrix[start:stop] @ vector for start, stop in spans])


def exact_possible(catalog: Catalog, limit: int) -> bool:
    """Whether the catalog holds the vector of every ready passage, and no more than ``limit``."""
    if limit <= 0 or catalog.ready_chunk_count() > limit:
        return False
    row = catalog.db.execute("SELECT 1 FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                             "WHERE d.state = 'ready' AND c.vector IS NULL LIMIT 1").fetchone()
    return row is None


def catalog_vectors(catalog: Catalog, ids: Sequence[str], as_arrays: bool = False) -> dict:
    """The vectors the catalog keeps for ``ids`` (passages indexed before it kept them are left
    out), as lists of floats, or numpy float32 arrays ``as_arrays``."""
    import numpy as np

    read = (lambda blob: np.frombuffer(blob, dtype=np.float32)) if as_arrays else blob_vector
    found: dict = {}
    for i in range(0, len(ids), 500):
        part = list(ids[i:i + 500])
        rows = catalog.db.execute(
            f"SELECT chunk_id, vector FROM chunks WHERE vector IS NOT NULL AND chunk_id IN "
            f"({','.join('?' * len(part))})", part)
        found.update((chunk_id, read(blob)) for chunk_id, blob in rows)
    return found
