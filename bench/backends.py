"""Embedding backends side by side: indexing speed and retrieval quality of the same documents.

    python bench/backends.py FOLDER QUERIES.jsonl [--limit-queries 400] [--store DIR]
                             [--backends torch,onnx,onnx-int8] [--sample 4096]

For each backend, in one run: indexes FOLDER into its own fresh index (end-to-end chunks/s), embeds
the first --sample chunks again with nothing else running (embedding-only chunks/s), then runs the
labelled queries through `ragbox eval`'s code (evidence in the 4,000-character budget, recall@10,
MRR@10, search latency). Prints a Markdown table; the lines above it are the raw numbers.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402


def gold_files(folder: Path, queries: Path, limit: int, target: Path) -> Path:
    """A folder of the files holding the first ``limit`` queries' evidence: hard links (copies across
    file systems), not symbolic links, which indexing skips when they point outside the folder."""
    import json

    names = set()
    with queries.open() as lines:
        for n, line in enumerate(lines):
            if n >= limit:
                break
            names.update(g["file"] for g in json.loads(line).get("gold", []))
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in sorted(names):
        if (folder / name).is_file():
            try:
                os.link(folder / name, target / name)
            except OSError:  # another file system, or links not allowed
                shutil.copyfile(folder / name, target / name)
    return target


def seeded_row(args) -> dict:
    """Retrieval with the seed index's torch fp32 vectors (bench/scale.py's SeededEmbedder)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale import SeededEmbedder, write_seed

    store, index = args.seeded_fp32.rsplit(":", 1)
    seed = write_seed(Path(store), index, args.store / "seed")
    shutil.rmtree(args.store / "indexes" / "bench-seeded-fp32", ignore_errors=True)
    flags = {"store.dir": str(args.store), "store.index": "bench-seeded-fp32", "embedding.backend": "onnx"}
    engine = Engine(load_settings(None, environ={}, flags=flags))
    seeded = SeededEmbedder(engine.embedder, seed)
    engine.use_embedder(seeded)
    summary = engine.index([args.folder])
    result = engine.evaluate(args.queries, (1, 5, 10), 4000, args.limit_queries)
    row = {"backend": f"fp32 from the seed index ({seeded.computed} passages embedded anew)",
           "chunks": summary.chunks, "seconds": float("nan"), "end_to_end": float("nan"),
           "embedding_only": float("nan"), "budget": result["budget_recall"], "r10": result["recall"]["10"],
           "mrr": result["mrr@10"], "p50": result["latency_ms"]["p50"], "p95": result["latency_ms"]["p95"]}
    print(row, flush=True)
    engine.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--limit-queries", type=int, default=400)
    parser.add_argument("--store", type=Path, default=Path("/tmp/ragbox-bench-backends"))
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--sample", type=int, default=4096, help="chunks for the embedding-only rate")
    parser.add_argument("--seeded-fp32", metavar="STORE:INDEX",
                        help="also a row whose fp32 vectors come from an index of FOLDER built before (by torch): "
                             "its retrieval figures are fp32's, in minutes; its speed is not measured")
    parser.add_argument("--gold-only", action="store_true",
                        help="index only the files the queries' gold evidence is in (a shorter run)")
    args = parser.parse_args()
    if args.gold_only:
        args.folder = gold_files(args.folder, args.queries, args.limit_queries, args.store / "gold-docs")

    rows = []
    if args.seeded_fp32:
        rows.append(seeded_row(args))
    for backend in [b for b in args.backends.split(",") if b]:
        index = f"bench-{backend}"
        shutil.rmtree(args.store / "indexes" / index, ignore_errors=True)
        flags = {"store.dir": str(args.store), "store.index": index, "embedding.backend": backend}
        engine = Engine(load_settings(None, environ={}, flags=flags))
        engine.embedder.embed(["warm up the model"])  # loading (or exporting) is not indexing time
        started = time.perf_counter()
        summary = engine.index([args.folder])
        seconds = time.perf_counter() - started
        texts = [row[0] for row in engine.catalog.db.execute(
            "SELECT text FROM chunks ORDER BY id LIMIT ?", (args.sample,))]
        started = time.perf_counter()
        for i in range(0, len(texts), 1024):
            engine.embedder.embed(texts[i:i + 1024])
        ceiling = len(texts) / (time.perf_counter() - started)
        result = engine.evaluate(args.queries, (1, 5, 10), 4000, args.limit_queries)
        row = {
            "backend": f"{backend} ({engine.catalog.get_meta('embedding_backend')})",
            "chunks": summary.chunks, "seconds": seconds, "end_to_end": summary.chunks / seconds,
            "embedding_only": ceiling, "budget": result["budget_recall"], "r10": result["recall"]["10"],
            "mrr": result["mrr@10"],
            "p50": result["latency_ms"]["p50"], "p95": result["latency_ms"]["p95"],
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        print(row, flush=True)
        rows.append(row)
        engine.close()

    print("\n| backend | chunks | index s | chunks/s end to end | chunks/s embedding only | evidence in 4,000 chars "
          "| R@10 | MRR@10 | search p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['chunks']} | {r['seconds']:.0f} | {r['end_to_end']:.1f} | "
              f"{r['embedding_only']:.1f} | {r['budget']:.3f} | {r['r10']:.3f} | {r['mrr']:.3f} | "
              f"{r['p50']:.0f} | {r['p95']:.0f} |")


if __name__ == "__main__":
    main()
