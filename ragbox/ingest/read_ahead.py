"""What the indexer's loader thread finds out about each file, ahead of the embedder.

``prepare`` reads one file (no catalog, no store: only the file and the maps given) and tells
whether it is unchanged, moved, re-cut or new, handing a file to parse to the parser (worker
processes in a big run); ``prepared_ahead`` runs it in a thread, so reading and parsing overlap
with embedding, while at most ``QUEUED_BYTES`` of files wait (``_Budget``). Files come out as
their parsing ends, not in the order given: a scan read by OCR for minutes in one child holds
back neither the files other children parse nor the embedder.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ragbox.coverage import PageRead
from ragbox.errors import DocumentError
from ragbox.ingest.loaders import read_file
from ragbox.ingest.parsing import Parser, Pending
from ragbox.ingest.summary import IndexProgress
from ragbox.store.catalog import DocumentRow
from ragbox.store.file_identity import Identity, identity_of, same_file
from ragbox.types import Chunk

QUEUED_BYTES = 32 * 2**20  # files read and waiting to be parsed and embedded, beyond one file


@dataclass
class Prepared:
    """What the loader thread found out about one file; the main thread acts on it."""

    path: str
    content_hash: str = ""
    size: int = 0
    pages: int = 0
    chunks: list[Chunk] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)  # doc ids of this path's older version
    unchanged: bool = False
    skip_reason: str = ""
    moved_from: DocumentRow | None = None
    rechunked: DocumentRow | None = None  # this path's version with the same bytes, other chunking
    parsed: Pending | None = None  # pages and chunks, maybe from a worker process
    skipped_parts: dict[str, str] = field(default_factory=dict)  # part path -> why (a bad attachment)
    ocr_pages: int = 0
    identity: Identity | None = None  # the file's stat before it was read (None: not to be recorded)
    coverage: list[PageRead] = field(default_factory=list)

    def ready(self) -> bool:
        """Whether ``resolve`` returns at once (nothing to parse, or its parsing ended)."""
        return self.parsed is None or self.parsed.done()

    def resolve(self) -> Prepared:
        if self.parsed is not None:
            result, self.parsed = self.parsed(), None
            self.pages, self.chunks, self.skip_reason = result.pages, result.chunks, result.skip_reason
            self.skipped_parts, self.ocr_pages = result.skipped_parts, result.ocr_pages
            self.coverage = result.coverage
        return self


def prepare(path: Path, current: dict[str, DocumentRow], gone_by_hash: dict[str, list[DocumentRow]], parser: Parser,
            max_bytes: int, settings_key: str, identities: dict[str, Identity] | None = None) -> Prepared:
    """Runs in the loader thread: reads no catalog or store, only files and the maps given;
    a file to parse goes to the parser (worker processes, in a big run). A file whose size, mtime
    and inode are as ``identities`` recorded for its indexed version is unchanged without being
    read (``identities`` None: every file is hashed, as ``index --verify``)."""
    key = str(path)
    existing = current.get(key)
    if (existing and identities is not None and existing.content_hash.split(":", 1)[-1] == settings_key
            and same_file(path, identities.get(existing.doc_id))):
        return Prepared(key, existing.content_hash, unchanged=True)
    try:
        try:
            identity = identity_of(path)  # before reading: an edit during the read makes it stale
        except OSError:
            identity = None  # read_file says why
        data, file_hash = read_file(path, max_bytes)
        # Stored with the chunking settings: a file cut with other settings is not unchanged
        # (and a moved one is not copied), so a settings change re-chunks files as they are met.
        digest = f"{file_hash}:{settings_key}"
        if existing and existing.content_hash == digest:
            return Prepared(key, digest, unchanged=True, identity=identity)
        replaces = [existing.doc_id] if existing else []
        if gone_by_hash.get(digest):
            return Prepared(key, digest, replaces=replaces, moved_from=gone_by_hash[digest].pop(0),
                            identity=identity)
    except DocumentError as exc:
        return Prepared(key, skip_reason=exc.why)
    same_bytes = existing if existing and existing.content_hash.split(":")[0] == file_hash else None
    return Prepared(key, digest, len(data), replaces=replaces, rechunked=same_bytes,
                    parsed=parser.submit(path, data), identity=identity)



def prepared_ahead(files: Sequence[Path], prepare: Callable[[Path], Prepared], progress: IndexProgress,
                   on_progress: Callable[[IndexProgress], None] | None) -> Iterator[Prepared]:
    """Yield prepared files from a loader thread, so parsing overlaps with embedding. The
    thread waits while more than QUEUED_BYTES of files wait to be parsed and embedded."""
    results: queue.Queue = queue.Queue()  # bounded by the bytes queued (``_Budget``)
    stop = threading.Event()
    queued = _Budget(QUEUED_BYTES)

    def produce() -> None:
        try:
            for path in files:
                if stop.is_set():
                    return
                item = prepare(path)
                if not queued.take(item.size, stop):
                    return
                results.put(("file", path, item, item.size))
        except BaseException as exc:  # surfaced in the consumer, never lost in the thread
            results.put(("error", None, exc, 0))
        finally:
            results.put(("end", None, None, 0))

    worker = threading.Thread(target=produce, name="ragbox-loader", daemon=True)
    worker.start()
    try:
        for path, item, cost in _as_parsed(results):
            queued.give(cost)
            item.resolve()
            progress.files_done += 1
            progress.bytes_done += file_size(path)
            progress.current = str(path)
            progress.pages += item.pages
            progress.chunks += len(item.chunks)
            if on_progress:
                on_progress(progress)
            yield item
    finally:
        stop.set()
        queued.give(0)
        while worker.is_alive():
            try:
                results.get(timeout=0.1)
            except queue.Empty:
                pass


def _as_parsed(results: queue.Queue) -> Iterator[tuple[Path, Prepared, int]]:
    """The loader's files as each one's parsing ends (those queued earlier first among the ready),
    until its end; an error in the loader is raised here."""
    held: list[tuple[Path, Prepared, int]] = []
    ended = False
    while held or not ended:
        done = [entry[1].ready() for entry in held]
        if any(done):
            ready = [e for e, d in zip(held, done) if d]
            held = [e for e, d in zip(held, done) if not d]
            yield from ready
            continue
        try:  # while files are being parsed, look at them again every few ms
            kind, path, value, cost = results.get(timeout=0.02 if held else None)
        except queue.Empty:
            continue
        if kind == "error":
            raise value
        if kind == "end":
            ended = True
        else:
            held.append((path, value, cost))


class _Budget:
    """How many bytes of files are queued; a taker waits while the queue is over budget (a single
    item larger than the budget passes once the queue is empty)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.changed = threading.Condition()

    def take(self, amount: int, stop: threading.Event) -> bool:
        with self.changed:
            while self.used and self.used + amount > self.limit:
                if stop.is_set():
                    return False
                self.changed.wait(0.1)
            self.used += amount
        return True

    def give(self, amount: int) -> None:
        with self.changed:
            self.used -= amount
            self.changed.notify_all()


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
