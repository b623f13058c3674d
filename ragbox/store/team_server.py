"""A team's index on a Chroma server (``store.url``): the server is the source of truth.

The passages' collection (``ragbox.NAME.chunks``) holds each passage's vector, text and fields
(page, offsets, section, part, context); the records' collection beside it (``ragbox.NAME.records``)
holds one record per document (path, hash, size, pages, passage count, its cards), the index's
settings (embedding model, precision, folders, skipped files), the **revision** ("N-tag": a
number every published change moves, with a random tag, so a server wiped and filled again never
repeats one a cache holds) and the indexing **lease**. A member's catalog is a cache of all this
(``store.team_cache``), refreshed when the revision moved.

Writes follow the indexer's order, so a reader never takes half a change: a document's passages
(vectors, then texts) are on the server before its record, and its record goes before its
passages do; a document whose record names more passages than the server holds is skipped by a
reader until the next run puts it right. The revision moves last.

Chroma has no compare-and-swap, so the lease is taken by writing it and reading it back after a
moment: two indexers starting in the same instant both back off. It expires after
``LEASE_SECONDS`` unless renewed (an indexer that dies frees the index by itself).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from ragbox.errors import IndexBusyError, StoreError
from ragbox.store.catalog import Catalog, DocumentRow
from ragbox.store.exact import catalog_vectors
from ragbox.store.vectors import ChromaVectorStore

LEASE_SECONDS = 60.0
RECORD_VECTOR = [1.0]  # the records' collection stores no real vectors; Chroma wants one
DOCS_AT_ONCE = 64  # documents whose passages are read or written in one request
SHARED_META = ("embedding_model", "embedding_vectors", "embedding_backend", "cards_version")


def chunk_fields(doc_id: str, seq: int, row) -> dict:
    """A passage's fields as stored on the server (Chroma metadata takes no None)."""
    return {"doc_id": doc_id, "seq": seq, "page": -1 if row.page is None else row.page,
            "char_start": row.char_start, "char_end": row.char_end, "section": row.section,
            "part": row.part, "ocr": bool(row.ocr), "context": row.context}


