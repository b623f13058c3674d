"""What a file looked like when it was indexed (size, mtime_ns, inode), so an unchanged file is
recognised by one ``stat`` instead of reading and hashing it.

A row belongs to one ready document version (``doc_id``) and goes with the document row (a
trigger), like the cards. It is written only after the document is ready, and only from a ``stat``
taken *before* the bytes were read: a file changed while it was read has a newer mtime than the
row, so the next run reads it again. A file modified within ``RACY_NS`` of its ``stat`` is not
recorded (a second edit in the same clock tick could keep size and mtime); ``index --verify``
re-hashes everything, for an edit that put the old size and mtime back on purpose.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterable, NamedTuple

from ragbox.store.catalog import Catalog

RACY_NS = 2_000_000_000  # a file modified this recently may change again within the same mtime

_SCHEMA = """
CREATE TABLE IF NOT EXISTS file_identity (
    doc_id TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS documents_identity_removed AFTER DELETE ON documents BEGIN
    DELETE FROM file_identity WHERE doc_id = old.doc_id;
END;
"""


class Identity(NamedTuple):
    size: int
    mtime_ns: int
    inode: int


def identity_of(path: Path) -> Identity | None:
    """The file's identity now, or None when it cannot be trusted (modified within RACY_NS)."""
    info = os.stat(path)
    if time.time_ns() - info.st_mtime_ns < RACY_NS:
        return None
    return Identity(info.st_size, info.st_mtime_ns, info.st_ino)


def same_file(path: Path, known: Identity | None) -> bool:
    """Whether ``path`` still has the identity recorded (no read of its bytes)."""
    if known is None:
        return False
    try:
        info = os.stat(path)
    except OSError:
        return False
    return Identity(info.st_size, info.st_mtime_ns, info.st_ino) == known


def known_identities(catalog: Catalog) -> dict[str, Identity]:
    """The recorded identity of every ready document, by doc_id."""
    _ensure(catalog)
    rows = catalog.db.execute(
        "SELECT f.doc_id, f.size, f.mtime_ns, f.inode FROM file_identity f "
        "JOIN documents d ON d.doc_id = f.doc_id WHERE d.state = 'ready'")
    return {doc_id: Identity(*rest) for doc_id, *rest in rows}


def remember_identities(catalog: Catalog, identities: Iterable[tuple[str, Identity]]) -> None:
    """Record identities of documents that are ready (one gone meanwhile is left out)."""
    _ensure(catalog)
    with catalog.transaction():
        catalog.db.executemany(
            "INSERT OR REPLACE INTO file_identity SELECT ?, ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM documents WHERE doc_id = ? AND state = 'ready')",
            [(doc_id, *identity, doc_id) for doc_id, identity in identities])


def _ensure(catalog: Catalog) -> None:
    catalog.db.executescript(_SCHEMA)
