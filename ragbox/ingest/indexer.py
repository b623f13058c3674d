"""Incremental, crash-safe indexing of folders into one index (catalog + vector store).

Unchanged files cost a ``stat``: the same size, mtime and inode as when the file was indexed
(``store.file_identity``); a file whose stat changed costs a hash (same sha256: unchanged), and
``verify`` hashes every file. Edited files are re-chunked and their old
version removed; a renamed or moved file reuses its stored vectors; a deleted file's chunks go.
After a change of the chunking settings (or of ragbox's chunker) every file is re-chunked, and a
file whose chunks come out exactly as stored keeps its vectors instead of being embedded again.
Hashing runs in a thread ahead of the embedder (``read_ahead``), parsing and chunking in capped child processes
(several at once in a big run; ``parsing``), so reading files overlaps with embedding and no file
can take more than its share of memory or time; a batch's documents are written by a thread of
their own (``write_behind``) while the next batch is embedded. Memory stays bounded: the loader thread waits
while too many bytes of files are queued, and a file's chunks are embedded and stored in slices.
A file is one document with all the documents inside it (an e-mail's attachments are *parts* of
its chunks), so its attachments change, move and go with it, under the same crash safety.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Callable, Sequence

from ragbox.coverage import PageRead
from ragbox.errors import DocumentError
from ragbox.ingest.card_index import refresh_cards
from ragbox.ingest.chunking import Chunker, embedding_input
from ragbox.ingest.crash_points import crash_point
from ragbox.ingest.discovery import discover
from ragbox.ingest.loaders import DEFAULT_OPTIONS, ReadLimits, ReadOptions
from ragbox.ingest.parsing import Parser, auto_processes
from ragbox.ingest.read_ahead import Prepared, file_size, prepare, prepared_ahead
from ragbox.ingest.summary import IndexProgress, IndexSummary
from ragbox.ingest.write_behind import WriteBehind
from ragbox.paths import PART_SEPARATOR
from ragbox.store.catalog import Catalog, DocumentRow
from ragbox.store.coverage import page_reads
from ragbox.store.embeddings import Embedder
from ragbox.store.exact import catalog_vectors
from ragbox.store.file_identity import Identity, known_identities, remember_identities
from ragbox.store.onnx_embeddings import embed_chunks
from ragbox.store.passage_stems import fill_missing as fill_missing_stems
from ragbox.store.vectors import ChromaVectorStore
from ragbox.types import Chunk, chunk_id, split_chunk_id

EMBED_BATCH_CHUNKS = 256  # chunks gathered across files before one embedding call
EMBED_SLICE = 1024  # most chunks embedded and stored at once (a huge file goes in slices)
IN_STEP_KEY = "vectors_in_step"  # catalog meta: the store and catalog as a finished run left them


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
        self._identities: dict[str, Identity] | None = None  # recorded file stats, by doc_id (None: verify)
        self._seen: list[tuple[str, Identity]] = []  # stats of files this run read, to record
        self._writer = WriteBehind(catalog.close_thread_connection)  # every document write of a run, in order

    # --- repair --------------------------------------------------------------------------
    def recover(self, deep: bool) -> int:
        """Undo interrupted writes and finish interrupted deletes; ``deep`` also sweeps orphans."""
        unfinished = [d.doc_id for d in self.catalog.documents(state=None) if d.state != "ready"]
        if unfinished:
            self.vectors.delete_docs(unfinished)
            self.catalog.drop_documents(unfinished)
        orphans = 0
        # The store's count is compared with the catalog's unless neither changed since a run
        # ended with them in step (opening Chroma for the count is most of a no-op run).
        stamp = self._in_step_stamp()
        in_step = bool(stamp) and not unfinished and stamp == self.catalog.get_meta(IN_STEP_KEY)
        if deep or (not in_step and self.vectors.count() != self.catalog.ready_chunk_count()):
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
    def run(self, roots: Sequence[Path], on_progress: ProgressCallback | None = None,
            verify: bool = False) -> IndexSummary:
        """Index ``roots``; ``verify`` reads and hashes even the files whose stat is as recorded."""
        started = time.perf_counter()
        summary = IndexSummary()
        roots = [Path(r).expanduser().absolute() for r in roots]
        for root in roots:
            if not root.exists():
                raise DocumentError("Cannot index", "no such file or folder", root)
        roots = [r.resolve() for r in roots]
        run_id, interrupted = self.catalog.start_run()
        summary.repaired = self.recover(deep=interrupted)
        files = self._discover(roots, summary)
        self._identities, self._seen = (None if verify else known_identities(self.catalog)), []

        progress = IndexProgress(files_total=len(files), bytes_total=sum(file_size(p) for p in files))
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
            self._writer.close()  # no write goes on behind a run that failed
            parser.close()

        self._remove_gone(gone, summary)
        self.catalog.record_skipped(summary.skipped, [str(r) for r in roots])
        if self._dropped or summary.repaired:
            self.catalog.purge_deleted()  # no bytes of removed text stay in the files
        self._prune_ocr_cache()
        remember_identities(self.catalog, self._seen)  # after the documents are ready: a crash only costs a hash
        self._refresh_derived()
        summary.seconds = time.perf_counter() - started
        self.catalog.set_meta(IN_STEP_KEY, self._in_step_stamp())  # a whole run leaves store and catalog in step
        self.catalog.finish_run(run_id, summary.as_dict())
        return summary

    def _refresh_derived(self) -> None:
        """What the catalog derives from passages, made where it is missing: document cards, and
        (once, for a catalog from before the stems column) each passage's stems."""
        refresh_cards(self.catalog)
        fill_missing_stems(self.catalog)

    def _discover(self, roots: Sequence[Path], summary: IndexSummary) -> list[Path]:
        """The files to index under ``roots`` (the ones skipped go to ``summary``); the roots are
        recorded as the index's folders."""
        files: list[Path] = []
        for root in roots:
            for found in discover(root, within=roots):
                if found.skip_reason:
                    summary.skipped[str(found.path)] = found.skip_reason
                else:
                    files.append(found.path)  # under the resolved root; a symlink keeps its own path
        for root in roots:
            self.catalog.add_root(str(root))
        return files

    def _index_files(self, files, current, gone_by_hash, gone, parser, progress, on_progress, summary) -> None:
        earlier_skips = self.catalog.skipped()
        pending: list[Prepared] = []

        def prepare_one(path: Path) -> Prepared:
            return prepare(path, current, gone_by_hash, parser, self.limits.max_bytes, self.chunker.settings_key,
                           self._identities)

        for item in prepared_ahead(files, prepare_one, progress, on_progress):
            if item.skip_reason:
                summary.skipped[item.path] = item.skip_reason
                if item.path in current:  # a clean run would not hold its older version either
                    gone[item.path] = current[item.path]
            elif item.unchanged:
                summary.unchanged += 1
                self._remember(current[item.path].doc_id, item)
                summary.skipped.update(_part_skips(earlier_skips, item.path, item.path))
            elif item.moved_from is not None:
                self._writer.submit(partial(self._move, item.moved_from, item.path, item.moved_from.content_hash,
                                            item.replaces))
                self._remember(document_id(item.path, item.moved_from.content_hash), item)
                summary.renamed.append((item.moved_from.path, item.path))
                summary.skipped.update(_part_skips(earlier_skips, item.moved_from.path, item.path))
            elif item.rechunked is not None and self._same_chunks(item.rechunked, item.chunks):
                self._writer.submit(partial(self._move, item.rechunked, item.path, item.content_hash, [],
                                            item.coverage))
                self._remember(document_id(item.path, item.content_hash), item)
                summary.unchanged += 1
                summary.skipped.update(item.skipped_parts)
            else:
                summary.skipped.update(item.skipped_parts)
                pending.append(item)
                if sum(len(p.chunks) for p in pending) >= EMBED_BATCH_CHUNKS:
                    self._write(pending, summary)
                    pending = []
        self._write(pending, summary)
        self._writer.wait()

    def _remove_gone(self, gone: dict[str, DocumentRow], summary: IndexSummary) -> None:
        """Delete the documents of files gone from the folders (not the ones moved elsewhere)."""
        moved = {old for old, _ in summary.renamed}
        removed = [d for d in gone.values() if d.path not in moved]
        if removed:
            self.catalog.mark_deleting([d.doc_id for d in removed])
            crash_point("removing")
            self._drop([d.doc_id for d in removed])
            summary.removed = sorted(d.path for d in removed)

    def _in_step_stamp(self) -> str:
        """The store's files and the catalog's generation now ("" when the store has no files to
        stamp, a server: its count is always compared)."""
        stamp = self.vectors.files_stamp()
        return f"{stamp}/{self.catalog.generation()}" if stamp else ""

    def _remember(self, doc_id: str, item: Prepared) -> None:
        if item.identity is not None:
            self._seen.append((doc_id, item.identity))

    def _same_chunks(self, stored: DocumentRow, chunks: list[Chunk]) -> bool:
        self._writer.wait()  # read as the writes before left it
        return [row.as_chunk() for row in self.catalog.chunks_of(stored.doc_id)] == chunks

    def _move(self, old: DocumentRow, new_path: str, content_hash: str, replaces: list[str],
              coverage: list[PageRead] | None = None) -> None:
        """A renamed file, or one whose new chunking cuts it as before: copy its vectors and
        chunks under the new path or content hash, no re-embedding; its page coverage too, or
        ``coverage`` when the file was read again."""
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
                                     [vectors[c.chunk_id] for c in chunks],
                                     coverage if coverage is not None else page_reads(self.catalog, old.doc_id))
        self._drop([old.doc_id] + replaces)

    def _write(self, prepared: list[Prepared], summary: IndexSummary) -> None:
        """Embed ``prepared`` here, store it in the writer thread while the next batch is read."""
        if prepared:
            chunks = [c for p in prepared for c in p.chunks]
            texts = [embedding_input(c) for c in chunks]
            known = [(c.context, c.token_ids) for c in chunks]  # the chunker's token ids: not tokenised again
            vectors = [v for start in range(0, len(texts), EMBED_SLICE)
                       for v in embed_chunks(self.embedder, texts[start:start + EMBED_SLICE],
                                             known[start:start + EMBED_SLICE])]
            self._writer.submit(partial(self._store, prepared, vectors, summary))

    def _store(self, prepared: list[Prepared], vectors: list[list[float]], summary: IndexSummary) -> None:
        """Each document: begun, its vectors upserted (a slice at a time), its chunks finished."""
        taken = iter(vectors)
        for item in prepared:
            doc_id = document_id(item.path, item.content_hash)
            count = len(item.chunks)
            self.catalog.begin_document(DocumentRow(doc_id, item.path, item.content_hash, item.size,
                                                    item.pages, count, "writing", time.time()))
            crash_point("begun")
            mine: list[list[float]] = []
            for start in range(0, count, EMBED_SLICE):
                part = list(islice(taken, min(EMBED_SLICE, count - start)))
                self.vectors.upsert([chunk_id(doc_id, n) for n in range(start, start + len(part))], part,
                                    [doc_id] * len(part))
                mine.extend(part)
            crash_point("upserted")
            self.catalog.finish_document(doc_id, item.chunks, item.replaces, mine, item.coverage)
            crash_point("finished")
            self._remember(doc_id, item)
            self._drop(item.replaces)
            summary.indexed.append(item.path)
            summary.pages += item.pages
            summary.chunks += count
            summary.ocr_pages += item.ocr_pages
            summary.count_pages(read.state for read in item.coverage)

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


def _is_under(path: str, roots: Sequence[Path]) -> bool:
    p = Path(path)
    return any(p == r or r in p.parents for r in roots)


def _part_skips(earlier: dict[str, str], old_path: str, new_path: str) -> dict[str, str]:
    """The skip reasons of a file's parts from an earlier run, for a file not read again."""
    prefix = old_path + PART_SEPARATOR
    return {new_path + path[len(old_path):]: why for path, why in earlier.items() if path.startswith(prefix)}


def _ocr_progress(progress: IndexProgress, on_progress: ProgressCallback | None):
    """Reports OCR page by page (from the loader thread): a scan takes seconds a page, so the
    pages read so far and the time the scan has left are counted."""
    started: dict[str, float] = {}

    def report(name: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == 0:
            started[name] = now
        else:
            progress.ocr_pages += 1
            progress.ocr_page_seconds = (now - started.get(name, now)) / done
        progress.ocr_file, progress.ocr_done, progress.ocr_total = name, done, total
        if on_progress:
            on_progress(progress)
    return report
