"""The vector store adapter: the only module importing chromadb.

Embedded (a folder next to the catalog) or, with ``store.url``, a Chroma server that holds the
vectors of several people's indexes (one collection per index name); the catalog stays local.

Chroma holds vectors and the few metadata fields needed to filter inside a query (``doc_id``);
the text, offsets and file state live in the catalog, which is the source of truth. Every write
here is idempotent (upsert by deterministic id, delete by ``doc_id``), which is what lets an
interrupted run be repaired by replaying it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ragbox.errors import StoreError

COLLECTION = "chunks"


def server_collection(index: str) -> str:
    """An index's collection on a shared Chroma server (the embedded store has one per folder)."""
    return f"ragbox.{index}.chunks"


class ChromaVectorStore:
    def __init__(self, path: Path, url: str = "", token: str = "", collection: str = COLLECTION) -> None:
        """Embedded in ``path``, or on the Chroma server at ``url`` (``http(s)://host:port``, with
        ``token`` sent as a bearer token when the server wants one)."""
        self.path = Path(path)
        self.url = url
        self.token = token
        self.name = collection
        self._collection = None
        self._client = None

    def _open_client(self):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        if not self.url:
            return chromadb.PersistentClient(path=str(self.path), settings=settings)
        from urllib.parse import urlsplit

        url = urlsplit(self.url)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        return chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or 8000,
                                   ssl=url.scheme == "https", headers=headers, settings=settings)

    @property
    def where(self) -> str:
        return self.url or str(self.path)

    @property
    def collection(self):
        if self._collection is None:
            try:
                self._client = self._open_client()
                # embedding_function=None: Chroma's default would download a model; ragbox always
                # passes its own vectors.
                self._collection = self._client.get_or_create_collection(
                    self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
            except Exception as exc:
                raise StoreError("Cannot open the vector store", f"{type(exc).__name__}: {exc}", self.where) from exc
        return self._collection

    def close(self) -> None:
        """Release the client; the next use opens the store again and sees every write since."""
        if self._client is not None:
            try:
                self._client.close()
            except Exception:  # a client that cannot close cleanly is dropped all the same
                pass
        self._client = self._collection = None

    def _batch_size(self) -> int:
        try:
            return max(1, min(self._client.get_max_batch_size(), 5000))
        except Exception:
            return 1000

    def upsert(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], doc_ids: Sequence[str]) -> None:
        collection = self.collection
        step = self._batch_size()
        for i in range(0, len(ids), step):
            collection.upsert(
                ids=list(ids[i:i + step]),
                embeddings=[list(v) for v in vectors[i:i + step]],
                metadatas=[{"doc_id": d} for d in doc_ids[i:i + step]],
            )

    def vectors_of(self, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        found = self.collection.get(ids=list(ids), include=["embeddings"])
        return {i: list(map(float, v)) for i, v in zip(found["ids"], found["embeddings"])}

    def delete_docs(self, doc_ids: Sequence[str]) -> None:
        for i in range(0, len(doc_ids), 500):
            self.collection.delete(where={"doc_id": {"$in": list(doc_ids[i:i + 500])}})

    def delete_ids(self, ids: Sequence[str]) -> None:
        step = self._batch_size() if self._client else 1000
        for i in range(0, len(ids), step):
            self.collection.delete(ids=list(ids[i:i + step]))

    def all_ids(self) -> list[str]:
        return list(self.collection.get(include=[])["ids"])

    def drop_all(self) -> None:
        _ = self.collection  # opens the client, so the collection can be dropped by name
        self._client.delete_collection(self.name)
        self._collection = None

    def count(self) -> int:
        return self.collection.count()

    def query(self, vector: Sequence[float], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest chunk ids with cosine similarity, optionally only within ``doc_ids``."""
        if doc_ids is not None and not doc_ids:
            return []
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids is not None else None
        total = self.count()
        if total == 0:
            return []
        result = self.collection.query(
            query_embeddings=[list(vector)], n_results=min(k, total), where=where, include=["distances"]
        )
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0])]
