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

from ragbox.paths import part_path
from ragbox.privacy import PRIVATE_FILE_MODE, private_dir
from ragbox.store.schema import BM25_WEIGHTS, open_schema
from ragbox.text import WORD
from ragbox.types import Chunk, chunk_id

_YEAR_JOINED = re.compile(r"^((?:19|20)\d\d)(?=[A-Za-z])")
MAX_SPAN_DOCUMENTS = 500  # a keyword search filtered to more documents tests each match's document alone
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


class Catalog:
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
        self._owners = None  # (generation, row ids, owners, document ids): ``_row_owners``
        open_schema(self.db)

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
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

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()

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
        return _Transaction(self.db, "BEGIN DEFERRED")

    def purge_deleted(self) -> None:
        """Leave no bytes of deleted text in the files: merge the keyword index into one segment
        (dropping deleted terms; secure_delete zeroes the pages freed), then checkpoint the
        write-ahead log and truncate it."""
        self.db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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
        sql = "SELECT * FROM documents" + (" WHERE state=?" if state else "") + " ORDER BY path"
        return [DocumentRow(*r) for r in self.db.execute(sql, (state,) if state else ())]

    def has_documents(self) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE state='ready' LIMIT 1").fetchone() is not None

    def begin_document(self, doc: DocumentRow) -> None:
        self.db.execute("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?)", (
            doc.doc_id, doc.path, doc.content_hash, doc.size, doc.pages, doc.chunks, "writing", doc.indexed_at))

    def finish_document(self, doc_id: str, chunks: Sequence[Chunk], replaces: Iterable[str],
                        vectors: Sequence[Sequence[float]] | None = None) -> None:
        """Atomically: store the chunk rows (with their vectors, as float32), make the document
        ready, mark what it replaces."""
        blobs = [vector_blob(v) for v in vectors] if vectors is not None else [None] * len(chunks)
        with self.transaction():
            path = self.db.execute("SELECT path FROM documents WHERE doc_id=?", (doc_id,)).fetchone()[0]
            self.db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            self.db.executemany(
                "INSERT INTO chunks (chunk_id, doc_id, seq, page, char_start, char_end, section, text, title, "
                "part, ocr, vector, context) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(chunk_id(doc_id, n), doc_id, n, c.page, c.char_start, c.char_end, c.section, c.text,
                  file_title(path, c.part), c.part, int(c.ocr), b, c.context)
                 for (n, c), b in zip(enumerate(chunks), blobs)])
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
    def __init__(self, db: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> None:
        self.db = db
        self.begin = begin

    def __enter__(self):
        self.db.execute(self.begin)
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
