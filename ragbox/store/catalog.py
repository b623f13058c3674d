"""The catalog: what is indexed, as one SQLite file per index. It is the source of truth.

Every file version is a *document* row with a ``state``:
``writing`` (vectors may be partly in the vector store), ``ready`` (complete, searchable) or
``deleting`` (being removed). A run that dies at any point leaves only these states behind, and
``Indexer.recover`` finishes or undoes each one, so the next run reaches the same contents as a
clean run would.

Removed text leaves no bytes behind: ``secure_delete`` zeroes deleted rows, and after deletions
``purge_deleted`` merges the keyword index (FTS5 keeps deleted terms in old segments until then)
and truncates the write-ahead log (which holds earlier versions of pages).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ragbox.coverage import PageRead
from ragbox.paths import part_path
from ragbox.privacy import PRIVATE_FILE_MODE, private_dir
from ragbox.store import vector_file
from ragbox.store.coverage import write_coverage
from ragbox.store.keyword import KeywordSearch
from ragbox.store.schema import open_schema
from ragbox.text import WORD, passage_stems
from ragbox.types import Chunk, chunk_id

_YEAR_JOINED = re.compile(r"^((?:19|20)\d\d)(?=[A-Za-z])")
MMAP_BYTES = 1 << 30  # address space, not memory: only the pages read stay resident (and the OS may drop them)


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    path: str
    content_hash: str  # sha256 of the bytes, ":", the chunking settings key (same key, same chunks)
    size: int
    pages: int
    chunks: int
    state: str
    indexed_at: float


@dataclass(frozen=True)
class ChunkRow:
    chunk_id: str
    doc_id: str
    path: str  # the part path (``file › attachment.pdf``) for a chunk of a document inside the file
    page: int | None
    char_start: int
    char_end: int
    section: str
    text: str
    part: str = ""
    ocr: bool = False
    context: str = ""

    def as_chunk(self) -> Chunk:
        return Chunk(self.page, self.char_start, self.char_end, self.text, self.section, self.part, self.ocr,
                     self.context)



def vector_blob(vector: Sequence[float]) -> bytes:
    return array("f", vector).tobytes()


def blob_vector(blob: bytes) -> list[float]:
    return array("f", blob).tolist()


def file_title(path: str, part: str = "") -> str:
    """The words of a file's name: "2026-03-14_jane_doe_followup.txt" -> "2026 03 14 jane doe followup";
    a year joined to a period is split from it ("BESTBUY_2024Q2_10Q" -> "BESTBUY 2024 Q2 10Q"); a
    part's name adds its words ("mail.eml", "lease.pdf" -> "mail eml lease")."""
    words = [_YEAR_JOINED.sub(r"\1 ", word) for word in WORD.findall(Path(path).stem)]
    if part:
        words += WORD.findall(re.sub(r"\.[A-Za-z0-9]{1,5}$", "", part))
    return " ".join(words)


