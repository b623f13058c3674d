"""The first search stage: vector and keyword rankings fused, filters applied inside both."""

from __future__ import annotations

from typing import Protocol, Sequence

from ragbox.config import RetrievalSettings
from ragbox.search.focus import DocumentFocus
from ragbox.search.naming import named_documents
from ragbox.search.query import contains_phrases, fts_phrase, fts_query, optional_terms, phrases, split_query, unquoted
from ragbox.search.scope import matching_ids
from ragbox.store.catalog import Catalog, DocumentRow
from ragbox.store.embeddings import Embedder
from ragbox.types import Hit, Where

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)
# Up to this many documents, a filtered vector search scores their cached vectors exactly: a
# filtered Chroma query costs 25-150 ms, loading a document's vectors once about 12 ms.
EXACT_DOCUMENTS = 8


class VectorSearch(Protocol):
    """The vector store, or the catalog's exact reader (``store.exact.VectorReader``)."""

    def query(self, vector: Sequence[float], k: int,
              doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]: ...

    def vectors_of(self, ids: Sequence[str]) -> dict[str, list[float]]: ...


class Reranker(Protocol):
    def rerank(self, query: str, ids: list[str], texts: dict[str, str]) -> list[str]: ...


class HybridRetriever:
    """Vector and BM25 rankings fused by weighted reciprocal rank; filters applied inside both queries.

    ``mode`` picks the rankings: "hybrid" (both), "vector" or "lexical" (one, for comparison).
    Hits come in ranked order; each hit's ``score`` is its cosine similarity to the query (or to
    the query's question part, when that is higher), so the "not found" threshold means the same
    thing whichever ranking found the passage. A ``reranker`` (a local cross-encoder), when given,
    reorders the fused candidates.
    """

    def __init__(self, catalog: Catalog, vectors: VectorSearch, embedder: Embedder,
                 mode: str = RetrievalSettings.mode, candidates: int = RetrievalSettings.candidates,
                 reranker: Reranker | None = None, focus: bool = RetrievalSettings.focus,
                 vector_weight: float = RetrievalSettings.vector_weight, names: bool = RetrievalSettings.names,
                 page_weight: float = RetrievalSettings.page_weight) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.embedder = embedder
        self.mode = mode
        self.candidates = candidates
        self.weights = (vector_weight, 1.0)  # of the (vector, lexical) rankings in the fusion
        self.reranker = reranker
        # A document's vectors as numpy arrays where the reader gives them so (the same numbers).
        vectors_of = getattr(vectors, "arrays_of", vectors.vectors_of)
        self.focus = DocumentFocus(catalog, vectors_of, page_weight) if focus and mode == "hybrid" else None
        self.names = names

    def query_vectors(self, query: str, parts: tuple[str, str] | None = None) -> list[list[float]]:
        """The embeddings a search of ``query`` uses: of the query, and of its question part when a
        context clause precedes it (the last is always the question's). ``parts``: ``split_query(query)``
        when the caller has it."""
        context, question = parts or split_query(query)
        if not context:
            return self.embedder.embed([query])
        # One text a call: together, the short question was padded to the whole query's length
        # (a third more work for the model, 20 ms of the slowest searches at 100k passages).
        return [*self.embedder.embed([query]), *self.embedder.embed([question])]

    def search(self, query: str, k: int, where: Where = None, vectors: Sequence[Sequence[float]] | None = None,
               parts: tuple[str, str] | None = None, documents: Sequence[DocumentRow] | None = None) -> list[Hit]:
        """``vectors``: ``query_vectors(query)`` computed once for a query searched many times (a
        review table asks each column's question of every document); ``parts``: ``split_query(query)``
        and ``documents``: the catalog's documents, when the caller has read them already."""
        context, question = parts or split_query(query)
        # A quoted phrase in the question must be in every passage; one in a context clause
        # ("Consider the NDA between "Acme" and ...;") names the document, so it is looked for in
        # the document, anywhere: the clause that answers rarely repeats the parties' names.
        required, named = phrases(question), phrases(context)
        doc_ids = self._documents_searched(query, named, self.catalog.documents() if documents is None else documents,
                                           where)
        depth = max(self.candidates, 2 * k)
        vectors = vectors if vectors is not None else self.query_vectors(query, (context, question))
        vector, question_vector = vectors[0], vectors[-1]
        dense = self._dense(vector, depth, doc_ids) if self.mode != "lexical" else []
        match = ""
        if self.mode != "vector":
            text = f"{unquoted(context)} {question}"
            # A word in most passages weighs nothing in BM25 yet makes FTS5 score most of the
            # index ("agreement" in a folder of contracts): leaving it out keeps the ranking.
            match = fts_query(text, named, skip=self.catalog.common_terms(optional_terms(text, named)))
        lexical = self.catalog.lexical_search(match, depth, doc_ids) if match else []
        rows = self.catalog.chunks_by_id(list({i for i, _ in dense} | {i for i, _ in lexical}))
        if required:  # a quoted phrase must appear in every hit, whichever ranking found it
            dense = [(i, s) for i, s in dense if i in rows and contains_phrases(rows[i].text, required)]
        fused: dict[str, float] = {}
        for ranking, weight in zip((dense, lexical), self.weights):
            for rank, (chunk_id, _) in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (RRF_K + rank + 1)
        if self.focus is not None:
            fused = self.focus.rescore(
                {i: s for i, s in fused.items() if i in rows}, question,
                question_vector if context else None,
                allowed=set(doc_ids) if doc_ids is not None else None,
                accept=(lambda row: contains_phrases(row.text, required)) if required else None)
        ranked = sorted(fused, key=lambda i: (-fused[i], i))
        # Passages the focus stage added were not fetched with the first-stage candidates.
        needed = ranked[:depth] if self.reranker is not None else ranked[:k]
        rows.update(self.catalog.chunks_by_id([i for i in needed if i not in rows]))
        if self.reranker is not None:
            top = [i for i in ranked[:depth] if i in rows]
            ranked = self.reranker.rerank(query, top, {i: rows[i].text for i in top})
        best = ranked[:k]
        similarity = dict(dense)
        missing = [i for i in best if i not in similarity or context]  # context: 2 vectors
        for chunk_id, stored in self.vectors.vectors_of(missing).items():
            similarity[chunk_id] = max(_dot(v, stored) for v in vectors)
        return _hits([(i, similarity.get(i, 0.0)) for i in best], rows)

    def _documents_searched(self, query: str, named: Sequence[str], documents: Sequence[DocumentRow],
                            where: Where) -> list[str] | None:
        """The ids of the documents a search of ``query`` looks in (None: all): those in scope,
        narrowed to the ones holding the phrases its context clause ``named``, or else to the ones
        its words name by file name."""
        doc_ids = matching_ids(documents, where)
        if named:
            with_names = self._documents_naming(named)
            if with_names is not None:
                doc_ids = sorted(with_names if doc_ids is None else with_names & set(doc_ids))
        elif self.names:  # "3M's FY2018 capex": the report whose file name says 3M and 2018
            allowed = None if doc_ids is None else set(doc_ids)
            by_file_name = named_documents(query, [(d.doc_id, d.path) for d in documents
                                                   if allowed is None or d.doc_id in allowed])
            if by_file_name:
                doc_ids = sorted(by_file_name)
        return doc_ids

    def _dense(self, vector: Sequence[float], depth: int, doc_ids: Sequence[str] | None) -> list[tuple[str, float]]:
        if self.focus is not None and doc_ids is not None and 0 < len(doc_ids) <= EXACT_DOCUMENTS:
            nearest = self.focus.nearest(vector, depth, doc_ids)  # vectors cached for the focus stage
            if nearest is not None:
                return nearest
        return self.vectors.query(vector, depth, doc_ids)

    def _documents_naming(self, names: Sequence[str]) -> set[str] | None:
        """The documents holding the most of ``names`` (all of them, where any document does).
        None when no document holds any: a misspelt name must not empty the results."""
        held: dict[str, int] = {}
        for name in names:
            for doc_id in self.catalog.documents_matching(fts_phrase(name)):
                held[doc_id] = held.get(doc_id, 0) + 1
        if not held:
            return None
        most = max(held.values())
        return {doc_id for doc_id, count in held.items() if count == most}


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


def _hits(ranked: Sequence[tuple[str, float]], rows: dict) -> list[Hit]:
    hits = []
    for chunk_id, score in ranked:
        row = rows.get(chunk_id)
        if row is None:  # a chunk of a version being replaced right now
            continue
        hits.append(Hit.from_row(row, score))
    return hits
