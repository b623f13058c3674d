"""Reading files into chunks in worker processes while the indexing process embeds.

A thread is not enough: pypdf and the chunker are pure Python and hold the interpreter lock, so
on a table-heavy filing (where pypdf is as slow as the embedding model) a loader thread starves
the embedder and the other way round. Worker processes parse the files that need it (changed or
new ones; an unchanged file costs only its hash, in the indexing process) and hand back pages and
chunks, in the order the files were given. Small runs (a few notes) parse in the loader thread:
starting a worker costs about half a second.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from ragbox.errors import DocumentError
from ragbox.ingest.chunking import Chunker
from ragbox.ingest.loaders import DEFAULT_OPTIONS, ReadOptions, parts_from_bytes
from ragbox.types import Chunk

# Below this many bytes of files to read, a run parses in its loader thread.
PROCESS_MIN_BYTES = 2 * 2**20
MAX_AUTO_PROCESSES = 4


@dataclass
class Parsed:
    pages: int = 0
    chunks: list[Chunk] = field(default_factory=list)
    skip_reason: str = ""
    skipped_parts: dict[str, str] = field(default_factory=dict)  # part path -> why (a bad attachment)
    ocr_pages: int = 0


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
    return Parsed(sum(len(part.pages) for part in parts), chunks, "", skipped_parts,
                  sum(page.ocr for part in parts for page in part.pages))


class Parser:
    """Parses files in ``processes`` worker processes (started on first use), or in the caller's
    thread when ``processes`` is 0. ``submit`` returns a function giving the result."""

    def __init__(self, chunker: Chunker, processes: int, options: ReadOptions = DEFAULT_OPTIONS) -> None:
        self.chunker = chunker
        self.processes = processes
        self.options = options
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, path: Path, data: bytes) -> Callable[[], Parsed]:
        if not self.processes:
            result = parse(self.chunker, path, data, self.options)
            return lambda: result
        future = self._submit(path, data)
        return lambda: self._result(future, path, data)

    def _submit(self, path: Path, data: bytes) -> Future:
        if self._pool is None:
            import multiprocessing

            # spawn, not fork: the indexing process runs ONNX Runtime and SQLite threads, which a
            # forked child would inherit in whatever state they were.
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_die_with_parent)
        # OCR progress is reported from this process only: a worker reads its scans silently.
        return self._pool.submit(_parse_in_worker, _spec(self.chunker), path, data,
                                 replace(self.options, on_ocr=None))

    def _result(self, future: Future, path: Path, data: bytes) -> Parsed:
        try:
            return future.result()
        except BrokenProcessPool:
            # A worker died (a parser crash, the OOM killer): the files it held are tried once
            # more in a fresh pool; one that kills that too is skipped, the run goes on.
            self.close()
            try:
                return self._submit(path, data).result()
            except BrokenProcessPool:
                self.close()
                return Parsed(skip_reason="reading it crashed the parser process")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


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


def _die_with_parent() -> None:
    """An indexing process killed outright (SIGKILL) must not leave its workers behind."""
    try:
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still ends them
        pass
