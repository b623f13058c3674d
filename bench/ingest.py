"""Indexing throughput against the fp32 embedding-only ceiling, peak memory and no-op re-index time.

    python bench/ingest.py FOLDER [--limit N | --sample N [--seed S]] [--without-scans]
                           [--store DIR] [--backend auto] [--ceiling torch]

Indexes FOLDER into a fresh store with --backend (the default setting), then re-indexes it
unchanged, then embeds exactly the same chunks again with nothing else running, with the
--ceiling backend (torch: sentence-transformers fp32, what indexing ran on before ONNX Runtime;
the issue's yardstick) and with the indexing backend itself; last, how long `watch` on FOLDER
takes to stop once told to (after its catch-up run). Prints one line per number.
--sample N takes N PDFs at random (``--seed``), held-out style, instead of the first N;
--without-scans leaves out every file with a page that would go to OCR (read beforehand, with OCR
off, not timed), so the ratio is stated with and without scans. CPU seconds count this process
and its parsing children (OCR included). Peak RSS is printed for each stage (loading the models,
which on a fresh cache includes building them; indexing; the no-op re-index; the embedding-only
runs): this process's own, its largest child's and all of them at once (bench/memory.py).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from memory import StagePeak  # noqa: E402

from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402

CEILING_SLICE = 2048


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) so far of this process and of its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def embedding_seconds(embedder, texts: list[str]) -> float:
    started = time.perf_counter()
    for i in range(0, len(texts), CEILING_SLICE):  # slices only bound memory: the model batches anyway
        embedder.embed(texts[i:i + CEILING_SLICE])
    return time.perf_counter() - started


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N supported files")
    parser.add_argument("--sample", type=int, default=0, help="N supported files at random (--seed)")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--without-scans", action="store_true", help="leave out files with pages for OCR")
    parser.add_argument("--ceiling-sample", type=int, default=0,
                        help="time the embedding-only runs on N chunks spread over all (0: all of them)")
    parser.add_argument("--store", type=Path, help="store dir (default: a temporary one)")
    parser.add_argument("--backend", default="auto", help="embedding.backend for indexing")
    parser.add_argument("--ceiling", default="torch", help="embedding.backend of the ceiling run")
    parser.add_argument("--processes", type=int, default=0, help="index.parse_processes (0: auto)")
    return parser.parse_args()


def chosen_files(source: Path, args: argparse.Namespace) -> list[Path]:
    """The supported files of ``source`` the run indexes: the first --limit, or a --sample (the
    first N in an order shuffled by --seed), without the files with scanned pages if asked."""
    files = sorted(p for p in source.rglob("*") if p.suffix.lower() in (".pdf", ".txt", ".md"))
    if args.sample:
        random.Random(args.seed).shuffle(files)
    wanted = args.sample or args.limit or len(files)
    chosen: list[Path] = []
    for path in files:
        if len(chosen) == wanted:
            break
        if not (args.without_scans and has_scanned_pages(path)):
            chosen.append(path)
    return sorted(chosen)


def has_scanned_pages(path: Path) -> bool:
    """Whether a PDF has a page OCR would read (no text layer, or too little for what it draws)."""
    from ragbox.errors import DocumentError
    from ragbox.ingest.loaders import ReadOptions
    from ragbox.ingest.loaders.pdf import pages

    if path.suffix.lower() != ".pdf":
        return False
    try:
        return any(page.state in ("sparse", "failed") for page in pages(path, path.read_bytes(), ReadOptions(ocr=None)))
    except DocumentError:
        return False  # skipped whole either way


def linked_subset(files: list[Path], work: Path) -> Path:
    """A folder holding ``files``: hard links (copies across file systems), not symbolic links,
    which indexing skips when they point outside the folder indexed."""
    subset = work / "docs"
    subset.mkdir()
    for path in files:
        try:
            os.link(path, subset / path.name)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(path, subset / path.name)
    return subset


def ceiling_seconds(backend: str, texts: list[str]) -> tuple[str, float, float]:
    """The ``backend``'s fp32 embedder, its seconds and its CPU seconds for ``texts``, with nothing
    else running."""
    from ragbox.bundled import embedding_model_dir
    from ragbox.store.embeddings import make_embedder

    fp32 = make_embedder(embedding_model_dir(), backend, "fp32")
    fp32.embed(["warm up the model"])
    cpu_before = cpu_seconds()[0]
    return fp32.backend, embedding_seconds(fp32, texts), cpu_seconds()[0] - cpu_before


def embedding_only(engine: Engine, args: argparse.Namespace, texts: list[str]) -> dict[str, float]:
    """Seconds the index's own backend and the ceiling's take to embed ``texts`` alone: timed on
    every one, or on --ceiling-sample of them spread evenly and scaled by characters."""
    step = max(1, len(texts) // args.ceiling_sample) if args.ceiling_sample else 1
    timed = texts[::step]
    scale = sum(map(len, texts)) / max(1, sum(map(len, timed)))
    ceiling_backend, ceiling, ceiling_cpu = ceiling_seconds(args.ceiling, timed)
    return {"own": embedding_seconds(engine.embedder, timed) * scale, ceiling_backend: ceiling * scale,
            "timed": len(timed), "ceiling CPU": ceiling_cpu * scale}


def index_twice(engine: Engine, source: Path, peaks: list[StagePeak]) -> tuple:
    """The first run's summary, wall and CPU seconds (this process, children), then the seconds of
    the no-op re-index; the peak memory of each run goes to ``peaks``."""
    started, cpu_before = time.perf_counter(), cpu_seconds()
    with StagePeak("indexing") as peak:
        summary = engine.index([source])
    first = time.perf_counter() - started
    indexing_cpu = [after - before for after, before in zip(cpu_seconds(), cpu_before)]
    started = time.perf_counter()
    with StagePeak("no-op re-index") as again_peak:
        again = engine.index([source])
    assert not again.indexed, "the re-index was not a no-op"
    peaks += [peak, again_peak]
    return summary, first, indexing_cpu, time.perf_counter() - started


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
    if args.limit or args.sample or args.without_scans:
        source = linked_subset(chosen_files(source, args), work)
    store = args.store or work / "store"
    flags = {"store.dir": str(store), "store.index": "bench", "embedding.backend": args.backend,
             "index.parse_processes": args.processes}
    with StagePeak("loading the models") as loading:
        engine = Engine(load_settings(None, environ={}, flags=flags))
        engine.embedder.embed(["warm up the model"])  # model load is not indexing time
    peaks = [loading]
    summary, first, indexing_cpu, noop = index_twice(engine, source, peaks)
    texts = [c.text for d in engine.catalog.documents() for c in engine.catalog.chunks_of(d.doc_id)]
    with StagePeak("embedding only") as ceiling_peak:
        alone = embedding_only(engine, args, texts)
    peaks.append(ceiling_peak)
    own, timed, ceiling_cpu = alone.pop("own"), alone.pop("timed"), alone.pop("ceiling CPU")
    [(ceiling_backend, ceiling)] = alone.items()
    counts = engine.embedder.tokenizer.counts(texts)
    limit = engine.chunker.max_tokens
    backend, timed_on = engine.catalog.get_meta("embedding_backend"), f"timed on {timed} of the chunks"

    print(f"files:                  {len(summary.indexed)} indexed, {len(summary.skipped)} skipped")
    print(f"pages:                  {summary.pages}")
    print(f"pages by coverage:      {summary.coverage_line()} {dict(sorted(summary.page_states.items()))}")
    print(f"chunks:                 {summary.chunks}")
    print(f"characters:             {sum(len(t) for t in texts)}")
    print(f"wall seconds:           {first:.1f}")
    print(f"CPU seconds indexing:   {sum(indexing_cpu):.1f} (this process {indexing_cpu[0]:.1f}, "
          f"parse children {indexing_cpu[1]:.1f})")
    print(f"backend:                {backend}, parse processes {args.processes or 'auto'}")
    print(f"chunks/s end to end:    {summary.chunks / first:.1f}")
    print(f"chunks/s embedding only ({backend}): {len(texts) / own:.1f}  ({own:.1f} s for the same chunks, {timed_on})")
    print(f"chunks/s embedding only ({ceiling_backend}, the ceiling): {len(texts) / ceiling:.1f}"
          f"  ({ceiling:.1f} s for the same chunks, {timed_on})")
    print(f"ratio to the {ceiling_backend} ceiling: {ceiling / first:.2f}")
    print(f"CPU ratio to the ceiling: {ceiling_cpu / sum(indexing_cpu):.2f} ({ceiling_cpu:.1f} CPU s embedding only)")
    print(f"longest chunk:          {max(counts)} tokens (limit {limit}); truncated: {sum(c > limit for c in counts)}")
    print("\n".join(peak.line() for peak in peaks))
    print(f"no-op re-index:         {noop:.2f} s ({100 * noop / first:.1f}% of the first run)")
    print(f"watch, stopping:        {watch_stop_seconds(engine, source):.2f} s")
    if not args.store:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
