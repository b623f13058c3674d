"""Incremental, crash-safe indexing of folders into one index (catalog + vector store).

Unchanged files (same path, same sha256) cost a hash. Edited files are re-chunked and their old
version removed; a renamed or moved file reuses its stored vectors; a deleted file's chunks go.
Loading and chunking run in a thread ahead of the embedder so parsing overlaps with embedding;
parsing itself runs in a bounded child process (``loaders.sandbox``). Memory stays bounded by
the largest file: prepared files wait while too much text is already queued, and a file's chunks
are embedded and stored in slices.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ragbox.errors import DocumentError
from ragbox.ingest.chunking import Chunker
from ragbox.ingest.crash_points import crash_point
from ragbox.ingest.discovery import discover
from ragbox.ingest.loaders import ReaderProcess, ReadLimits, read_file
from ragbox.store.catalog import Catalog, DocumentRow, chunk_id
from ragbox.store.embeddings import Embedder
from ragbox.store.vectors import ChromaVectorStore
from ragbox.types import Chunk

EMBED_BATCH_CHUNKS = 256  # chunks gathered across files before one embedding call
EMBED_SLICE = 1024  # most chunks embedded and stored at once (a huge file goes in slices)
QUEUED_TEXT_CHARS = 32_000_000  # prepared text waiting for the embedder, beyond one file


@dataclass
class IndexProgress:
    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    pages: int = 0
    chunks: int = 0
    current: str = ""


@dataclass
class IndexSummary:
    indexed: list[str] = field(default_factory=list)  # new or edited
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # path -> reason
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    repaired: int = 0  # interrupted writes undone before this run

    def describe(self, show_path: Callable[[str], str] = str) -> list[str]:
        """The summary as the CLI and the app print it, paths shown by ``show_path``."""
        lines = [f"Indexed {len(self.indexed)} file(s), {self.unchanged} unchanged, "
                 f"{len(self.renamed)} renamed, {len(self.removed)} removed, "
                 f"{len(self.skipped)} skipped; {self.pages} pages, {self.chunks} new chunks "
                 f"in {self.seconds:.1f}s."]
        if self.repaired:
            lines.append(f"Repaired {self.repaired} entries left by an interrupted run.")
        lines += [f"  renamed {show_path(old)} -> {show_path(new)}" for old, new in self.renamed]
        lines += [f"  removed {show_path(path)}" for path in self.removed]
        lines += [f"  skipped {show_path(path)}: {why}" for path, why in sorted(self.skipped.items())]
        return lines

    def as_dict(self) -> dict:
        return {
            "indexed": len(self.indexed), "renamed": len(self.renamed), "unchanged": self.unchanged,
            "removed": len(self.removed), "skipped": len(self.skipped), "pages": self.pages,
            "chunks": self.chunks, "seconds": round(self.seconds, 2), "repaired": self.repaired,
        }


@dataclass
class _Prepared:
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


ProgressCallback = Callable[[IndexProgress], None]


def document_id(path: str, content_hash: str) -> str:
    return hashlib.sha256(f"{path}\0{content_hash}".encode()).hexdigest()[:24]


class Indexer:
    def __init__(self, catalog: Catalog, vectors: ChromaVectorStore, embedder: Embedder, chunker: Chunker,
                 limits: ReadLimits | None = None) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.embedder = embedder
        self.chunker = chunker
        self.limits = limits or ReadLimits()
        self._reader: ReaderProcess | None = None
        self._dropped = False  # whether this run deleted anything (its text is then purged)

    # --- repair --------------------------------------------------------------------------
    def recover(self, deep: bool) -> int:
        """Undo interrupted writes and finish interrupted deletes; ``deep`` also sweeps orphans."""
        unfinished = [d.doc_id for d in self.catalog.documents(state=None) if d.state != "ready"]
        if unfinished:
            self.vectors.delete_docs(unfinished)
            self.catalog.drop_documents(unfinished)
        orphans = 0
        if deep or self.vectors.count() != self.catalog.ready_chunk_count():
            known = {cid for d in self.catalog.documents() for cid in self.catalog.chunk_ids(d.doc_id)}
            stored = set(self.vectors.all_ids())
            stray = sorted(stored - known)
            self.vectors.delete_ids(stray)
            orphans = len(stray)
            missing = known - stored
            if missing:  # vectors lost by the store itself: re-index those documents from scratch
                lost = sorted({i.rsplit(":", 1)[0] for i in missing})
                self.catalog.mark_deleting(lost)
                self.vectors.delete_docs(lost)
                self.catalog.drop_documents(lost)
                orphans += len(lost)
        return len(unfinished) + orphans

    # --- a run ---------------------------------------------------------------------------
    def run(self, roots: Sequence[Path], on_progress: ProgressCallback | None = None) -> IndexSummary:
        started = time.perf_counter()
        summary = IndexSummary()
        roots = [Path(r).expanduser().absolute() for r in roots]
        for root in roots:
            if not root.exists():
                raise DocumentError("Cannot index", "no such file or folder", root)
        roots = [r.resolve() for r in roots]
        run_id, interrupted = self.catalog.start_run()
        summary.repaired = self.recover(deep=interrupted)
        files: list[Path] = []
        for root in roots:
            for found in discover(root, within=roots):
                if found.skip_reason:
                    summary.skipped[str(found.path)] = found.skip_reason
                else:
                    files.append(found.path)  # under the resolved root; a symlink keeps its own path
        for root in roots:
            self.catalog.add_root(str(root))

        progress = IndexProgress(files_total=len(files), bytes_total=sum(_size(p) for p in files))
        seen = {str(p) for p in files}
        in_scope = [d for d in self.catalog.documents() if _is_under(d.path, roots)]
        gone = {d.path: d for d in in_scope if d.path not in seen}
        gone_by_hash: dict[str, list[DocumentRow]] = {}
        for doc in gone.values():
            gone_by_hash.setdefault(doc.content_hash, []).append(doc)

        current = {d.path: d for d in in_scope}
        with ReaderProcess(self.limits) as self._reader:
            self._index_files(files, current, gone, gone_by_hash, progress, on_progress, summary)
        self._reader = None

        moved = {old for old, _ in summary.renamed}
        removed = [d for d in gone.values() if d.path not in moved]
        if removed:
            self.catalog.mark_deleting([d.doc_id for d in removed])
            crash_point("removing")
            self._drop([d.doc_id for d in removed])
            summary.removed = sorted(d.path for d in removed)

        self.catalog.record_skipped(summary.skipped, [str(r) for r in roots])
        if self._dropped or summary.repaired:
            self.catalog.purge_deleted()  # no bytes of removed text stay in the files
        summary.seconds = time.perf_counter() - started
        self.catalog.finish_run(run_id, summary.as_dict())
        return summary

    def _index_files(self, files, current, gone, gone_by_hash, progress, on_progress, summary) -> None:
        pending: list[_Prepared] = []
        for item in self._prepare_ahead(files, current, gone_by_hash, progress, on_progress):
            if item.skip_reason:
                summary.skipped[item.path] = item.skip_reason
                if item.path in current:  # a clean run would not hold its older version either
                    gone[item.path] = current[item.path]
            elif item.unchanged:
                summary.unchanged += 1
            elif item.moved_from is not None:
                self._move(item.moved_from, item.path, item.replaces)
                summary.renamed.append((item.moved_from.path, item.path))
            else:
                pending.append(item)
                if sum(len(p.chunks) for p in pending) >= EMBED_BATCH_CHUNKS:
                    self._write(pending, summary)
                    pending = []
        self._write(pending, summary)

    def _prepare_ahead(self, files, current, gone_by_hash, progress, on_progress) -> Iterator[_Prepared]:
        """Yield prepared files from a loader thread, so parsing overlaps with embedding. The
        thread waits while more than QUEUED_TEXT_CHARS of prepared text is queued."""
        results: queue.Queue = queue.Queue(maxsize=8)
        stop = threading.Event()
        queued = _Budget(QUEUED_TEXT_CHARS)

        def produce() -> None:
            try:
                for path in files:
                    if stop.is_set():
                        return
                    item = self._prepare(path, current, gone_by_hash)
                    cost = sum(len(c.text) for c in item.chunks)
                    if not queued.take(cost, stop):
                        return
                    results.put(("file", path, item, cost))
            except BaseException as exc:  # surfaced in the consumer, never lost in the thread
                results.put(("error", None, exc, 0))
            finally:
                results.put(("end", None, None, 0))

        worker = threading.Thread(target=produce, name="ragbox-loader", daemon=True)
        worker.start()
        try:
            while True:
                kind, path, value, cost = results.get()
                queued.give(cost)
                if kind == "end":
                    break
                if kind == "error":
                    raise value
                progress.files_done += 1
                progress.bytes_done += _size(path)
                progress.current = str(path)
                progress.pages += value.pages
                progress.chunks += len(value.chunks)
                if on_progress:
                    on_progress(progress)
                yield value
        finally:
            stop.set()
            queued.give(0)
            while worker.is_alive():
                try:
                    results.get(timeout=0.1)
                except queue.Empty:
                    pass

    def _prepare(self, path: Path, current: dict[str, DocumentRow], gone_by_hash) -> _Prepared:
        """Runs in the loader thread: reads no catalog or store, only files and the maps given."""
        key = str(path)
        try:
            data, file_hash = read_file(path, self.limits.max_bytes)
            # Stored with the chunking settings: a file cut with other settings is not unchanged
            # (and a moved one is not copied), so a settings change re-chunks files as they are met.
            digest = f"{file_hash}:{self.chunker.settings_key}"
            existing = current.get(key)
            if existing and existing.content_hash == digest:
                return _Prepared(key, digest, unchanged=True)
            replaces = [existing.doc_id] if existing else []
            if gone_by_hash.get(digest):
                return _Prepared(key, digest, replaces=replaces, moved_from=gone_by_hash[digest].pop(0))
            size = len(data)
            pages = self._reader.pages(path, data)
            del data  # the file's bytes are not needed while it is chunked
            chunks = self.chunker.chunk_pages(pages)
        except DocumentError as exc:
            return _Prepared(key, skip_reason=exc.why)
        return _Prepared(key, digest, size, len(pages), chunks, replaces)

    def _move(self, old: DocumentRow, new_path: str, replaces: list[str]) -> None:
        """A renamed file: copy its vectors and chunks under the new path, no re-embedding."""
        new_id = document_id(new_path, old.content_hash)
        chunks = self.catalog.chunks_of(old.doc_id)
        vectors = self.vectors.vectors_of([c.chunk_id for c in chunks])
        self.catalog.begin_document(DocumentRow(new_id, new_path, old.content_hash, old.size, old.pages,
                                                len(chunks), "writing", time.time()))
        self.vectors.upsert([chunk_id(new_id, n) for n in range(len(chunks))],
                            [vectors[c.chunk_id] for c in chunks], [new_id] * len(chunks))
        crash_point("moved")
        self.catalog.finish_document(
            new_id, [Chunk(c.page, c.char_start, c.char_end, c.text, c.section) for c in chunks],
            replaces + [old.doc_id])
        self._drop([old.doc_id] + replaces)

    def _write(self, prepared: list[_Prepared], summary: IndexSummary) -> None:
        if not prepared:
            return
        vectors = self._embedded([c.text for p in prepared for c in p.chunks])
        for item in prepared:
            doc_id = document_id(item.path, item.content_hash)
            count = len(item.chunks)
            self.catalog.begin_document(DocumentRow(doc_id, item.path, item.content_hash, item.size,
                                                    item.pages, count, "writing", time.time()))
            crash_point("begun")
            for start in range(0, count, EMBED_SLICE):
                part = list(islice(vectors, min(EMBED_SLICE, count - start)))
                self.vectors.upsert([chunk_id(doc_id, n) for n in range(start, start + len(part))], part,
                                    [doc_id] * len(part))
            crash_point("upserted")
            self.catalog.finish_document(doc_id, item.chunks, item.replaces)
            crash_point("finished")
            self._drop(item.replaces)
            summary.indexed.append(item.path)
            summary.pages += item.pages
            summary.chunks += count

    def _embedded(self, texts: list[str]) -> Iterator[list[float]]:
        """The vectors of ``texts`` in order, embedded EMBED_SLICE at a time as they are taken."""
        for start in range(0, len(texts), EMBED_SLICE):
            yield from self.embedder.embed(texts[start:start + EMBED_SLICE])

    def _drop(self, doc_ids: list[str]) -> None:
        if doc_ids:
            self.vectors.delete_docs(doc_ids)
            self.catalog.drop_documents(doc_ids)
            self._dropped = True

    def forget(self, path: Path) -> list[str]:
        """Remove every indexed file at or under ``path``; returns the paths removed."""
        target = Path(path).expanduser().resolve()
        docs = [d for d in self.catalog.documents() if d.path == str(target) or _is_under(d.path, [target])]
        self.catalog.mark_deleting([d.doc_id for d in docs])
        self._drop([d.doc_id for d in docs])
        if docs:
            self.catalog.purge_deleted()
        return [d.path for d in docs]


class _Budget:
    """How much prepared text is queued; a taker waits while the queue is over budget (a single
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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _is_under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)
