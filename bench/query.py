"""Query latency of `search` (and optionally `ask`) on an existing index.

    python bench/query.py [--index NAME] [--store DIR] [--queries FILE.jsonl] [--n 50] [--ask 3]

Queries come from a JSONL file in the evaldata schema ({"query": ...}) or a built-in list.
Prints p50/p95 of search latency (model already loaded) and, with --ask, of full answers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402
from ragbox.stats import percentile  # noqa: E402

DEFAULT_QUERIES = [
    "What is the notice period for termination?", "Which law governs this agreement?",
    "What is the liability cap?", "When are invoices payable?", "How does the agreement renew?",
    "What medication was started?", "What was the blood pressure?", "confidentiality obligations survive",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index")
    parser.add_argument("--store")
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ask", type=int, default=0, help="also time N full answers")
    args = parser.parse_args()
    flags = {"store.index": args.index, "store.dir": args.store}
    engine = Engine(load_settings(None, flags=flags))
    if args.queries:
        queries = [json.loads(line)["query"] for line in args.queries.open() if line.strip()][: args.n]
    else:
        queries = (DEFAULT_QUERIES * (args.n // len(DEFAULT_QUERIES) + 1))[: args.n]
    engine.search("warm up", k=1)
    latencies = []
    for query in queries:
        started = time.perf_counter()
        engine.search(query, k=args.k)
        latencies.append((time.perf_counter() - started) * 1000)
    chunks = sum(d.chunks for d in engine.catalog.documents())
    print(f"index:        {engine.index_name} ({chunks} chunks)")
    print(f"search:       {len(latencies)} queries, k={args.k}")
    print(f"search p50:   {statistics.median(latencies):.1f} ms")
    print(f"search p95:   {percentile(latencies, 0.95):.1f} ms")
    if args.ask:
        timings = [engine.ask(q).timings for q in queries[: args.ask]]
        totals = [t.get("total_s", 0) for t in timings]
        first = [t.get("first_token_s", 0) for t in timings if "first_token_s" in t]
        print(f"ask p50:      {statistics.median(totals):.2f} s total, "
              f"first token {statistics.median(first or [0]):.2f} s")


if __name__ == "__main__":
    main()
