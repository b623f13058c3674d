"""The vector store adapter: the only module importing chromadb.

Embedded (a folder next to the catalog) or, with ``store.url``, a Chroma server that holds the
indexes of a team (one collection per index name), texts included (``store.team_server``).

Chroma holds vectors and the few metadata fields needed to filter inside a query (``doc_id``);
the text, offsets and file state live in the catalog, which is the source of truth on one machine
(on a team server, the server is, and the catalog its cache). Every write
here is idempotent (upsert by deterministic id, delete by ``doc_id``), which is what lets an
interrupted run be repaired by replaying it.

Chroma keeps its index in memory per process and does not notice another process writing: a
reader then fails ("Error finding id") or misses new vectors (a long-lived engine, as in ``ragbox
serve``, would never see a file indexed meanwhile). So every read reopens the store when its file
changed by other hands than this object's since it was opened, and retries once after a failure
on a freshly opened store.
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
        self._opened_at: tuple | None = None  # the store file's stamp after this object's last write
        self._guard = threading.RLock()  # a reopen never runs while this object writes
        self._reading = 0  # reads in flight

    def _open_client(self):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=TELEMETRY, allow_reset=False)
        if not self.url:
            private_dir(self.path)
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
        with self._guard:
            if self._collection is None:
                self._open()
            return self._collection

    def _open(self) -> None:
        try:
            with private_umask():
                self._client = self._open_client()
                # embedding_function=None: Chroma's default would download a model; ragbox always
                # passes its own vectors.
                self._collection = self._client.get_or_create_collection(
                    self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
        except Exception as exc:
            raise StoreError("Cannot open the vector store", self._why(exc), self.where) from exc
        self._opened_at = self._stamp()

    def _why(self, exc: Exception) -> str:
        text = str(exc)
        if self.url and ("Unauthorized" in text or "401" in text or "403" in text or "Forbidden" in text):
            return ("the server refused store.token" if self.token else
                    "the server wants a token: set store.token (or RAGBOX_STORE__TOKEN)")
        return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"

    def close(self) -> None:
        """Release the client; the next use opens the store again and sees every write since."""
        with self._guard:
            client, self._client, self._collection = self._client, None, None
            if client is not None:
                try:
                    client.close()  # the last client of this path stops its cached system
                except Exception:  # a client that will not close is dropped all the same
                    pass

    def telemetry_setting(self) -> bool:
        """Chroma's anonymized_telemetry as the open client has it (for `ragbox doctor`)."""
        _ = self.collection
        return bool(self._client.get_settings().anonymized_telemetry)

    def _stamp(self) -> tuple:
        """Changes whenever any process commits to Chroma's database file (a server sees every
        write itself: nothing to follow)."""
        if self.url:
            return ()
        stamps = []
        for name in ("chroma.sqlite3", "chroma.sqlite3-wal"):
            try:
                info = (self.path / name).stat()
                stamps.append((info.st_mtime_ns, info.st_size, info.st_ino))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def files_stamp(self) -> str:
        """The embedded store's files as they are now (size, mtime, inode; "" for a server): equal
        stamps mean no process wrote the store in between. Reads no store, imports no Chroma."""
        return repr(self._stamp()) if not self.url else ""

    def _read(self, query: Callable[[], T]) -> T:
        """Run a read on a store that has seen every other process's writes; once more on a
        fresh store if it fails (the other process wrote in the middle of it). The store is never
        reopened under another read in flight (a long-lived engine serves several threads)."""
        with self._guard:
            if self._collection is not None and not self._reading and self._stamp() != self._opened_at:
                self.close()  # opened again by the query
            self._reading += 1
        try:
            try:
                return query()
            except Exception:
                with self._guard:
                    if self._reading == 1:
                        self.close()
                return query()
        finally:
            with self._guard:
                self._reading -= 1

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
            self._client.delete_collection(self.name)
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

    # --- a team server: the passages' texts beside their vectors, and the index's records -------
    def annotate(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], texts: Sequence[str],
                 metadatas: Sequence[dict]) -> None:
        """Store passages with their texts and fields (a team server holds them). The vectors go
        with them: given texts alone, Chroma would try to embed them with its own model."""
        with self._guard, private_umask():
            collection = self.collection
            step = self._batch_size()
            for i in range(0, len(ids), step):
                collection.upsert(ids=list(ids[i:i + step]), embeddings=[list(v) for v in vectors[i:i + step]],
                                  documents=list(texts[i:i + step]), metadatas=list(metadatas[i:i + step]))
            self._written()

    def records_of(self, doc_ids: Sequence[str]) -> list[tuple[str, str, dict, list[float]]]:
        """(id, text, fields, vector) of every stored passage of ``doc_ids``."""
        found = self._read(lambda: self.collection.get(where={"doc_id": {"$in": list(doc_ids)}},
                                                       include=["documents", "metadatas", "embeddings"]))
        return [(i, text or "", dict(fields or {}), list(map(float, vector)))
                for i, text, fields, vector in zip(found["ids"], found["documents"], found["metadatas"],
                                                   found["embeddings"])]

    def records_collection(self):
        """The collection beside the passages' one that holds the index's own records on a
        server (``store.team_server``): ``ragbox.NAME.records``."""
        with self._guard:
            _ = self.collection
            return self._client.get_or_create_collection(self.name.rsplit(".", 1)[0] + ".records",
                                                         embedding_function=None)
