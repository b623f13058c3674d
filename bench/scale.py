"""From 10k to 100k passages: search latency, memory, store size and no-op re-index time.

    python bench/scale.py TXT_FOLDER QUERIES.jsonl --seed STORE --seed-index NAME
                          [--sizes 10000,100000] [--store DIR] [--queries 200]

Builds, for each size, an index of the contracts in TXT_FOLDER repeated under varied names
("copy 2 of X.txt", "X (rev 3).txt", ...) until it holds about that many passages; then re-indexes
it unchanged; then runs the first --queries queries through search, with the exact search from
the catalog and with Chroma's HNSW index. Each step runs in its own process, so every peak RSS is
that step's alone. Repeated files hold the same passages, so their vectors are taken from the
seed index (an index of TXT_FOLDER built earlier) instead of being computed again: this bench
measures the store, not the embedding model (bench/ingest.py does that). The indexing RSS includes
the bench's own map from passage text to seed row (about 30 MB at 37k seed passages).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

NAME_PATTERNS = ["{stem}.txt", "copy {n} of {stem}.txt", "{stem} (rev {n}).txt", "archive-{n}_{stem}.txt",
                 "{stem} - signed {n}.txt", "draft {n} {stem}.txt"]


class SeededEmbedder:
    """The real embedder, answering passages the seed holds with their stored vectors (a
    memory-mapped matrix and a text -> row map, so the seed adds little to the peak RSS)."""

    def __init__(self, inner, seed_file: Path) -> None:
        import numpy as np

        self.inner = inner
        self.model_id, self.tokenizer = inner.model_id, inner.tokenizer
        self.precision, self.backend = inner.precision, inner.backend
        self.rows = {t: i for i, t in enumerate(json.loads(seed_file.with_suffix(".json").read_text()))}
        self.matrix = np.load(seed_file.with_suffix(".npy"), mmap_mode="r")
        self.computed = 0

    def embed(self, texts):
        missing = [t for t in texts if t not in self.rows]
        computed = dict(zip(missing, self.inner.embed(missing))) if missing else {}
        self.computed += len(missing)
        return [computed[t] if t in computed else self.matrix[self.rows[t]].tolist() for t in texts]


def write_seed(store: Path, index: str, target: Path) -> Path:
    """The seed index's passages and vectors as target.json (texts) and target.npy (matrix)."""
    import chromadb
    import numpy as np
    from chromadb.config import Settings

    if target.with_suffix(".npy").is_file():
        return target
    db = sqlite3.connect(store / "indexes" / index / "catalog.sqlite3")
    texts = dict(db.execute("SELECT chunk_id, text FROM chunks"))
    client = chromadb.PersistentClient(str(store / "indexes" / index / "chroma"),
                                       settings=Settings(anonymized_telemetry=False))
    collection, ids, rows, vectors = client.get_collection("chunks"), list(texts), [], []
    for start in range(0, len(ids), 5000):
        found = collection.get(ids=ids[start:start + 5000], include=["embeddings"])
        rows += [texts[i] for i in found["ids"]]
        vectors.append(np.asarray(found["embeddings"], dtype=np.float32))
    target.parent.mkdir(parents=True, exist_ok=True)
    np.save(target.with_suffix(".npy"), np.concatenate(vectors))
    target.with_suffix(".json").write_text(json.dumps(rows))
    return target


def build_folder(source: Path, seed_store: Path, seed_index: str, size: int, target: Path) -> int:
    """Links to the contracts under varied names until about ``size`` passages; returns the count."""
    db = sqlite3.connect(seed_store / "indexes" / seed_index / "catalog.sqlite3")
    chunks = {Path(p).name: c for p, c in db.execute("SELECT path, chunks FROM documents WHERE state='ready'")}
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    total, n = 0, 0
    while total < size:
        pattern = NAME_PATTERNS[n % len(NAME_PATTERNS)]
        for name, count in sorted(chunks.items()):
            if total >= size:
                break
            link = target / pattern.format(stem=Path(name).stem, n=n)
            if (source / name).is_file() and not link.exists():
                os.symlink((source / name).resolve(), link)
                total += count
        n += 1
    return total


def peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM, which starts afresh at exec (ru_maxrss carries the
    parent's peak across fork and exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    """One step, in its own process: 'index' or 'search'."""
    from ragbox.config import load_settings
    from ragbox.engine import Engine
    from ragbox.search.evaluation import percentile

    flags = {"store.dir": str(args.store), "store.index": f"scale-{args.size}",
             "retrieval.exact_up_to": args.exact_up_to}
    engine = Engine(load_settings(None, environ={}, flags=flags))
    out: dict = {}
    if args.child == "index":
        engine.use_embedder(SeededEmbedder(engine.embedder, args.store / "seed"))
        rss_seed = peak_rss_mb()
        started = time.perf_counter()
        summary = engine.index([args.folder])
        out["index_s"] = time.perf_counter() - started
        out["chunks"] = engine.catalog.ready_chunk_count()
        out["embedded"] = engine.embedder.computed
        out["rss_index_mb"] = peak_rss_mb()
        out["rss_seed_mb"] = rss_seed  # before indexing: interpreter, model, the seed's text map
        engine.close()
        engine = Engine(load_settings(None, environ={}, flags=flags))
        started = time.perf_counter()
        again = engine.index([args.folder])
        out["noop_s"] = time.perf_counter() - started
        assert not again.indexed and summary.indexed
        out["store_mb"] = sum(p.stat().st_size for p in engine.index_dir.rglob("*") if p.is_file()) / 2**20
    else:
        queries = [json.loads(line)["query"] for line in args.queries.open()][: args.n]
        engine.search("warm up", k=1)
        latencies = []
        for query in queries:
            started = time.perf_counter()
            engine.search(query, k=10)
            latencies.append((time.perf_counter() - started) * 1000)
        out.update(p50=statistics.median(latencies), p95=percentile(latencies, 0.95),
                   rss_search_mb=peak_rss_mb())
    print(json.dumps(out))


def step(args, kind: str, size: int, folder: Path, exact_up_to: int) -> dict:
    command = [sys.executable, __file__, str(args.folder), str(args.queries), "--seed", str(args.seed),
               "--seed-index", args.seed_index, "--store", str(args.store), "--child", kind, "--size", str(size),
               "--step-folder", str(folder), "--exact-up-to", str(exact_up_to), "--queries", str(args.n)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--seed", type=Path, required=True)
    parser.add_argument("--seed-index", required=True)
    parser.add_argument("--store", type=Path, default=Path("/tmp/ragbox-bench-scale"))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", dest="n", type=int, default=200)
    parser.add_argument("--child", choices=["index", "search"])
    parser.add_argument("--size", type=int)
    parser.add_argument("--step-folder", type=Path)
    parser.add_argument("--exact-up-to", type=int, default=50000)
    args = parser.parse_args()
    if args.child:
        args.folder = args.step_folder
        return child(args)

    write_seed(args.seed, args.seed_index, args.store / "seed")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = args.store / f"docs-{size}"
        build_folder(args.folder, args.seed, args.seed_index, size, folder)
        shutil.rmtree(args.store / "indexes" / f"scale-{size}", ignore_errors=True)
        row = {"size": size, **step(args, "index", size, folder, 50000)}
        row["exact"] = step(args, "search", size, folder, 10**9)
        row["chroma"] = step(args, "search", size, folder, 0)
        print(json.dumps(row), flush=True)
        rows.append(row)

    print("\n| passages | index s | peak RSS indexing MB | store MB (KB/passage) | no-op re-index s "
          "| search p50/p95 ms, exact | RSS MB | search p50/p95 ms, Chroma HNSW | RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        e, c = r["exact"], r["chroma"]
        print(f"| {r['chunks']:,} | {r['index_s']:.0f} | {r['rss_index_mb']:.0f} (before the run "
              f"{r['rss_seed_mb']:.0f}) | {r['store_mb']:.0f} ({1024 * r['store_mb'] / r['chunks']:.1f}) | "
              f"{r['noop_s']:.2f} | {e['p50']:.0f} / {e['p95']:.0f} | {e['rss_search_mb']:.0f} | "
              f"{c['p50']:.0f} / {c['p95']:.0f} | {c['rss_search_mb']:.0f} |")


if __name__ == "__main__":
    main()
