"""Indexing throughput against the fp32 embedding-only ceiling, peak memory and no-op re-index time.

    python bench/ingest.py FOLDER [--limit N] [--store DIR] [--backend auto] [--ceiling torch]

Indexes FOLDER into a fresh store with --backend (the default setting), then re-indexes it
unchanged, then embeds exactly the same chunks again with nothing else running, with the
--ceiling backend (torch: sentence-transformers fp32, what indexing ran on before ONNX Runtime;
the issue's yardstick) and with the indexing backend itself; last, how long `watch` on FOLDER
takes to stop once told to (after its catch-up run). Prints one line per number.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402

CEILING_SLICE = 2048


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def embedding_seconds(embedder, texts: list[str]) -> float:
    started = time.perf_counter()
    for i in range(0, len(texts), CEILING_SLICE):  # slices only bound memory: the model batches anyway
        embedder.embed(texts[i:i + CEILING_SLICE])
    return time.perf_counter() - started


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N supported files")
    parser.add_argument("--store", type=Path, help="store dir (default: a temporary one)")
    parser.add_argument("--backend", default="auto", help="embedding.backend for indexing")
    parser.add_argument("--ceiling", default="torch", help="embedding.backend of the ceiling run")
    parser.add_argument("--processes", type=int, default=0, help="index.parse_processes (0: auto)")
    return parser.parse_args()


def linked_subset(source: Path, limit: int, work: Path) -> Path:
    """A folder holding the first ``limit`` supported files of ``source``: hard links (copies
    across file systems), not symbolic links, which indexing skips when they point outside the
    folder indexed."""
    subset = work / "docs"
    subset.mkdir()
    files = sorted(p for p in source.rglob("*") if p.suffix.lower() in (".pdf", ".txt", ".md"))
    for path in files[:limit]:
        try:
            os.link(path, subset / path.name)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(path, subset / path.name)
    return subset


def ceiling_seconds(backend: str, texts: list[str]) -> tuple[str, float]:
    """The ``backend``'s fp32 embedder and its seconds for ``texts``, with nothing else running."""
    from ragbox.bundled import embedding_model_dir
    from ragbox.store.embeddings import make_embedder

    fp32 = make_embedder(embedding_model_dir(), backend, "fp32")
    fp32.embed(["warm up the model"])
    return fp32.backend, embedding_seconds(fp32, texts)


def watch_stop_seconds(engine: Engine, folder: Path) -> float:
    """Seconds from telling ``engine.watch`` to stop (after its catch-up run) to its return."""
    stop, ran = threading.Event(), threading.Event()
    watching = threading.Thread(target=engine.watch, args=([folder], lambda summary: ran.set(), stop))
    watching.start()
    ran.wait()
    started = time.perf_counter()
    stop.set()
    watching.join()
    return time.perf_counter() - started


def main() -> None:
    args = arguments()
    source = args.folder
    work = Path(tempfile.mkdtemp(prefix="ragbox-bench-"))
    if args.limit:
        source = linked_subset(source, args.limit, work)
    store = args.store or work / "store"
    flags = {"store.dir": str(store), "store.index": "bench", "embedding.backend": args.backend,
             "index.parse_processes": args.processes}
    engine = Engine(load_settings(None, environ={}, flags=flags))
    engine.embedder.embed(["warm up the model"])  # model load is not indexing time

    started = time.perf_counter()
    summary = engine.index([source])
    first = time.perf_counter() - started
    indexing_rss = peak_rss_mb()

    started = time.perf_counter()
    again = engine.index([source])
    noop = time.perf_counter() - started
    assert not again.indexed, "the re-index was not a no-op"

    texts = [c.text for d in engine.catalog.documents() for c in engine.catalog.chunks_of(d.doc_id)]
    own = embedding_seconds(engine.embedder, texts)
    ceiling_backend, ceiling = ceiling_seconds(args.ceiling, texts)
    counts = engine.embedder.tokenizer.counts(texts)
    limit = engine.chunker.max_tokens
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"files:                  {len(summary.indexed)} indexed, {len(summary.skipped)} skipped")
    print(f"pages:                  {summary.pages}")
    print(f"pages by coverage:      {summary.coverage_line()} {dict(sorted(summary.page_states.items()))}")
    print(f"chunks:                 {summary.chunks}")
    print(f"characters:             {sum(len(t) for t in texts)}")
    print(f"wall seconds:           {first:.1f}")
    print(f"backend:                {engine.catalog.get_meta('embedding_backend')}, "
          f"parse processes {args.processes or 'auto'}")
    print(f"chunks/s end to end:    {summary.chunks / first:.1f}")
    print(f"chunks/s embedding only ({engine.catalog.get_meta('embedding_backend')}): {len(texts) / own:.1f}"
          f"  ({own:.1f} s for the same chunks)")
    print(f"chunks/s embedding only ({ceiling_backend}, the ceiling): {len(texts) / ceiling:.1f}"
          f"  ({ceiling:.1f} s for the same chunks)")
    print(f"ratio to the {ceiling_backend} ceiling: {ceiling / first:.2f}")
    print(f"longest chunk:          {max(counts)} tokens (limit {limit}); truncated: {sum(c > limit for c in counts)}")
    print(f"peak RSS indexing:      {indexing_rss:.0f} MB, parse workers {children:.0f} MB "
          f"(whole bench, with the ceiling runs: {peak_rss_mb():.0f} MB)")
    print(f"no-op re-index:         {noop:.2f} s ({100 * noop / first:.1f}% of the first run)")
    print(f"watch, stopping:        {watch_stop_seconds(engine, source):.2f} s")
    if not args.store:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
