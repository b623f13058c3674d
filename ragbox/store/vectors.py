"""The vector store adapter: the only module importing chromadb.

Chroma holds vectors and the few metadata fields needed to filter inside a query (``doc_id``);
the text, offsets and file state live in the catalog, which is the source of truth. Every write
here is idempotent (upsert by deterministic id, delete by ``doc_id``), which is what lets an
interrupted run be repaired by replaying it.

Chroma keeps its index in memory per process and does not notice another process writing: a
reader then fails ("Error finding id") or misses new vectors. So reads reopen the store when its
file changed by other hands than this object's since it was opened, and retry once after a
failure on a freshly opened store.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from ragbox.errors import StoreError
from ragbox.privacy import private_dir, private_umask

COLLECTION = "chunks"
TELEMETRY = False  # Chroma's anonymized usage statistics: never sent (`ragbox doctor` shows it)
T = TypeVar("T")


class ChromaVectorStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._collection = None
        self._client = None
        self._opened_at: tuple | None = None  # the store file's stamp after this object's last write
        self._guard = threading.RLock()  # a reopen never runs while this object writes

    @property
    def collection(self):
        with self._guard:
            if self._collection is None:
                self._open()
            return self._collection

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings

        try:
            private_dir(self.path)
            with private_umask():
                self._client = chromadb.PersistentClient(
                    path=str(self.path), settings=Settings(anonymized_telemetry=TELEMETRY, allow_reset=False)
                )
                # embedding_function=None: Chroma's default would download a model; ragbox always
                # passes its own vectors.
                self._collection = self._client.get_or_create_collection(
                    COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
        except Exception as exc:
            raise StoreError("Cannot open the vector store", f"{type(exc).__name__}: {exc}", self.path) from exc
        self._opened_at = self._stamp()

    def telemetry_setting(self) -> bool:
        """Chroma's anonymized_telemetry as the open client has it (for `ragbox doctor`)."""
        _ = self.collection
        return bool(self._client.get_settings().anonymized_telemetry)

    def _stamp(self) -> tuple:
        """Changes whenever any process commits to Chroma's database file."""
        stamps = []
        for name in ("chroma.sqlite3", "chroma.sqlite3-wal"):
            try:
                info = (self.path / name).stat()
                stamps.append((info.st_mtime_ns, info.st_size, info.st_ino))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def _reopen(self) -> None:
        with self._guard:
            client, self._client, self._collection = self._client, None, None
            if client is not None:
                try:
                    client.close()  # the last client of this path stops its cached system
                except Exception:  # a client that will not close is dropped all the same
                    pass
            self._open()

    def _read(self, query: Callable[[], T]) -> T:
        """Run a read on a store that has seen every other process's writes; once more on a
        fresh store if it fails (the other process wrote in the middle of it)."""
        with self._guard:
            if self._collection is not None and self._stamp() != self._opened_at:
                self._reopen()
        try:
            return query()
        except Exception:
            self._reopen()
            return query()

    def _written(self) -> None:
        self._opened_at = self._stamp()

    def _batch_size(self) -> int:
        try:
            return max(1, min(self._client.get_max_batch_size(), 5000))
        except Exception:
            return 1000

    def upsert(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], doc_ids: Sequence[str]) -> None:
        with self._guard, private_umask():
            collection = self.collection
            step = self._batch_size()
            for i in range(0, len(ids), step):
                collection.upsert(
                    ids=list(ids[i:i + step]),
                    embeddings=[list(v) for v in vectors[i:i + step]],
                    metadatas=[{"doc_id": d} for d in doc_ids[i:i + step]],
                )
            self._written()

    def vectors_of(self, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        found = self._read(lambda: self.collection.get(ids=list(ids), include=["embeddings"]))
        return {i: list(map(float, v)) for i, v in zip(found["ids"], found["embeddings"])}

    def delete_docs(self, doc_ids: Sequence[str]) -> None:
        with self._guard, private_umask():
            for i in range(0, len(doc_ids), 500):
                self.collection.delete(where={"doc_id": {"$in": list(doc_ids[i:i + 500])}})
            self._written()

    def delete_ids(self, ids: Sequence[str]) -> None:
        with self._guard, private_umask():
            step = self._batch_size() if self._client else 1000
            for i in range(0, len(ids), step):
                self.collection.delete(ids=list(ids[i:i + step]))
            self._written()

    def all_ids(self) -> list[str]:
        return list(self._read(lambda: self.collection.get(include=[]))["ids"])

    def drop_all(self) -> None:
        with self._guard, private_umask():
            _ = self.collection  # opens the client, so the collection can be dropped by name
            self._client.delete_collection(COLLECTION)
            self._collection = None
            self._written()

    def count(self) -> int:
        return self._read(lambda: self.collection.count())

    def query(self, vector: Sequence[float], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest chunk ids with cosine similarity, optionally only within ``doc_ids``."""
        if doc_ids is not None and not doc_ids:
            return []
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids is not None else None

        def nearest():
            total = self.collection.count()
            if total == 0:
                return {"ids": [[]], "distances": [[]]}
            return self.collection.query(query_embeddings=[list(vector)], n_results=min(k, total), where=where,
                                         include=["distances"])

        result = self._read(nearest)
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0])]
