"""What encryption at rest costs: a plain and an encrypted index of the same folders, side by side.

    python bench/encryption.py [--contracts DIR] [--count 40] [--passages 10000] [--queries 50]
                               [--store DIR] [--small]

Two folders: the first --count contracts of DIR (default: the CUAD development contracts in
../shared/evaldata; sample_docs when DIR is missing), and a generated folder of about --passages
passages (one paragraph each, words drawn from a contract vocabulary). Each is indexed plain and
encrypted (``ragbox index --encrypt``), with the default embedder (int8 ONNX), and then searched
(k=10, hybrid with the focus stage, as users get it) with the first --queries queries. Every step
runs in its own process, so its peak RSS (VmHWM) is that step's alone; search times are taken
after one warm-up query (the model loaded, the vectors read), p50 and p95 of the rest.

--small is what CI runs (tests/test_bench_encryption.py): sample_docs and 300 passages, 10 queries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PASSPHRASE = "bench passphrase"
CONTRACTS = REPO.parent / "shared" / "evaldata" / "cuad" / "docs" / "txt"
TOPICS = ["governing law", "termination", "payment terms", "confidentiality", "liability cap", "insurance",
          "warranty", "audit rights", "non-compete", "assignment", "renewal term", "notices"]
WORDS = ("shall party agreement term notice days written consent obligation payment invoice delivery goods "
         "services breach remedy cure period damages indemnify claim law court state license territory "
         "exclusive fee quarter year records inspection insurer coverage amount cap limit").split()
SAMPLE_QUERIES = ["How many days' notice to terminate for convenience?", "governing law", "HbA1c result",
                  "Who are the parties to the NDA?", "confidentiality obligations", "payment terms invoice"]
PARAGRAPHS_PER_FILE = 50


def write_generated(folder: Path, passages: int) -> list[str]:
    """About ``passages`` paragraphs of contract words in files of 50; returns queries about them."""
    rng = random.Random(24)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(max(1, passages // PARAGRAPHS_PER_FILE)):
        paragraphs = []
        for n in range(PARAGRAPHS_PER_FILE):
            topic = TOPICS[(number + n) % len(TOPICS)]
            words = " ".join(rng.choice(WORDS) for _ in range(45))
            paragraphs.append(f"{n + 1}. {topic.title()}. Agreement {number} on {topic}: {words}.")
        (folder / f"agreement-{number:05d}.txt").write_text("\n\n".join(paragraphs))
    return [f"What does agreement {n} say about {TOPICS[n % len(TOPICS)]}?" for n in range(200)]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def engine_for(store: Path, index: str, encrypt: bool):
    from ragbox.config import load_settings
    from ragbox.engine import Engine

    flags = {"store.dir": str(store), "store.index": index, "index.encrypt": encrypt, "serve.use": False}
    return Engine(load_settings(None, environ={}, flags=flags))


def step(args) -> None:
    """One measured step in this process: ``index`` a folder, or ``search`` the queries."""
    os.environ["RAGBOX_PASSPHRASE"] = PASSPHRASE
    engine = engine_for(Path(args.store), args.index, args.encrypt)
    if args.step == "index":
        started = time.perf_counter()
        summary = engine.index([Path(args.folder)])
        result = {"seconds": time.perf_counter() - started, "passages": summary.chunks}
    else:
        queries = json.loads(Path(args.folder).read_text())
        engine.search(queries[0], k=10)  # warm up: the model loaded, the vectors read
        times = []
        for query in queries[1:]:
            started = time.perf_counter()
            engine.search(query, k=10)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        result = {"p50": statistics.median(times), "p95": times[min(len(times) - 1, int(0.95 * len(times)))]}
    engine.close()
    print(json.dumps({**result, "rss": peak_rss_mb()}))


def measure(name: str, folder: Path, queries: list[str], store: Path, encrypt: bool) -> dict:
    """Index ``folder`` into the index ``name``-plain or -encrypted, then search it, each step in its own process."""
    index = f"{name}-{'encrypted' if encrypt else 'plain'}"
    query_file = store / f"{name}-queries.json"
    query_file.write_text(json.dumps(queries))
    results = {}
    for name, target in (("index", folder), ("search", query_file)):
        command = [sys.executable, __file__, "--step", name, "--store", str(store), "--index", index,
                   "--folder", str(target)] + (["--encrypt"] if encrypt else [])
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{index} {name} failed:\n{done.stderr[-3000:]}")
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    size = sum(p.stat().st_size for p in (store / "indexes" / index).rglob("*") if p.is_file())
    return {**results, "mb": size / 2**20}


def report(rows: list[tuple[str, str, dict]]) -> None:
    print("| folder | index | passages | index s | index peak RSS MB | search p50 ms | search p95 ms "
          "| search peak RSS MB | store MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, mode, r in rows:
        i, s = r["index"], r["search"]
        print(f"| {kind} | {mode} | {i['passages']:,} | {i['seconds']:.1f} | {i['rss']:.0f} | {s['p50']:.1f} "
              f"| {s['p95']:.1f} | {s['rss']:.0f} | {r['mb']:.1f} |")
    print()
    print("Encrypted / plain:")
    for kind in dict.fromkeys(k for k, _, _ in rows):
        plain, sealed = (r for k, _, r in rows if k == kind)
        print(f"  {kind}: index time x{sealed['index']['seconds'] / plain['index']['seconds']:.2f}, "
              f"search p95 x{sealed['search']['p95'] / plain['search']['p95']:.2f}, "
              f"search peak RSS x{sealed['search']['rss'] / plain['search']['rss']:.2f}, "
              f"store size x{sealed['mb'] / plain['mb']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=Path, default=CONTRACTS)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--passages", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--store", type=Path, default=Path("/tmp/ragbox-bench-encryption"))
    parser.add_argument("--small", action="store_true", help="sample_docs and 300 passages, 10 queries (CI)")
    parser.add_argument("--step", choices=("index", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--encrypt", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        return step(args)
    if args.small:
        args.contracts, args.passages, args.queries = REPO / "sample_docs", 300, 10
    import shutil

    shutil.rmtree(args.store, ignore_errors=True)
    args.store.mkdir(parents=True)
    folders = []
    if args.contracts.is_dir() and args.contracts != REPO / "sample_docs":
        contracts = args.store / "contracts"
        contracts.mkdir()
        for path in sorted(args.contracts.glob("*.txt"))[:args.count]:
            shutil.copyfile(path, contracts / path.name)
        questions = [json.loads(line)["query"] for line in open(args.contracts.parent.parent / "queries.jsonl")]
        folders.append((f"{args.count} contracts", "contracts", contracts, questions[:args.queries]))
    else:
        folders.append(("sample_docs", "sample_docs", REPO / "sample_docs", (SAMPLE_QUERIES * 10)[:args.queries]))
    generated = args.store / "generated"
    queries = write_generated(generated, args.passages)
    folders.append((f"{args.passages:,} generated", "generated", generated, queries[:args.queries]))
    rows = []
    for label, name, folder, questions in folders:
        for encrypt in (False, True):
            rows.append((label, "encrypted" if encrypt else "plain", measure(name, folder, questions, args.store,
                                                                             encrypt)))
            print(f"measured {label} {rows[-1][1]}: {json.dumps(rows[-1][2])}", file=sys.stderr, flush=True)
    report(rows)


if __name__ == "__main__":
    main()
