"""Second retrieval stage: ranking passages inside the documents a query is about.

A question often names its document ("Consider the supply agreement between Acme and Bolt; is
there a cap on liability?"). Across the whole index those names dominate both rankings: every
passage of the named document repeats the parties, so passages that merely mention them outrank
the clause that answers. Inside that one document the names carry no information. So for each
document holding a large share of the first-stage ranking, this stage ranks *all* its passages by

- BM25 with term statistics taken over the document's own passages (a word in most of them, such
  as a party's name, weighs next to nothing), and
- cosine similarity to the question part of the query (its last clause, when an earlier clause
  sets the context),

and adds that ranking to the first-stage scores in proportion to the document's share. A question
with no context clause ("Which law governs the NDA?") gets the BM25 pass alone, and only for a
document that holds half the ranking: measured on COVID-QA, more than that costs recall.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ragbox.search.filings import fiscal_years, synonyms
from ragbox.search.query import question_terms
from ragbox.store.catalog import Catalog, ChunkRow
from ragbox.store.passage_stems import stored_stems
from ragbox.text import PASSAGE_STOPWORDS, passage_stems
from ragbox.types import split_chunk_id

FOCUS_RRF_K = 10  # steeper than the first stage's 60: inside one document the top few matter
# The share of the first-stage ranking a document needs for a focus pass: low when a context
# clause names documents, high when the question alone must show which document it is about.
MIN_SHARE_NAMED = 0.2
MIN_SHARE_UNNAMED = 0.5
MAX_DOCUMENTS = 3
_COLUMN_HEADERS = " | "  # how a table's header cells are joined in a passage's context (ingest.page_tables)
_CACHE_DOCUMENTS = 32


class _Bm25:
    """BM25 over a fixed set of bags of stems (a document's passages, or its pages)."""

    def __init__(self, counts: list[Counter]) -> None:
        self.counts = counts
        self.lengths = [sum(c.values()) for c in counts]
        self.doc_freq = Counter(t for c in counts for t in c)
        self.mean_length = max(1.0, sum(self.lengths) / max(1, len(self.lengths)))

    def scores(self, query_terms: Sequence[str], k1: float = 1.2, b: float = 0.75) -> list[float]:
        n = len(self.counts)
        idf = {t: math.log(1 + (n - self.doc_freq[t] + 0.5) / (self.doc_freq[t] + 0.5))
               for t in set(query_terms) if self.doc_freq[t]}
        scores = []
        for counts, length in zip(self.counts, self.lengths):
            norm = k1 * (1 - b + b * length / self.mean_length)
            scores.append(sum(w * counts[t] * (k1 + 1) / (counts[t] + norm)
                              for t, w in idf.items() if counts[t]))
        return scores


@dataclass
class _Document:
    rows: list[ChunkRow]
    vectors: Any  # a numpy array: one normalized row per passage
    passages: _Bm25
    pages: _Bm25 | None  # a PDF's pages, each the bag of its passages' stems; None for a text file
    page_rows: list[list[int]]  # per page of ``pages``, the indexes of its passages in ``rows``


class DocumentFocus:
    """Re-ranks passages inside the documents that dominate a first-stage ranking."""

    def __init__(self, catalog: Catalog, vectors_of: Callable[[list[str]], dict[str, list[float]]],
                 page_weight: float = 0.0) -> None:
        self.catalog = catalog
        self.vectors_of = vectors_of
        self.page_weight = page_weight
        self._cache: OrderedDict[tuple[str, ...], _Document] = OrderedDict()
        self._lock = threading.Lock()  # the app searches from worker threads

    def rescore(self, fused: dict[str, float], question: str, question_vector: Sequence[float] | None,
                allowed: set[str] | None = None,
                accept: Callable[[ChunkRow], bool] | None = None) -> dict[str, float]:
        """``fused`` (chunk id -> first-stage score) with every focused document's passages added.

        ``question_vector`` is the embedding of the question part, or None when the query has no
        context clause: then only a dominant document is focused, by in-document BM25 alone (its
        embedding ranking would repeat the first stage's). ``allowed`` limits which documents may
        be focused (the search's filter); ``accept``, which of their passages may be added (those
        holding the query's quoted phrases)."""
        import numpy as np

        by_doc: Counter = Counter()
        for chunk_id, score in fused.items():
            by_doc[split_chunk_id(chunk_id)[0]] += score
        total = sum(by_doc.values())
        if not total:
            return fused
        scores = dict(fused)
        # "capex" is found inside a report as "Purchases of property, plant and equipment".
        query_terms = question_terms(" ".join([question, *synonyms(question), *fiscal_years(question)]),
                                     PASSAGE_STOPWORDS)
        min_share = MIN_SHARE_UNNAMED if question_vector is None else MIN_SHARE_NAMED
        for doc_id, doc_score in by_doc.most_common(MAX_DOCUMENTS):
            share = doc_score / total
            if share < min_share or (allowed is not None and doc_id not in allowed):
                continue
            doc = self._document(doc_id)
            if doc is None:
                continue
            rankings = []
            if question_vector is not None:
                vector = np.asarray(question_vector, dtype=np.float32)
                rankings.append(np.argsort(-(doc.vectors @ vector), kind="stable"))
            if query_terms:
                lexical = doc.passages.scores(query_terms)
                if any(lexical):
                    rankings.append(sorted(range(len(lexical)), key=lambda i: -lexical[i]))
            for ranking in rankings:
                for rank, i in enumerate(ranking):
                    row = doc.rows[int(i)]
                    if accept is None or accept(row):
                        scores[row.chunk_id] = scores.get(row.chunk_id, 0.0) + share / (FOCUS_RRF_K + rank + 1)
            if doc.pages is not None and self.page_weight and query_terms:
                self._add_pages(doc, query_terms, share, scores, accept)
        return scores

    def _add_pages(self, doc: _Document, query_terms: Sequence[str], share: float, scores: dict[str, float],
                   accept: Callable[[ChunkRow], bool] | None) -> None:
        """Pages as well as passages: the document's pages ranked by BM25 over each page's words
        (its passages' text and context together, page length normalised), fused as one more
        ranking through each page's best passage. Only a page with a table (a passage whose
        context carries column headers) that holds more of the question's words than any one of
        its passages is ranked: a statement's page, whose title, headers and rows each hold a few
        of them, then ranks high although no single small passage of it holds many. On a page of
        prose the passages say what the page says; ranking it would only push the second-best
        passage of the best page below the best passages of lesser pages."""
        wanted = set(query_terms)
        page_scores = doc.pages.scores(query_terms)

        def covered(counts: Counter) -> int:
            return sum(1 for term in wanted if counts[term])

        joint = [p for p, score in enumerate(page_scores)
                 if score > 0 and any(_COLUMN_HEADERS in doc.rows[i].context for i in doc.page_rows[p])
                 and covered(doc.pages.counts[p]) > max(covered(doc.passages.counts[i]) for i in doc.page_rows[p])]
        for rank, page in enumerate(sorted(joint, key=lambda p: -page_scores[p])):
            candidates = [doc.rows[i] for i in doc.page_rows[page] if accept is None or accept(doc.rows[i])]
            if candidates:
                best = max(candidates, key=lambda row: (scores.get(row.chunk_id, 0.0), row.chunk_id))
                scores[best.chunk_id] = scores.get(best.chunk_id, 0.0) + (
                    self.page_weight * share / (FOCUS_RRF_K + rank + 1))

    def nearest(self, vector: Sequence[float], k: int, doc_ids: Sequence[str]) -> list[tuple[str, float]] | None:
        """The ``k`` passages of ``doc_ids`` most similar to ``vector`` (exact cosine), from the
        cached documents: for a query naming its document this replaces a filtered vector-store
        query, which costs several times more. None when a document has no stored passages."""
        import numpy as np

        query = np.asarray(vector, dtype=np.float32)
        scored: list[tuple[str, float]] = []
        for doc_id in doc_ids:
            doc = self._document(doc_id)
            if doc is None:
                return None
            scored.extend(zip((r.chunk_id for r in doc.rows), (doc.vectors @ query).tolist()))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[:k]

    def _document(self, doc_id: str) -> _Document | None:
        import numpy as np

        key = tuple(self.catalog.chunk_ids(doc_id))  # a re-indexed document has other chunk ids
        if not key:
            return None
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        rows = self.catalog.chunks_of(doc_id)
        stored = self.vectors_of(list(key))
        rows = [r for r in rows if r.chunk_id in stored]
        if not rows:
            return None
        kept = stored_stems(self.catalog, doc_id)  # computed when indexed (store.passage_stems)
        counts = [Counter(_stems_of(r, kept.get(r.chunk_id))) for r in rows]
        by_page: dict[tuple[str, int], list[int]] = {}  # by part (an attachment has its own pages) and page
        for i, row in enumerate(rows):
            if row.page is not None:
                by_page.setdefault((row.path, row.page), []).append(i)
        page_rows = [by_page[p] for p in sorted(by_page)]
        pages = _Bm25([sum((counts[i] for i in members), Counter()) for members in page_rows]) if by_page else None
        doc = _Document(rows, np.asarray([stored[r.chunk_id] for r in rows], dtype=np.float32), _Bm25(counts),
                        pages, page_rows)
        with self._lock:
            self._cache[key] = doc
            if len(self._cache) > _CACHE_DOCUMENTS:
                self._cache.popitem(last=False)
        return doc


def _stems_of(row: ChunkRow, kept: str | None) -> list[str]:
    """A passage's stems: those the catalog keeps, else computed now (the same stems)."""
    return (kept if kept is not None else passage_stems(row.section, row.context, row.text)).split()
