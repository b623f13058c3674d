"""bench/scale.py's measures (peak and mapped RSS, where a search's time goes) and its tables."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path

NOOP_RUNS = 5  # no-op re-indexes timed in a row, each in a new process as `ragbox index` runs (the median is printed)


def rss_file_mb() -> float:
    """How much of this process's resident memory is pages of files mapped into it (the
    catalog's SQLite memory map, the model): counted in the RSS, yet the OS drops them first."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1]) / 1024
    return 0.0


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


PARTS = ["query embedding", "vector search", "keyword search", "focus / rescoring", "catalog reads", "other"]


class Clock:
    """Where a search's time goes: each wrapped call's own time (a wrapped call made inside
    another counts for its own part only), by part; "other" is the rest of the search."""

    def __init__(self) -> None:
        self.spent = {part: 0.0 for part in PARTS}
        self._nested: list[float] = []

    def wrap(self, owner, name: str, part: str) -> None:
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            self._nested.append(0.0)
            try:
                return inner(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.spent[part] += elapsed - self._nested.pop()
                if self._nested:
                    self._nested[-1] += elapsed

        setattr(owner, name, timed)

    def watch(self, engine) -> None:
        retriever = engine.retriever
        catalog, reader, focus = retriever.catalog, retriever.vectors, retriever.focus
        self.wrap(retriever.embedder, "embed", "query embedding")
        self.wrap(reader, "query", "vector search")
        for name in ("lexical_search", "common_terms", "documents_matching"):
            self.wrap(catalog, name, "keyword search")
        for name in ("documents", "chunks_by_id", "chunk_ids", "chunks_of", "generation", "ready_chunk_count"):
            self.wrap(catalog, name, "catalog reads")
        self.wrap(reader, "vectors_of", "catalog reads")
        if focus is not None:
            self.wrap(focus, "vectors_of", "catalog reads")
            self.wrap(focus, "rescore", "focus / rescoring")
            self.wrap(focus, "nearest", "focus / rescoring")


def tail_parts(latencies: list[float], each: list[dict], p95: float) -> dict:
    """Where the time of the slowest queries (p95 and above) goes: mean ms a query, by part."""
    slow = [(ms, parts) for ms, parts in zip(latencies, each) if ms >= p95]
    spent = {part: statistics.mean(parts[part] for _, parts in slow) for part in PARTS}
    spent["other"] = max(0.0, statistics.mean(ms for ms, _ in slow) - sum(spent.values()))
    return spent


def print_tables(args, rows: list[dict]) -> None:
    paths = [("exact", "exact"), ("hnsw", "HNSW")]
    if args.compare:
        paths = [(f"{key} before", f"{label}, {args.compare}") for key, label in paths] + paths
    queried = len(rows[-1]["exact"]["answers"])
    print(f"\n{queried} queries, k=10, hybrid search as users get it (the focus stage on), warm, in-process")
    print("\n| passages | index s | peak RSS indexing MB | store MB (KB/passage) | no-op re-index s "
          "| search | p50 / p95 / p99 ms | CPU ms a query, mean / p95 "
          "| peak RSS searching MB (of it mapped files at the end) | same top-10 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print_search_rows(r, paths)
    print("\nThrough `ragbox serve` (exact search; each query a request over its socket), p50 / p95 / p99 ms:")
    for r in rows:
        before = f"; {args.compare}: " + " / ".join(f"{r['served before'][p]:.0f}" for p in ("p50", "p95", "p99")) \
            if args.compare else ""
        print(f"- {r['chunks']:,} passages: " + " / ".join(f"{r['served'][p]:.0f}" for p in ("p50", "p95", "p99"))
              + before)
    print(f"\nNo-op re-index, median of {NOOP_RUNS} runs in a row, each in a new process (s):")
    for r in rows:
        if "noop" in r:
            before = f"; {args.compare}: {statistics.median(r['noop before']):.2f}" if args.compare else ""
            print(f"- {r['chunks']:,} passages: {statistics.median(r['noop']):.2f}{before}")
    largest = rows[-1]
    paths = [(key, label) for key, label in paths if key in largest]
    for title, parts in ((f"Where the search time goes at {largest['chunks']:,} passages (mean ms a query):", "parts"),
                         ("The same for the slowest queries (p95 and above; the first question about a contract):",
                          "tail parts")):
        print(f"\n{title}\n\n| part | " + " | ".join(label for _, label in paths) + " |")
        print("|---" * (len(paths) + 1) + "|")
        for part in PARTS:
            print(f"| {part} | " + " | ".join(f"{largest[key][parts][part]:.1f}" for key, _ in paths) + " |")


def print_search_rows(r: dict, paths: list[tuple[str, str]]) -> None:
    """One size's rows of the search table: one a search path (a grown index has no HNSW)."""
    if "grown_s" in r:  # bench/grow.py: no indexing measured
        first = (f"| {r['chunks']:,} | grown from a smaller index in {r['grown_s']:.0f} (synthetic) | writing the "
                 f"matrix {r['matrix']['rss_matrix_mb']:.0f} | {r['store_mb']:.0f} "
                 f"({1024 * r['store_mb'] / r['chunks']:.1f}) | |")
    else:
        first = (f"| {r['chunks']:,} | {r['index_s']:.0f} | {r['rss_index_mb']:.0f} (before the run "
                 f"{r['rss_seed_mb']:.0f}) | {r['store_mb']:.0f} ({1024 * r['store_mb'] / r['chunks']:.1f}) | "
                 f"{r['noop_s']:.2f} |")
    for key, label in paths:
        s = r.get(key)
        if s is None:
            continue
        same = f"{s['same']} of {len(s['answers'])}" if "same" in s else ""
        cpu = f"{s['cpu']:.0f} / {s['cpu95']:.0f}" if "cpu" in s else ""
        print(f"{first} {label} | {s['p50']:.0f} / {s['p95']:.0f} / {s['p99']:.0f} | {cpu} | "
              f"{s['rss_search_mb']:.0f} ({s.get('rss_file_mb', 0):.0f}) | {same} |")
        first = "| | | | | |"
