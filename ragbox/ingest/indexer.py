"""Incremental, crash-safe indexing of folders into one index (catalog + vector store).

Unchanged files (same path, same sha256) cost a hash. Edited files are re-chunked and their old
version removed; a renamed or moved file reuses its stored vectors; a deleted file's chunks go.
After a change of the chunking settings (or of ragbox's chunker) every file is re-chunked, and a
file whose chunks come out exactly as stored keeps its vectors instead of being embedded again.
Hashing runs in a thread ahead of the embedder, parsing and chunking in capped child processes
(several at once in a big run; ``parsing``), so reading files overlaps with embedding and no file
can take more than its share of memory or time. Memory stays bounded: the loader thread waits
while too many bytes of files are queued, and a file's chunks are embedded and stored in slices.
A file is one document with all the documents inside it (an e-mail's attachments are *parts* of
its chunks), so its attachments change, move and go with it, under the same crash safety.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ragbox.errors import DocumentError
from ragbox.ingest.card_index import refresh_cards
from ragbox.ingest.chunking import Chunker, embedding_input
from ragbox.ingest.crash_points import crash_point
from ragbox.ingest.discovery import discover
from ragbox.ingest.loaders import DEFAULT_OPTIONS, ReadLimits, ReadOptions, read_file
from ragbox.ingest.parsing import Parsed, Parser, auto_processes
from ragbox.ingest.summary import IndexProgress, IndexSummary
from ragbox.paths import PART_SEPARATOR
from ragbox.store.catalog import Catalog, DocumentRow
from ragbox.store.embeddings import Embedder
from ragbox.store.exact import catalog_vectors
from ragbox.store.vectors import ChromaVectorStore
from ragbox.types import Chunk, chunk_id, split_chunk_id

EMBED_BATCH_CHUNKS = 256  # chunks gathered across files before one embedding call
EMBED_SLICE = 1024  # most chunks embedded and stored at once (a huge file goes in slices)
QUEUED_BYTES = 32 * 2**20  # files read and waiting to be parsed and embedded, beyond one file


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
    rechunked: DocumentRow | None = None  # this path's version with the same bytes, other chunking
    parsed: Callable[[], Parsed] | None = None  # pages and chunks, maybe from a worker process
    skipped_parts: dict[str, str] = field(default_factory=dict)  # part path -> why (a bad attachment)
    ocr_pages: int = 0

    def resolve(self) -> "_Prepared":
        if self.parsed is not None:
            result, self.parsed = self.parsed(), None
            self.pages, self.chunks, self.skip_reason = result.pages, result.chunks, result.skip_reason
            self.skipped_parts, self.ocr_pages = result.skipped_parts, result.ocr_pages
        return self


ProgressCallback = Callable[[IndexProgress], None]


def document_id(path: str, content_hash: str) -> str:
    return hashlib.sha256(f"{path}\0{content_hash}".encode()).hexdigest()[:24]


class Indexer:
    def __init__(self, catalog: Catalog, vectors: ChromaVectorStore, embedder: Embedder, chunker: Chunker,
                 parse_processes: int = 0, read_options: ReadOptions = DEFAULT_OPTIONS,
                 limits: ReadLimits | None = None) -> None:
        """``parse_processes``: child processes parsing files at once (0: as many as suit the run);
        ``read_options``: how files are read (OCR of scanned pages); ``limits``: what one file may
        cost (size, memory, time)."""
        self.catalog = catalog
        self.vectors = vectors
        self.embedder = embedder
        self.chunker = chunker
        self.parse_processes = parse_processes
        self.read_options = read_options
        self.limits = limits or ReadLimits()
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
            missing = sorted(known - stored)
            # Vectors lost by the store itself (or a new, empty store.url server): put back those
            # the catalog keeps; re-index the documents whose vectors it does not keep.
            kept = catalog_vectors(self.catalog, missing)
            restored = list(kept)
            for i in range(0, len(restored), 2048):
                part = restored[i:i + 2048]
                self.vectors.upsert(part, [kept[c] for c in part], [split_chunk_id(c)[0] for c in part])
            lost = sorted({split_chunk_id(i)[0] for i in missing if i not in kept})
            if lost:
                self.catalog.mark_deleting(lost)
                self.vectors.delete_docs(lost)
                self.catalog.drop_documents(lost)
            orphans += len(lost) + len(kept)
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
        options = replace(self.read_options, on_ocr=_ocr_progress(progress, on_progress))
        parser = Parser(self.chunker, auto_processes(self.parse_processes, progress.bytes_total), options,
                        self.limits)
        try:
            self._index_files(files, current, gone_by_hash, gone, parser, progress, on_progress, summary)
        finally:
            parser.close()

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
        self._prune_ocr_cache()
        refresh_cards(self.catalog)
        summary.seconds = time.perf_counter() - started
        self.catalog.finish_run(run_id, summary.as_dict())
        return summary

    def _index_files(self, files, current, gone_by_hash, gone, parser, progress, on_progress, summary) -> None:
        earlier_skips = self.catalog.skipped()
        pending: list[_Prepared] = []
        for item in self._prepare_ahead(files, current, gone_by_hash, parser, progress, on_progress):
            if item.skip_reason:
                summary.skipped[item.path] = item.skip_reason
                if item.path in current:  # a clean run would not hold its older version either
                    gone[item.path] = current[item.path]
            elif item.unchanged:
                summary.unchanged += 1
                summary.skipped.update(_part_skips(earlier_skips, item.path, item.path))
            elif item.moved_from is not None:
                self._move(item.moved_from, item.path, item.moved_from.content_hash, item.replaces)
                summary.renamed.append((item.moved_from.path, item.path))
                summary.skipped.update(_part_skips(earlier_skips, item.moved_from.path, item.path))
            elif item.rechunked is not None and self._same_chunks(item.rechunked, item.chunks):
                self._move(item.rechunked, item.path, item.content_hash, [])
                summary.unchanged += 1
                summary.skipped.update(item.skipped_parts)
            else:
                summary.skipped.update(item.skipped_parts)
                pending.append(item)
                if sum(len(p.chunks) for p in pending) >= EMBED_BATCH_CHUNKS:
                    self._write(pending, summary)
                    pending = []
        self._write(pending, summary)

    def _prepare_ahead(self, files, current, gone_by_hash, parser, progress, on_progress) -> Iterator[_Prepared]:
        """Yield prepared files from a loader thread, so parsing overlaps with embedding. The
        thread waits while more than QUEUED_BYTES of files wait to be parsed and embedded."""
        results: queue.Queue = queue.Queue(maxsize=8)
        stop = threading.Event()
        queued = _Budget(QUEUED_BYTES)

        def produce() -> None:
            try:
                for path in files:
                    if stop.is_set():
                        return
                    item = self._prepare(path, current, gone_by_hash, parser)
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
            while True:
                kind, path, value, cost = results.get()
                queued.give(cost)
                if kind == "end":
                    break
                if kind == "error":
                    raise value
                value.resolve()
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

    def _prepare(self, path: Path, current: dict[str, DocumentRow], gone_by_hash, parser: Parser) -> _Prepared:
        """Runs in the loader thread: reads no catalog or store, only files and the maps given;
        a file to parse goes to the parser (worker processes, in a big run)."""
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
        except DocumentError as exc:
            return _Prepared(key, skip_reason=exc.why)
        same_bytes = existing if existing and existing.content_hash.split(":")[0] == file_hash else None
        return _Prepared(key, digest, len(data), replaces=replaces, rechunked=same_bytes,
                         parsed=parser.submit(path, data))

    def _same_chunks(self, stored: DocumentRow, chunks: list[Chunk]) -> bool:
        return [row.as_chunk() for row in self.catalog.chunks_of(stored.doc_id)] == chunks

    def _move(self, old: DocumentRow, new_path: str, content_hash: str, replaces: list[str]) -> None:
        """A renamed file, or one whose new chunking cuts it as before: copy its vectors and
        chunks under the new path or content hash, no re-embedding."""
        new_id = document_id(new_path, content_hash)
        chunks = self.catalog.chunks_of(old.doc_id)
        ids = [c.chunk_id for c in chunks]
        vectors = catalog_vectors(self.catalog, ids)
        if len(vectors) < len(ids):  # indexed before the catalog kept vectors
            vectors.update(self.vectors.vectors_of([i for i in ids if i not in vectors]))
        self.catalog.begin_document(DocumentRow(new_id, new_path, content_hash, old.size, old.pages,
                                                len(chunks), "writing", time.time()))
        self.vectors.upsert([chunk_id(new_id, n) for n in range(len(chunks))],
                            [vectors[c.chunk_id] for c in chunks], [new_id] * len(chunks))
        crash_point("moved")
        self.catalog.finish_document(new_id, [c.as_chunk() for c in chunks], replaces + [old.doc_id],
                                     [vectors[c.chunk_id] for c in chunks])
        self._drop([old.doc_id] + replaces)

    def _write(self, prepared: list[_Prepared], summary: IndexSummary) -> None:
        if not prepared:
            return
        vectors = self._embedded([embedding_input(c) for p in prepared for c in p.chunks])
        for item in prepared:
            doc_id = document_id(item.path, item.content_hash)
            count = len(item.chunks)
            self.catalog.begin_document(DocumentRow(doc_id, item.path, item.content_hash, item.size,
                                                    item.pages, count, "writing", time.time()))
            crash_point("begun")
            mine: list[list[float]] = []
            for start in range(0, count, EMBED_SLICE):
                part = list(islice(vectors, min(EMBED_SLICE, count - start)))
                self.vectors.upsert([chunk_id(doc_id, n) for n in range(start, start + len(part))], part,
                                    [doc_id] * len(part))
                mine.extend(part)
            crash_point("upserted")
            self.catalog.finish_document(doc_id, item.chunks, item.replaces, mine)
            crash_point("finished")
            self._drop(item.replaces)
            summary.indexed.append(item.path)
            summary.pages += item.pages
            summary.chunks += count
            summary.ocr_pages += item.ocr_pages

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
            self._prune_ocr_cache()
        return [d.path for d in docs]

    def _prune_ocr_cache(self) -> None:
        keep_only = getattr(self.read_options.ocr, "keep_only", None)
        if keep_only is not None:
            keep_only(d.content_hash.split(":", 1)[0] for d in self.catalog.documents(state=None))


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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _is_under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)


def _part_skips(earlier: dict[str, str], old_path: str, new_path: str) -> dict[str, str]:
    """The skip reasons of a file's parts from an earlier run, for a file not read again."""
    prefix = old_path + PART_SEPARATOR
    return {new_path + path[len(old_path):]: why for path, why in earlier.items() if path.startswith(prefix)}


def _ocr_progress(progress: IndexProgress, on_progress: ProgressCallback | None):
    """Reports OCR page by page (from the loader thread): a scan takes seconds a page."""
    def report(name: str, done: int, total: int) -> None:
        progress.ocr_file, progress.ocr_done, progress.ocr_total = name, done, total
        if on_progress:
            on_progress(progress)
    return report
