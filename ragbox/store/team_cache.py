"""A member's catalog as a cache of a team server's index (``store.team_server``).

``refresh`` brings the catalog to the server's revision: documents the server no longer has go
(their text purged), documents it has and the cache does not come with their passages, vectors and
cards, and the settings (embedding model, folders, skipped files) are copied. The keyword index
is the catalog's own (kept by its triggers), so it follows. The revision is recorded only once
every document came complete; a document whose passages are not all on the server yet is left
out and tried again at the next refresh.
"""

from __future__ import annotations

from ragbox.store.catalog import Catalog, DocumentRow
from ragbox.store.team_server import DOCS_AT_ONCE, TeamServer
from ragbox.types import Chunk

REVISION_KEY = "team_revision"


def cached_revision(catalog: Catalog) -> str | None:
    return catalog.get_meta(REVISION_KEY)


def refresh(catalog: Catalog, server: TeamServer) -> bool:
    """Bring the cache to the server's revision; returns whether anything was read."""
    revision = server.revision()
    cached = cached_revision(catalog)
    if cached == revision or (cached is None and revision == "0"):
        return False  # up to date; or a server nothing was published to, and an index never synced:
        # one moving from the embedded store, which its next index run publishes
    remote = server.documents()
    rows = catalog.documents(state=None)
    local = {d.doc_id for d in rows if d.state == "ready"}
    # rows a refresh (or run) that died left unfinished go, and gone documents: fetched again if the server has them
    dropped = sorted({d.doc_id for d in rows if d.state != "ready"} | (local - set(remote)))
    if dropped:
        catalog.mark_deleting(dropped)
        catalog.drop_documents(dropped)
    missing = sorted((i for i in remote if i not in local), key=lambda i: remote[i]["path"])
    complete = True
    for start in range(0, len(missing), DOCS_AT_ONCE):
        complete &= _fetch(catalog, server, {i: remote[i] for i in missing[start:start + DOCS_AT_ONCE]})
    _copy_settings(catalog, server.settings())
    if dropped:
        catalog.purge_deleted()  # no bytes of a removed document's text stay in the cache
    if complete:
        catalog.set_meta(REVISION_KEY, revision)
    return True


def _fetch(catalog: Catalog, server: TeamServer, docs: dict[str, dict]) -> bool:
    """Cache ``docs`` with their passages; returns whether every one was complete on the server."""
    passages: dict[str, list] = {}
    for record in server.passages(list(docs)):
        passages.setdefault(record[2]["doc_id"], []).append(record)
    complete = True
    for doc_id, doc in docs.items():
        rows = sorted(passages.get(doc_id, []), key=lambda r: r[2]["seq"])
        if len(rows) != doc["chunks"] or any("seq" not in r[2] for r in rows):
            complete = False  # being written or removed right now: the next refresh takes it
            continue
        catalog.begin_document(DocumentRow(doc_id, doc["path"], doc["content_hash"], doc["size"], doc["pages"],
                                           doc["chunks"], "writing", doc["indexed_at"]))
        chunks = [_chunk(text, fields) for _, text, fields, _ in rows]
        catalog.finish_document(doc_id, chunks, [], [vector for *_, vector in rows])
        with catalog.transaction():
            catalog.db.executemany("INSERT OR REPLACE INTO cards VALUES (?,?,?)",
                                   [(doc_id, part, card) for part, card in doc.get("cards", [])])
    return complete


def _chunk(text: str, fields: dict) -> Chunk:
    page = fields.get("page", -1)
    return Chunk(None if page == -1 else page, fields["char_start"], fields["char_end"], text,
                 fields.get("section", ""), fields.get("part", ""), bool(fields.get("ocr")),
                 fields.get("context", ""))


def _copy_settings(catalog: Catalog, settings: dict) -> None:
    for key, value in settings.get("meta", {}).items():
        if catalog.get_meta(key) != value:
            catalog.set_meta(key, value)
    for root in settings.get("roots", []):
        catalog.add_root(root)
    skipped = settings.get("skipped", {})
    if skipped != catalog.skipped():
        catalog.record_skipped(skipped, settings.get("roots", []))


def describe(catalog: Catalog, server: TeamServer) -> dict:
    """The team server and the cache's state, for ``ragbox status``."""
    cached = cached_revision(catalog)
    revision = server.revision()
    return {"server": server.url, "revision": revision, "cache_revision": cached,
            "cache": "current" if cached == revision else ("empty" if cached is None else "behind"),
            "lease": server.lease_now()}