class Catalog(KeywordSearch):
    """One SQLite connection per thread: the app asks questions while a worker indexes, and a
    reader must never see the writer's uncommitted transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        private_dir(self.path.parent)
        if not self.path.exists():  # SQLite gives its -wal and -shm files the database's mode
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE_MODE))
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._owners = None  # (generation, row ids, owners, document ids, owner by row id, ...): ``_kept_owners``
        open_schema(self.db)

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            # WAL + synchronous=FULL: a committed transaction survives power loss; readers never block.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left in free pages
            # Reads through a memory map, not copied page by page into SQLite's cache: a keyword
            # search at 100k passages reads tens of MB of the full-text index and took twice as long.
            connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _connect(self) -> sqlite3.Connection:
        """A new connection to the file (``store.sealed_catalog`` opens it encrypted instead)."""
        return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)

    def close(self) -> None:
        self._kept_warm = False  # the keyword side is read again by no background thread (``_rewarm``)
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()

    def close_thread_connection(self) -> None:
        """Close the calling thread's connection, for a thread about to end (the indexer's writer):
        the connection would otherwise stay open, one more file each run."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            self._local.connection = None
            with self._lock:
                self._connections.remove(connection)
            connection.close()

    def clear(self) -> None:
        """Forget everything but the folders the index was built from."""
        with self.transaction():
            self.db.execute("DELETE FROM meta WHERE key != 'generation'")
            for table in ("documents", "chunks", "skipped"):
                self.db.execute(f"DELETE FROM {table}")

    def transaction(self):
        return _Transaction(self.db)

    def snapshot(self):
        """A read transaction: every query inside sees the catalog as of its first read, so a
        search never mixes two versions of the index while another process writes it."""
        return _Transaction(self.db, "BEGIN DEFERRED", self._local)

    def purge_deleted(self) -> None:
        """Leave no bytes of deleted text in the files: merge the keyword index into one segment
        (dropping deleted terms; secure_delete zeroes the pages freed), then checkpoint the
        write-ahead log and truncate it."""
        self.db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        vector_file.remove_all(self.path.parent)  # nor removed passages' vectors (the exact search's file)

    # --- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def generation(self) -> str:
        """Changes whenever a document is added, changed or removed, by any process."""
        return self.get_meta("generation") or "0"

    # --- roots ----------------------------------------------------------------------------
    def add_root(self, path: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO roots VALUES (?, ?)", (path, time.time()))

    def roots(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT path FROM roots ORDER BY path")]

    # --- documents ------------------------------------------------------------------------
    def documents(self, state: str | None = "ready") -> list[DocumentRow]:
        if state == "ready" and getattr(self._local, "snapshot", False):
            return list(self._ready_documents())
        sql = "SELECT * FROM documents" + (" WHERE state=?" if state else "") + " ORDER BY path"
        return [DocumentRow(*r) for r in self.db.execute(sql, (state,) if state else ())]

    def _ready_documents(self) -> tuple[DocumentRow, ...]:
        """The ready documents, kept for the catalog's generation: every search lists them (46 ms
        a search at a million passages in 6,620 documents, 8 ms at 100k). Only inside a snapshot,
        a read transaction: the generation moves with every change of a document row, in the
        same transaction, so a writer's uncommitted rows would be kept under a number a rollback
        gives back."""
        generation = self.generation()
        with self._lock:
            kept = getattr(self, "_documents_kept", None)
        if kept is None or kept[0] != generation:
            rows = self.db.execute("SELECT * FROM documents WHERE state='ready' ORDER BY path")
            kept = (generation, tuple(DocumentRow(*r) for r in rows))
            with self._lock:
                self._documents_kept = kept
        return kept[1]

    def has_documents(self) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE state='ready' LIMIT 1").fetchone() is not None

    def begin_document(self, doc: DocumentRow) -> None:
        self.db.execute("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?)", (
            doc.doc_id, doc.path, doc.content_hash, doc.size, doc.pages, doc.chunks, "writing", doc.indexed_at))

    def finish_document(self, doc_id: str, chunks: Sequence[Chunk], replaces: Iterable[str],
                        vectors: Sequence[Sequence[float]] | None = None,
                        coverage: Sequence[PageRead] | None = None) -> None:
        """Atomically: store the chunk rows (with their vectors, as float32) and how its pages were
        read (``coverage``, when known), make the document ready, mark what it replaces."""
        blobs = [vector_blob(v) for v in vectors] if vectors is not None else [None] * len(chunks)
        with self.transaction():
            path = self.db.execute("SELECT path FROM documents WHERE doc_id=?", (doc_id,)).fetchone()[0]
            self.db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            self.db.executemany(
                "INSERT INTO chunks (chunk_id, doc_id, seq, page, char_start, char_end, section, text, title, "
                "part, ocr, vector, context, stems) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(chunk_id(doc_id, n), doc_id, n, c.page, c.char_start, c.char_end, c.section, c.text,
                  file_title(path, c.part), c.part, int(c.ocr), b, c.context,
                  passage_stems(c.section, c.context, c.text))
                 for (n, c), b in zip(enumerate(chunks), blobs)])
            if coverage is not None:
                write_coverage(self.db, doc_id, coverage)
            self.db.execute("UPDATE documents SET state='ready', chunks=? WHERE doc_id=?", (len(chunks), doc_id))
            for old in replaces:
                self.db.execute("UPDATE documents SET state='deleting' WHERE doc_id=?", (old,))

    def mark_deleting(self, doc_ids: Iterable[str]) -> None:
        with self.transaction():
            for doc_id in doc_ids:
                self.db.execute("UPDATE documents SET state='deleting' WHERE doc_id=?", (doc_id,))

    def drop_documents(self, doc_ids: Sequence[str]) -> None:
        with self.transaction():
            for doc_id in doc_ids:
                self.db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
                self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def chunk_ids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=? ORDER BY seq", (doc_id,))]

    def chunks_of(self, doc_id: str) -> list[ChunkRow]:
        return self._chunk_rows("c.doc_id=? ORDER BY c.seq", (doc_id,))

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, ChunkRow]:
        rows: dict[str, ChunkRow] = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i:i + 500])
            marks = ",".join("?" * len(part))
            for row in self._chunk_rows(f"c.chunk_id IN ({marks}) AND d.state='ready'", part):
                rows[row.chunk_id] = row
        return rows

    def _chunk_rows(self, where: str, params: Sequence) -> list[ChunkRow]:
        sql = ("SELECT c.chunk_id, c.doc_id, d.path, c.page, c.char_start, c.char_end, c.section, c.text, "
               f"c.part, c.ocr, c.context FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE {where}")
        return [ChunkRow(*r[:2], part_path(r[2], r[8]), *r[3:8], r[8], bool(r[9]), r[10])
                for r in self.db.execute(sql, params)]

    def ready_chunk_count(self) -> int:
        return self.db.execute(
            "SELECT COALESCE(SUM(chunks), 0) FROM documents WHERE state='ready'").fetchone()[0]

    # --- skipped files and runs -------------------------------------------------------------
    def record_skipped(self, skipped: dict[str, str], under: Sequence[str]) -> None:
        with self.transaction():
            for root in under:
                self.db.execute("DELETE FROM skipped WHERE path=? OR path LIKE ? ESCAPE '\\'", (root, _under(root)))
            now = time.time()
            self.db.executemany("INSERT OR REPLACE INTO skipped VALUES (?,?,?)",
                                [(p, r, now) for p, r in skipped.items()])

    def skipped(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, reason FROM skipped ORDER BY path"))

    def start_run(self) -> tuple[int, bool]:
        """A new run id, and whether the previous run ended without finishing."""
        last = self.db.execute("SELECT status FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        cur = self.db.execute("INSERT INTO runs (started_at, status) VALUES (?, 'running')", (time.time(),))
        return cur.lastrowid, bool(last and last[0] == "running")

    def finish_run(self, run_id: int, summary: dict) -> None:
        self.db.execute("UPDATE runs SET finished_at=?, status='finished', summary=? WHERE run_id=?",
                        (time.time(), json.dumps(summary), run_id))

    def last_run(self) -> dict | None:
        row = self.db.execute(
            "SELECT started_at, finished_at, status, summary FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        if not row:
            return None
        return {"started_at": row[0], "finished_at": row[1], "status": row[2],
                "summary": json.loads(row[3]) if row[3] else None}


def _under(root: str) -> str:
    # LIKE ... ESCAPE '\': a folder named "a_b" or "50%" must match only itself.
    escaped = root.rstrip("/").replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return escaped + "/%"


class _Transaction:
    def __init__(self, db: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE",
                 reading: threading.local | None = None) -> None:
        self.db = db
        self.begin = begin
        self.reading = reading  # a snapshot's: the thread's state, told that it reads in one

    def __enter__(self):
        self.db.execute(self.begin)
        if self.reading is not None:
            self.reading.snapshot = True
        return self.db

    def __exit__(self, exc_type, exc, tb):
        if self.reading is not None:
            self.reading.snapshot = False
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
