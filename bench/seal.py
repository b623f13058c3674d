"""What sealing the readers costs: indexing a folder of small files sealed and unsealed, in one run.

    python bench/seal.py [--files 200] [--repeats 5] [--small]

Writes --files small files (text, Markdown, HTML and DOCX, a few hundred words each) and, for
each of --repeats rounds (sealed and unsealed in alternating order, so neither always runs on a
warmer machine), measures: the start of a reader child (its first file, a one-line note: what the
namespace and Landlock add once a child); reading and cutting every file in one child (what
sealing adds per file: Landlock checks every path the parser opens); and a whole ``index`` run
into a fresh index (with the embedding model), ``index.seal_readers`` true and false. Prints
the medians and the overhead. The target (issue 24): sealing costs at most 5 % of indexing.

--small is the run CI makes (tests/test_bench_seal.py): 12 files, 2 rounds.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402
from ragbox.ingest.loaders import ReaderProcess, ReadLimits  # noqa: E402
from ragbox.ingest.parsing import Parser  # noqa: E402

WORDS = ("the supplier shall deliver goods within thirty days of a written purchase order and the buyer shall "
         "pay each invoice within sixty days either party may terminate this agreement on ninety days notice "
         "governed by the laws of the state of new york confidential information audit rights insurance").split()
SMALL = {"files": 12, "repeats": 2}


def write_files(folder: Path, count: int) -> None:
    from docx import Document

    rng = random.Random(24)
    folder.mkdir(parents=True)
    for n in range(count):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(4)]
        kind = n % 4
        if kind == 0:
            (folder / f"note {n}.txt").write_text("\n\n".join(paragraphs))
        elif kind == 1:
            (folder / f"memo {n}.md").write_text(f"# Memo {n}\n\n" + "\n\n".join(paragraphs))
        elif kind == 2:
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            (folder / f"page {n}.html").write_text(f"<html><body><h1>Page {n}</h1>{body}</body></html>")
        else:
            document = Document()
            for paragraph in paragraphs:
                document.add_paragraph(paragraph)
            document.save(folder / f"letter {n}.docx")


def child_start_s(seal: bool, note: Path) -> float:
    """A reader child's first file, a one-line note: the child's start, sealed or not."""
    started = time.perf_counter()
    with ReaderProcess(ReadLimits(seal=seal)) as reader:
        reader.pages(note, note.read_bytes())
    return time.perf_counter() - started


def parse_all_s(engine: Engine, seal: bool, files: list[Path]) -> float:
    """Every file read and cut in one child (started here), as a small index run does."""
    parser = Parser(engine.chunker, 0, engine.read_options, ReadLimits(seal=seal))
    started = time.perf_counter()
    try:
        for path in files:
            parsed = parser.submit(path, path.read_bytes())()
            assert not parsed.skip_reason, f"{path.name}: {parsed.skip_reason}"
    finally:
        parser.close()
    return time.perf_counter() - started


def index_s(engine: Engine, folder: Path) -> float:
    started = time.perf_counter()
    summary = engine.index([folder], rebuild=True)
    assert not summary.skipped, summary.skipped
    return time.perf_counter() - started


def measure(folder: Path, store: Path, repeats: int) -> dict[str, dict[bool, list[float]]]:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    engines = {seal: Engine(load_settings(config_path=None, environ={}, flags={
        "store.dir": str(store / ("sealed" if seal else "unsealed")), "index.seal_readers": seal}))
        for seal in (True, False)}
    times: dict[str, dict[bool, list[float]]] = {k: {True: [], False: []} for k in ("start", "parse", "index")}
    try:
        index_s(engines[True], folder)  # warm the model and the page cache: not counted
        for round_ in range(repeats):
            for seal in ((True, False) if round_ % 2 == 0 else (False, True)):
                times["start"][seal].append(child_start_s(seal, files[0]))
                times["parse"][seal].append(parse_all_s(engines[seal], seal, files))
                times["index"][seal].append(index_s(engines[seal], folder))
    finally:
        for engine in engines.values():
            engine.close()
    return times


def report(times: dict[str, dict[bool, list[float]]], files: int, repeats: int) -> None:
    print(f"Sealed readers: {files} small files (txt, md, html, docx), {repeats} rounds, medians")
    print("| step | unsealed | sealed | sealed costs |")
    print("| --- | --- | --- | --- |")
    labels = {"start": "reader child start (first file)", "parse": f"read + cut {files} files in one child",
              "index": f"index {files} files (fresh index)"}
    for key, label in labels.items():
        plain, sealed = statistics.median(times[key][False]), statistics.median(times[key][True])
        extra = sealed - plain
        print(f"| {label} | {plain * 1000:,.0f} ms | {sealed * 1000:,.0f} ms | "
              f"{extra * 1000:+,.0f} ms ({extra / plain * 100:+.1f} %) |")
    per_file = (statistics.median(times["parse"][True]) - statistics.median(times["parse"][False])) / files
    print(f"Per file (read + cut, sealed - unsealed): {per_file * 1000:+.2f} ms")
    plain, sealed = statistics.median(times["index"][False]), statistics.median(times["index"][True])
    print(f"Indexing overhead of sealing: {(sealed - plain) / plain * 100:+.1f} % (target: at most +5 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--small", action="store_true", help="the CI size: 12 files, 2 rounds")
    args = parser.parse_args()
    files, repeats = (SMALL["files"], SMALL["repeats"]) if args.small else (args.files, args.repeats)
    scratch = Path(tempfile.mkdtemp(prefix="ragbox-bench-seal-"))
    try:
        write_files(scratch / "docs", files)
        report(measure(scratch / "docs", scratch / "store", repeats), files, repeats)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
