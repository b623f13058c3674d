"""From a few thousand to 100k passages: index time, memory, store size, no-op re-index time and search latency.

    python bench/scale.py TXT_FOLDER QUERIES.jsonl [--seed STORE --seed-index NAME]
                          [--sizes 10000,100000 | --small] [--store DIR] [--queries 200]
                          [--reuse] [--compare OTHER_CHECKOUT] [--grow-from SIZE] [--warm-as-served]

Builds, for each size, an index of the files in TXT_FOLDER repeated under varied names
("copy 2 of X.txt", "X (rev 3).txt", ...) until it holds about that many passages: hard links
(real copies across file systems) inside the indexed folder, as ragbox skips a symbolic link
that leads out of it. Then it re-indexes it unchanged, and runs the first --queries queries
through search (k=10, hybrid with the focus stage, as users get it) with the exact search from
the catalog and with Chroma's HNSW index, in-process and (exact) through `ragbox serve`, and at
the largest size says where the search time goes, on average and for the slowest queries.
Each step runs in its own process, so every peak RSS is that step's alone. Repeated files hold
the same passages, so their vectors are taken from the seed index (an index of TXT_FOLDER built
earlier with --seed/--seed-index, else built here first) instead of being computed again: this
bench measures the store, not the embedding model (bench/ingest.py does that). The indexing RSS
includes the bench's own map from passage text to seed row (about 30 MB at 37k seed passages).

A million passages cannot be indexed here in reasonable time (even with the seed's vectors), so
with --grow-from SIZE the sizes above SIZE are made from the index of SIZE passages by copying
its documents inside its catalog (bench/grow.py: synthetic, what that measures and what not):
their search (exact; there is no Chroma collection), memory and store size are measured, not
their indexing.

--small is the run CI makes (tests/test_bench_scale.py): about 3,000 passages, 30 queries (with
--sizes 3000,6000 --grow-from 3000 it grows a second index too).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from grow import grow  # noqa: E402
from scale_report import NOOP_RUNS, PARTS, Clock, peak_rss_mb, print_tables, rss_file_mb, tail_parts  # noqa: E402
from served import ragbox_server  # noqa: E402

NAME_PATTERNS = ["{stem}{suffix}", "copy {n} of {stem}{suffix}", "{stem} (rev {n}){suffix}",
                 "archive-{n}_{stem}{suffix}", "{stem} - signed {n}{suffix}", "draft {n} {stem}{suffix}"]
SMALL = {"sizes": "3000", "queries": 30}  # --small: what CI runs


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
    """The seed index's passages and vectors as target.json (texts) and target.npy (matrix), from
    the vectors its catalog keeps."""
    import numpy as np

    if target.with_suffix(".npy").is_file():
        return target
    db = sqlite3.connect(store / "indexes" / index / "catalog.sqlite3")
    rows = db.execute("SELECT c.text, c.vector FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                      "WHERE d.state = 'ready' AND c.vector IS NOT NULL").fetchall()
    if not rows:
        raise SystemExit(f"the seed index {index} in {store} holds no vectors in its catalog")
    target.parent.mkdir(parents=True, exist_ok=True)
    np.save(target.with_suffix(".npy"), np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            .reshape(len(rows), -1))
    target.with_suffix(".json").write_text(json.dumps([r[0] for r in rows]))
    return target


def build_folder(source: Path, seed_store: Path, seed_index: str, size: int, target: Path) -> int:
    """The seed's files under varied names until about ``size`` passages (hard links inside the
    indexed folder, copies where the store is on another file system); returns the count."""
    db = sqlite3.connect(seed_store / "indexes" / seed_index / "catalog.sqlite3")
    chunks = {Path(p).name: c for p, c in db.execute("SELECT path, chunks FROM documents WHERE state='ready'")
              if c and (source / Path(p).name).is_file()}
    if not chunks:
        raise SystemExit(f"no file of the seed index {seed_index} is in {source}")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    total, n = 0, 0
    while total < size:
        pattern = NAME_PATTERNS[n % len(NAME_PATTERNS)]
        for name, count in sorted(chunks.items()):
            if total >= size:
                break
            copy = target / pattern.format(stem=Path(name).stem, suffix=Path(name).suffix, n=n)
            if not copy.exists():
                try:
                    os.link(source / name, copy)
                except OSError:  # another file system, or links not allowed
                    shutil.copyfile(source / name, copy)
                total += count
        n += 1
    return total


def child(args) -> None:
    """One step, in its own process: 'seed', 'index', 'noop' or 'search'."""
    if args.code:  # --compare: this search runs the ragbox package of another checkout
        sys.path.insert(0, str(args.code.resolve()))
    from ragbox.config import load_settings
    from ragbox.engine import Engine
    from ragbox.stats import percentile

    index = "seed" if args.child == "seed" else f"scale-{args.size}"
    flags = {"store.dir": str(args.store), "store.index": index, "retrieval.exact_up_to": args.exact_up_to}
    engine = Engine(load_settings(None, environ={}, flags=flags))
    import ragbox

    out: dict = {"ragbox": str(Path(ragbox.__file__).parent)}
    if args.child == "seed":
        summary = engine.index([args.folder])
        out["chunks"] = engine.catalog.ready_chunk_count()
    elif args.child == "index":
        engine.use_embedder(SeededEmbedder(engine.embedder, args.seed_file))
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
        assert summary.indexed, f"nothing indexed: {summary.describe()}"
        assert not again.indexed, f"the unchanged folder was indexed again: {again.describe()}"
        out["store_mb"] = sum(p.stat().st_size for p in engine.index_dir.rglob("*") if p.is_file()) / 2**20
    elif args.child == "noop":  # the unchanged folder re-indexed, in a process of its own
        started = time.perf_counter()
        again = engine.index([args.folder])
        out["noop_s"] = time.perf_counter() - started
        assert not again.indexed and not again.removed, f"the unchanged folder changed: {again.describe()}"
    elif args.child == "matrix":  # a grown index's vector matrix file, written by its first search
        engine.search("warm up", k=1)
        out["rss_matrix_mb"] = peak_rss_mb()
    elif args.child == "served":
        out.update(served_search(args, flags))
    else:
        queries = [json.loads(line)["query"] for line in args.queries.open()][: args.n]
        engine.search("warm up", k=1)
        if args.warm_as_served:  # what `ragbox serve` reads as it starts (ragbox/serving/server.py)
            started = time.perf_counter()
            engine.catalog.warm_keywords()
            out["warm_s"] = time.perf_counter() - started
        clock = Clock()
        if args.profile:
            clock.watch(engine)
        latencies, answers, each, cpu = [], [], [], []
        for query in queries:
            before = dict(clock.spent)
            started, cpu_started = time.perf_counter(), time.process_time()
            hits = engine.search(query, k=10)
            latencies.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)  # every thread's (the embedder's too)
            answers.append([h.chunk_id for h in hits])
            each.append({part: 1000 * (clock.spent[part] - before[part]) for part in PARTS})
        out.update(p50=statistics.median(latencies), p95=percentile(latencies, 0.95),
                   p99=percentile(latencies, 0.99), cpu=statistics.mean(cpu), cpu95=percentile(cpu, 0.95),
                   rss_search_mb=peak_rss_mb(), rss_file_mb=rss_file_mb(),
                   answers=answers)
        if args.profile:
            spent = {part: 1000 * s / len(queries) for part, s in clock.spent.items()}
            spent["other"] = max(0.0, statistics.mean(latencies) - sum(spent.values()))
            out["parts"] = spent
            out["tail parts"] = tail_parts(latencies, each, out["p95"])
    print(json.dumps(out))


def served_search(args, flags: dict) -> dict:
    """Search latency through `ragbox serve` (started here for the index, warmed by one search):
    each query a request over its socket, as the CLI makes it when a server runs."""
    from ragbox.config import load_settings
    from ragbox.serving.client import connect
    from ragbox.stats import percentile

    code = (args.code or Path(__file__).parent.parent).resolve()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(code),
           **{"RAGBOX_" + key.upper().replace(".", "__"): str(value) for key, value in flags.items()}}
    env.pop("RAGBOX_CONFIG", None)
    with ragbox_server(env, cwd=code):  # `python -m` imports the ragbox of its folder first
        remote = connect(load_settings(None, environ={}, flags=flags))
        if remote is None:
            raise SystemExit("ragbox serve did not answer")
        queries = [json.loads(line)["query"] for line in args.queries.open()][: args.n]
        remote.search("warm up", k=1)
        latencies = []
        for query in queries:
            started = time.perf_counter()
            remote.search(query, k=10)
            latencies.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(latencies), "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99)}


def step(args, kind: str, size: int, folder: Path, exact_up_to: int, code: Path | None = None,
         profile: bool = False) -> dict:
    command = [sys.executable, __file__, str(folder), str(args.queries), "--store", str(args.store),
               "--child", kind, "--size", str(size), "--exact-up-to", str(exact_up_to), "--queries", str(args.n),
               "--seed-file", str(args.seed_file)]
    command += ["--code", str(code)] if code else []
    command += ["--profile"] if profile else []
    command += ["--warm-as-served"] if args.warm_as_served else []
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("queries", type=Path, help="JSON lines, each with a 'query'")
    parser.add_argument("--seed", type=Path, help="the store holding the seed index (default: built here)")
    parser.add_argument("--seed-index", help="the seed index's name, with --seed")
    parser.add_argument("--store", type=Path, default=Path("/tmp/ragbox-bench-scale"))
    parser.add_argument("--sizes", help="passages, comma-separated (default 10000,100000; --small: 3000)")
    parser.add_argument("--queries", dest="n", type=int, default=200)
    parser.add_argument("--small", action="store_true",
                        help=f"a quick run: sizes {SMALL['sizes']}, {SMALL['queries']} queries (CI runs it)")
    parser.add_argument("--compare", type=Path, metavar="CODE",
                        help="also search with the ragbox package under CODE (another checkout): "
                             "its latencies, and whether its top-10 ids are the same")
    parser.add_argument("--reuse", action="store_true",
                        help="search the index an earlier run of this size built (its index figures repeated)")
    parser.add_argument("--grow-from", type=int, metavar="SIZE",
                        help="make the sizes above SIZE by copying the documents of the index of SIZE passages "
                             "(indexed by this run or an earlier one in --store) inside its catalog, not by "
                             "indexing: synthetic, see bench/grow.py; searched exactly (no Chroma)")
    parser.add_argument("--child", choices=["seed", "index", "noop", "matrix", "search", "served"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--exact-up-to", type=int, default=50000, help=argparse.SUPPRESS)
    parser.add_argument("--seed-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warm-as-served", action="store_true",
                        help="in-process searches start after what `ragbox serve` reads as it starts "
                             "(the keyword side's lengths, vocabulary and common words' scores)")
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.small:
        args.sizes, args.n = args.sizes or SMALL["sizes"], SMALL["queries"]
    args.sizes = args.sizes or "10000,100000"
    if bool(args.seed) != bool(args.seed_index):
        parser.error("--seed and --seed-index go together")

    args.store.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    indexed = [size for size in sizes if not grown(args, size)]
    args.seed_file = Path(os.devnull)  # a search, a no-op re-index or the seed's own build takes no vectors
    if not (args.reuse and all((args.store / f"scale-{size}.json").is_file() for size in indexed)):
        if args.seed is None:  # every passage of the folder embedded once, by the real model
            args.seed, args.seed_index = args.store, "seed"
            if not (args.store / "indexes" / "seed" / "catalog.sqlite3").is_file():
                seeded = step(args, "seed", 0, args.folder, 0)
                print(f"seed index: {seeded['chunks']:,} passages", flush=True)
        args.seed_file = write_seed(args.seed, args.seed_index, args.store / f"seed-{args.seed_index}")
    rows = []
    for size in sizes:
        row = measure(args, size, profile=size == max(sizes))
        print(json.dumps({k: ({n: x for n, x in v.items() if n != "answers"} if isinstance(v, dict) else v)
                          for k, v in row.items()}), flush=True)
        rows.append(row)
    print_tables(args, rows)


def grown(args, size: int) -> bool:
    """Whether the index of ``size`` is made by bench/grow.py (--grow-from), not indexed."""
    return args.grow_from is not None and size > args.grow_from


def measure(args, size: int, profile: bool) -> dict:
    """One size's row: its index built (or grown, or that of an earlier run with --reuse), the
    no-op re-indexes, the searches in-process (exact, and HNSW where Chroma holds the index) and
    through `ragbox serve`."""
    folder, built = args.store / f"docs-{size}", args.store / f"scale-{size}.json"
    if args.reuse and built.is_file():  # the index of an earlier run, and its figures
        row = json.loads(built.read_text())
    elif grown(args, size):
        started = time.perf_counter()
        indexes = args.store / "indexes"
        chunks = grow(indexes / f"scale-{args.grow_from}", indexes / f"scale-{size}", size)
        row = {"size": size, "chunks": chunks, "grown_s": time.perf_counter() - started,
               "matrix": step(args, "matrix", size, folder, 10**9)}
        row["store_mb"] = sum(p.stat().st_size for p in (args.store / "indexes" / f"scale-{size}").rglob("*")
                              if p.is_file()) / 2**20
        built.write_text(json.dumps(row))
    else:
        build_folder(args.folder, args.seed, args.seed_index, size, folder)
        shutil.rmtree(args.store / "indexes" / f"scale-{size}", ignore_errors=True)
        row = {"size": size, **step(args, "index", size, folder, 50000)}
        built.write_text(json.dumps(row))
    if not grown(args, size):  # a grown index has no folder of files to re-index
        if args.compare:  # the other checkout's runs first: a run of this one after them sees their writes
            row["noop before"] = [step(args, "noop", size, folder, 50000, args.compare)["noop_s"]
                                  for _ in range(NOOP_RUNS)]
        row["noop"] = [step(args, "noop", size, folder, 50000)["noop_s"] for _ in range(NOOP_RUNS)]
    paths = (("exact", 10**9),) if grown(args, size) else (("exact", 10**9), ("hnsw", 0))  # grown: no Chroma
    for name, exact_up_to in paths:
        row[name] = step(args, "search", size, folder, exact_up_to, profile=profile)
        if args.compare:
            before = row[f"{name} before"] = step(args, "search", size, folder, exact_up_to, args.compare,
                                                  profile=profile)
            before["same"] = sum(a == b for a, b in zip(before["answers"], row[name]["answers"]))
    row["served"] = step(args, "served", size, folder, 10**9)
    if args.compare:
        row["served before"] = step(args, "served", size, folder, 10**9, args.compare)
    return row

if __name__ == "__main__":
    main()
