"""Reading files into chunks in capped child processes while the indexing process embeds.

A thread is not enough: pypdf and the chunker are pure Python and hold the interpreter lock, so
on a table-heavy filing (where pypdf is as slow as the embedding model) a loader thread starves
the embedder and the other way round. And no file may take the indexer down: every file is parsed
and chunked in a ``ReaderProcess`` child (capped in memory by ``index.max_file_mb``, in time by
``index.max_read_seconds``; a crash, a bomb or a loop costs that child and that file only, skipped
with the reason, and a fresh child takes the next file). The files that need it (changed or new
ones; an unchanged file costs only its hash, in the indexing process) go to several such children
at once in a big run, one thread waiting on each, each file's result ready when its child is done
(``Pending``); a small run (a few notes) uses one child, from the loader thread.
"""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ragbox.coverage import PageRead, page_state
from ragbox.errors import DocumentError
from ragbox.ingest.chunking import Chunker
from ragbox.ingest.loaders import DEFAULT_OPTIONS, ReaderProcess, ReadLimits, ReadOptions, parts_from_bytes
from ragbox.types import Chunk

# Below this many bytes of files to read, a run parses in one child, waited on by its loader thread.
PROCESS_MIN_BYTES = 2 * 2**20
MAX_AUTO_PROCESSES = 4


@dataclass
class Parsed:
    pages: int = 0
    chunks: list[Chunk] = field(default_factory=list)
    skip_reason: str = ""
    skipped_parts: dict[str, str] = field(default_factory=dict)  # part path -> why (a bad attachment)
    ocr_pages: int = 0
    coverage: list[PageRead] = field(default_factory=list)  # how each page of each part was read


def auto_processes(requested: int, bytes_total: int) -> int:
    """Worker processes for a run: as configured, else one per two cores for a run big enough."""
    if requested > 0:
        return requested
    if bytes_total < PROCESS_MIN_BYTES:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_AUTO_PROCESSES, cores // 2))


def parse(chunker: Chunker, path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> Parsed:
    """A file's chunks: each document inside it (an e-mail's attachments) cut on its own, since its
    page numbers and offsets are its own."""
    try:
        parts, skipped_parts = parts_from_bytes(path, data, options)
    except DocumentError as exc:
        return Parsed(skip_reason=exc.why)
    chunks: list[Chunk] = []
    for part in parts:
        scanned = {page.number for page in part.pages if page.ocr}
        chunks += [replace(c, part=part.name, ocr=c.page in scanned) for c in chunker.chunk_pages(part.pages)]
    coverage = [PageRead(part.name, page.number or position, page_state(page), page.confidence, page.reason)
                for part in parts for position, page in enumerate(part.pages, start=1)]
    return Parsed(sum(len(part.pages) for part in parts), chunks, "", skipped_parts,
                  sum(page.ocr for part in parts for page in part.pages), coverage)


_MAY_HOLD_SCANS = {".pdf", ".eml", ".mbox"}  # a PDF, or an e-mail with a PDF attached


class Pending:
    """A file being parsed: calling it waits for its result; ``done`` tells without waiting."""

    def __init__(self, parsed: Future) -> None:
        self._parsed = parsed

    def __call__(self) -> Parsed:
        return self._parsed.result()

    def done(self) -> bool:
        return self._parsed.done()


class Parser:
    """Parses files in ``processes`` capped child processes at once (started on first use), or in
    one, waited on by the caller's thread, when ``processes`` is 0. ``submit`` returns a function
    giving the result."""

    def __init__(self, chunker: Chunker, processes: int, options: ReadOptions = DEFAULT_OPTIONS,
                 limits: ReadLimits | None = None) -> None:
        self.chunker = chunker
        self.processes = processes
        self.options = options
        self.limits = limits or ReadLimits()
        self._threads: ThreadPoolExecutor | None = None
        self._local = threading.local()  # each waiting thread's own child
        self._readers: list[ReaderProcess] = []
        self._lock = threading.Lock()
        self._ocr_models_built = False

    def submit(self, path: Path, data: bytes) -> Pending:
        if not self.processes:
            parsed: Future = Future()
            parsed.set_result(self._parse(path, data))
            return Pending(parsed)
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.processes, thread_name_prefix="ragbox-parse")
        return Pending(self._threads.submit(self._parse, path, data))

    def _parse(self, path: Path, data: bytes) -> Parsed:
        self._build_ocr_models(path)
        reader = getattr(self._local, "reader", None)
        if reader is None:
            # The chunker's tokenizer is read in the child, a sealed child may read its folder.
            reader = self._local.reader = ReaderProcess(self.limits, (str(self.chunker.tokenizer.model_dir),))
            with self._lock:
                self._readers.append(reader)
        try:
            return reader.call(path, _parse_in_worker, _spec(self.chunker), path, data, self.options)
        except DocumentError as exc:  # the child died, ran out of memory or time on this file
            return Parsed(skip_reason=exc.why)

    def _build_ocr_models(self, path: Path) -> None:
        """The OCR models (the int8 detection model is built once, beside the cache), made here before
        the first file that may hold a scan goes to a child: a sealed child may not write them."""
        if self.options.ocr is None or self._ocr_models_built or path.suffix.lower() not in _MAY_HOLD_SCANS:
            return
        with self._lock:
            if not self._ocr_models_built:
                try:
                    self.options.ocr.build_models()
                except DocumentError:
                    pass  # no OCR engine: the child says so for the scan it cannot read
                self._ocr_models_built = True

    def pids(self) -> list[int]:
        """The child processes running now."""
        with self._lock:
            return [r.pid for r in self._readers if r.pid is not None]

    def reading(self) -> dict[int, Path]:
        """The child processes reading a file now (they have its whole request), and which file."""
        with self._lock:
            return {r.pid: r.reading for r in self._readers if r.pid is not None and r.reading is not None}

    def close(self) -> None:
        """Stop the children; a file still being read (a run abandoned midway) is dropped."""
        threads, self._threads = self._threads, None
        with self._lock:
            readers, self._readers = self._readers, []
        if threads is not None:
            threads.shutdown(wait=False, cancel_futures=True)
            for reader in readers:
                reader.interrupt()  # a thread waiting on its child sees it die and returns
            threads.shutdown(wait=True)
        for reader in readers:
            reader.close()


def _spec(chunker: Chunker) -> tuple:
    """What a worker needs to build the same chunker: small, so it travels with every file."""
    return (str(chunker.tokenizer.model_dir), chunker.max_tokens, chunker.overlap_tokens, chunker.structure)


@functools.lru_cache(maxsize=2)
def _worker_chunker(spec: tuple) -> Chunker:
    from ragbox.store.tokens import ModelTokenizer

    model_dir, max_tokens, overlap_tokens, structure = spec
    return Chunker(ModelTokenizer(Path(model_dir)), max_tokens, overlap_tokens, structure)


def _parse_in_worker(spec: tuple, path: Path, data: bytes, options: ReadOptions) -> Parsed:
    return parse(_worker_chunker(spec), path, data, options)