class TeamServer:
    def __init__(self, vectors: ChromaVectorStore, index_name: str, holder: str) -> None:
        """``holder``: who takes the lease ("host:id", the id one member's cache keeps)."""
        self.vectors = vectors
        self.index_name = index_name
        self.holder = holder

    @property
    def url(self) -> str:
        return self.vectors.url

    def _call(self, action: str, work):
        """Run one server request; a failure is a one-line error naming the server (never the token)."""
        try:
            return work()
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"Team server: cannot {action}", reason(exc), self.url) from exc

    # --- records -----------------------------------------------------------------------------
    def _get(self, ids: list[str] | None = None, kind: str | None = None) -> dict[str, str]:
        def read():
            records = self.vectors.records_collection()
            found = records.get(ids=ids, where={"kind": kind} if kind else None, include=["documents"])
            return dict(zip(found["ids"], found["documents"]))
        return self._call("read the index's records", read)

    def _put(self, records: dict[str, tuple[str, str]]) -> None:
        """``records``: id -> (kind, JSON text)."""
        if not records:
            return
        ids = list(records)

        def write():
            collection = self.vectors.records_collection()
            for i in range(0, len(ids), 256):
                part = ids[i:i + 256]
                collection.upsert(ids=part, embeddings=[RECORD_VECTOR] * len(part),
                                  documents=[records[r][1] for r in part],
                                  metadatas=[{"kind": records[r][0]} for r in part])
        self._call("write the index's records", write)

    def _delete(self, ids: list[str]) -> None:
        if ids:
            self._call("write the index's records", lambda: self.vectors.records_collection().delete(ids=ids))

    def revision(self) -> str:
        """The published revision ("N-tag"), "0" before anything was published."""
        stored = self._get(["revision"]).get("revision")
        if not stored:
            return "0"
        record = json.loads(stored)
        return f"{record['revision']}-{record['tag']}"

    def documents(self) -> dict[str, dict]:
        """Every published document's record, by doc_id."""
        return {key[4:]: json.loads(text) for key, text in self._get(kind="doc").items()}

    def settings(self) -> dict:
        stored = self._get(["settings"]).get("settings")
        return json.loads(stored) if stored else {}

    def passages(self, doc_ids: list[str]) -> list[tuple[str, str, dict, list[float]]]:
        return self._call("read passages", lambda: self.vectors.records_of(doc_ids))

    # --- publishing an index run -----------------------------------------------------------------
    def publish(self, catalog: Catalog) -> int:
        """Make the server hold what ``catalog`` (the indexer's, just refreshed from the server and
        written by a run under the lease) holds; returns the revision, a new one if anything changed."""
        local = {d.doc_id: d for d in catalog.documents()}
        remote = self.documents()
        added = [local[i] for i in local if i not in remote]
        gone = [i for i in remote if i not in local]
        for start in range(0, len(added), DOCS_AT_ONCE):
            self._publish_documents(catalog, added[start:start + DOCS_AT_ONCE])
        self._delete([f"doc:{i}" for i in gone])
        settings = {"meta": {k: catalog.get_meta(k) for k in SHARED_META if catalog.get_meta(k) is not None},
                    "roots": catalog.roots(), "skipped": catalog.skipped()}
        revision = self.revision()
        if added or gone or settings != self.settings():
            self._put({"settings": ("settings", json.dumps(settings))})
            number, tag = int(revision.split("-")[0]) + 1, uuid.uuid4().hex[:8]
            self._put({"revision": ("revision", json.dumps({"revision": number, "tag": tag, "by": self.holder,
                                                            "at": time.time()}))})
            revision = f"{number}-{tag}"
        return revision

    def _publish_documents(self, catalog: Catalog, docs: list[DocumentRow]) -> None:
        ids, texts, fields = [], [], []
        for doc in docs:
            for seq, row in enumerate(catalog.chunks_of(doc.doc_id)):
                ids.append(row.chunk_id)
                texts.append(row.text)
                fields.append(chunk_fields(doc.doc_id, seq, row))
        vectors = catalog_vectors(catalog, ids)
        if len(vectors) < len(ids):  # indexed before the catalog kept vectors: the server has them
            vectors.update(self._call("read passages", lambda: self.vectors.vectors_of(
                [i for i in ids if i not in vectors])))
        self._call("write passages", lambda: self.vectors.annotate(ids, [vectors[i] for i in ids], texts, fields))
        cards = _cards_of(catalog, [d.doc_id for d in docs])
        self._put({f"doc:{d.doc_id}": ("doc", json.dumps({
            "path": d.path, "content_hash": d.content_hash, "size": d.size, "pages": d.pages, "chunks": d.chunks,
            "indexed_at": d.indexed_at, "cards": cards.get(d.doc_id, [])})) for d in docs})

    # --- the lease -------------------------------------------------------------------------------
    @contextmanager
    def lease(self) -> Iterator[None]:
        """Hold the index's lease on the server for the duration (renewed in a thread)."""
        self._take()
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(stop,), name="ragbox-lease", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            try:
                if self._holder_now() == self.holder:
                    self._delete(["lease"])
            except StoreError:
                pass  # the server is gone: the lease expires by itself

    def _take(self) -> None:
        held = self.lease_now()
        if held and held["holder"] != self.holder and held["expires"] > time.time():
            raise IndexBusyError(f"Index '{self.index_name}' is busy",
                                 f"{held['holder'].split(':')[0]} is indexing it on the team server", self.url)
        self._write_lease()
        time.sleep(0.3)  # another indexer writing at the same moment: the last write wins
        if self._holder_now() != self.holder:
            raise IndexBusyError(f"Index '{self.index_name}' is busy", "another ragbox took the team server's "
                                 "lease at the same moment", self.url)

    def _renew(self, stop: threading.Event) -> None:
        while not stop.wait(LEASE_SECONDS / 4):
            try:
                self._write_lease()
            except StoreError:
                return  # the run itself fails on the next request

    def _write_lease(self) -> None:
        self._put({"lease": ("lease", json.dumps({"holder": self.holder, "expires": time.time() + LEASE_SECONDS}))})

    def lease_now(self) -> dict | None:
        """The lease as stored (holder, expiry), or None."""
        stored = self._get(["lease"]).get("lease")
        return json.loads(stored) if stored else None

    def _holder_now(self) -> str | None:
        held = self.lease_now()
        return held["holder"] if held else None


def _cards_of(catalog: Catalog, doc_ids: list[str]) -> dict[str, list[list[str]]]:
    marks = ",".join("?" * len(doc_ids))
    cards: dict[str, list[list[str]]] = {}
    for doc_id, part, card in catalog.db.execute(
            f"SELECT doc_id, part, card FROM cards WHERE doc_id IN ({marks})", doc_ids):
        cards.setdefault(doc_id, []).append([part, card])
    return cards


def reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "401" in text or "403" in text or "nauthori" in text or "orbidden" in text:
        return "the server refused the token (check store.token)"
    if "connect" in text.lower() or "refused" in text.lower():
        return "the server does not answer (is `chroma run` running there?)"
    return f"{type(exc).__name__}: {text[:200]}"
