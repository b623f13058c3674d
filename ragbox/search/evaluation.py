"""Retrieval evaluation: run labelled queries through ``Engine.search`` and score the ranked hits.

Everything here except ``evaluate`` (which calls a search function) is pure, so the scoring rules
are unit-tested on hand-made hits. Queries use the evaldata JSONL schema (one object a line)::

    {"id": "q1", "query": "...", "gold": [{"file": "a.txt", "start": 10, "end": 42,
                                          "page": null, "text": "..."}]}

``gold`` lists acceptable evidence; an empty list marks a question the documents do not answer.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ragbox.errors import RagboxError
from ragbox.stats import percentile
from ragbox.text import within_budget, words
from ragbox.types import Hit

DEFAULT_KS = (1, 5, 10)
DEFAULT_BUDGET = 4000
MRR_AT = 10
MIN_DEPTH = 50  # hits retrieved per query at least; more when they do not fill the budget
MAX_DEPTH = 1000

Search = Callable[[str, int], Sequence[Hit]]


@dataclass(frozen=True)
class Gold:
    file: str  # base name of the document as indexed
    start: int | None = None
    end: int | None = None
    page: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class Query:
    id: str
    query: str
    gold: tuple[Gold, ...]
    answer: str | None = None  # the labelled short answer, when the set gives one
    category: str | None = None


@dataclass(frozen=True)
class QueryResult:
    id: str
    answerable: bool
    rank: int | None  # 1-based rank of the first hit matching any gold, among all retrieved
    doc_rank: int | None  # 1-based rank of the first hit from a gold file
    in_budget: bool  # a matching hit is among the hits inside the character budget
    budget_hits: int  # how many hits fit the budget
    latency_s: float


# --- reading queries -----------------------------------------------------------------------------
def load_queries(path: str | Path, limit: int | None = None) -> list[Query]:
    """Read a JSONL query file; the first ``limit`` queries when given. Errors name the line."""
    queries: list[Query] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RagboxError("Cannot read queries", str(exc), path) from exc
    for number, line in enumerate(lines, start=1):
        if limit is not None and len(queries) >= limit:
            break
        if line.strip():
            try:
                queries.append(parse_query(json.loads(line), number))
            except (ValueError, TypeError, KeyError) as exc:
                raise RagboxError("Bad query", f"line {number}: {exc}", path) from None
    return queries


def parse_query(obj: dict, line: int = 0) -> Query:
    if not isinstance(obj, dict) or not isinstance(obj.get("query"), str) or not obj["query"].strip():
        raise ValueError('expected an object with a non-empty "query" string')
    gold = obj.get("gold") or []
    if not isinstance(gold, list):
        raise ValueError('"gold" must be a list')
    answer, category = obj.get("answer"), obj.get("category")
    return Query(str(obj.get("id", f"line-{line}")), obj["query"], tuple(_parse_gold(g) for g in gold),
                 answer if isinstance(answer, str) and answer.strip() else None,
                 category if isinstance(category, str) else None)


def _parse_gold(g: dict) -> Gold:
    if not isinstance(g, dict) or not isinstance(g.get("file"), str) or not g["file"]:
        raise ValueError('every gold item needs a "file" name')
    start, end, page, text = g.get("start"), g.get("end"), g.get("page"), g.get("text")
    if (start is None) != (end is None):
        raise ValueError('gold "start" and "end" must be given together')
    for name, value in (("start", start), ("end", end), ("page", page)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError(f'gold "{name}" must be an integer or null')
    if text is not None and not isinstance(text, str):
        raise ValueError('gold "text" must be a string or null')
    return Gold(Path(g["file"]).name, start, end, page, text or None)


# --- matching one hit to one gold item -------------------------------------------------------------
def ngrams(tokens: Sequence[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def text_matches(gold_text: str, passage: str) -> bool:
    """The passage holds at least half of the gold text's distinct word 4-grams; for gold of 1-3
    words, all of them contiguously and in order. Words: lower-cased alphanumeric runs."""
    gold_words = words(gold_text)
    if not gold_words:
        return False
    found = words(passage)
    if len(gold_words) < 4:
        n = len(gold_words)
        return any(found[i:i + n] == gold_words for i in range(len(found) - n + 1))
    wanted = ngrams(gold_words)
    return 2 * len(wanted & ngrams(found)) >= len(wanted)


def hit_matches(hit: Hit, gold: Gold) -> bool:
    """Whether ``hit`` is evidence for ``gold``. The files must match (by base name); then the
    first rule that *applies* decides, later rules are not tried:

    1. both have character offsets (gold start/end set and the hit is from a text file, page
       None; PDF hit offsets index page text, not the file): the ranges overlap;
    2. both have pages: same page;
    3. gold has text: ``text_matches``;
    4. gold has only ``file``: any passage of the file is a hit.

    Gold with locators of which none applies to this hit (offsets only, PDF hit) never matches.
    """
    if Path(hit.path).name != gold.file:
        return False
    if gold.start is not None and gold.end is not None and hit.page is None:
        end = max(gold.end, gold.start + 1)  # an empty span still marks a position
        return hit.char_start < end and gold.start < hit.char_end
    if gold.page is not None and hit.page is not None:
        return hit.page == gold.page
    if gold.text:
        return text_matches(gold.text, hit.text)
    return gold.start is None and gold.page is None and gold.text is None


def first_rank(hits: Sequence[Hit], gold: Iterable[Gold]) -> int | None:
    """1-based rank of the first hit matching any gold item, or None."""
    gold = tuple(gold)
    for rank, hit in enumerate(hits, start=1):
        if any(hit_matches(hit, g) for g in gold):
            return rank
    return None


def first_doc_rank(hits: Sequence[Hit], gold: Iterable[Gold]) -> int | None:
    """1-based rank of the first hit from any gold file (document-level relevance), or None."""
    files = {g.file for g in gold}
    return next((r for r, h in enumerate(hits, start=1) if Path(h.path).name in files), None)


# --- one query, all queries ------------------------------------------------------------------------
def score_query(query: Query, hits: Sequence[Hit], budget: int, latency_s: float = 0.0) -> QueryResult:
    inside = within_budget(hits, budget)
    rank = first_rank(hits, query.gold) if query.gold else None
    return QueryResult(
        query.id, bool(query.gold), rank,
        first_doc_rank(hits, query.gold) if query.gold else None,
        rank is not None and rank <= len(inside), len(inside), latency_s)


def summarize(results: Sequence[QueryResult], ks: Sequence[int] = DEFAULT_KS,
              budget: int = DEFAULT_BUDGET) -> dict:
    """Aggregate metrics over the answerable queries; unanswerable ones are only counted.
    recall@k and doc recall@k: share with a match at rank <= k; MRR@10: mean of 1/rank, 0 when
    the first match is below rank 10; budget recall: share with a match inside ``within_budget``."""
    scored = [r for r in results if r.answerable]
    n = len(scored)

    def share(ok: Callable[[QueryResult], bool]) -> float | None:
        return round(sum(1 for r in scored if ok(r)) / n, 4) if n else None

    latencies = [r.latency_s * 1000 for r in results]
    return {
        "queries": len(results),
        "scored": n,
        "unanswerable_skipped": len(results) - n,
        "budget_chars": budget,
        "recall": {str(k): share(lambda r, k=k: r.rank is not None and r.rank <= k) for k in ks},
        f"mrr@{MRR_AT}": (round(sum(1 / r.rank for r in scored if r.rank and r.rank <= MRR_AT) / n, 4)
                          if n else None),
        "doc_recall": {str(k): share(lambda r, k=k: r.doc_rank is not None and r.doc_rank <= k) for k in ks},
        "budget_recall": share(lambda r: r.in_budget),
        "budget_hits_mean": round(sum(r.budget_hits for r in scored) / n, 2) if n else None,
        "latency_ms": {"p50": round(percentile(latencies, 0.5), 1), "p95": round(percentile(latencies, 0.95), 1)},
    }


def retrieve(search: Search, query: str, ks: Sequence[int], budget: int) -> list[Hit]:
    """Ranked hits for ``query``: at least max(ks), 10 and ``MIN_DEPTH``; asks again for more
    (up to ``MAX_DEPTH``) while a full answer still holds fewer than ``budget`` characters."""
    k = max(max(ks), MRR_AT, MIN_DEPTH)
    hits = list(search(query, k))
    while len(hits) >= k and sum(len(h.text) for h in hits) < budget and k < MAX_DEPTH:
        k = min(k * 4, MAX_DEPTH)
        hits = list(search(query, k))
    return hits


def evaluate(queries: Iterable[Query], search: Search, ks: Sequence[int] = DEFAULT_KS,
             budget: int = DEFAULT_BUDGET, on_hits: Callable[[Query, list[Hit]], None] | None = None,
             ) -> list[QueryResult]:
    """Score every query; latency is the wall time of ``retrieve`` (embedding plus vector search)."""
    results = []
    for query in queries:
        started = time.perf_counter()
        hits = retrieve(search, query.query, ks, budget)
        elapsed = time.perf_counter() - started
        if on_hits:
            on_hits(query, hits)
        results.append(score_query(query, hits, budget, elapsed))
    return results


def missing_gold_files(queries: Iterable[Query], indexed_names: set[str]) -> set[str]:
    """Gold file names that are not in the index: a sign of a wrong --index or folder."""
    return {g.file for q in queries for g in q.gold} - indexed_names


def measure(queries_file: str | Path, search: Search, indexed_names: set[str], ks: Sequence[int], budget: int,
            limit: int | None = None, on_hits: Callable | None = None) -> dict:
    """``ragbox eval``: the labelled queries in ``queries_file`` run through ``search`` and scored
    (``summarize``), with how many gold files are not among ``indexed_names``.
    ``on_hits(query_id, hits)`` sees every query's ranked hits."""
    queries = load_queries(queries_file, limit)
    missing = missing_gold_files(queries, indexed_names)
    callback = (lambda query, hits: on_hits(query.id, hits)) if on_hits else None
    results = evaluate(queries, search, ks, budget, on_hits=callback)
    return {**summarize(results, ks, budget), "gold_files_not_indexed": len(missing),
            "gold_files_not_indexed_example": sorted(missing)[0] if missing else None}
