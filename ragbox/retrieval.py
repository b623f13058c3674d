"""Finding the passages that answer a question."""

from __future__ import annotations

import fnmatch
from typing import Protocol, Sequence

from ragbox.catalog import Catalog
from ragbox.documents import Hit
from ragbox.embeddings import Embedder
from ragbox.vectors import ChromaVectorStore


class Retriever(Protocol):
    def search(self, query: str, k: int, where: str | None = None) -> list[Hit]: ...


def matching_doc_ids(catalog: Catalog, pattern: str | None) -> list[str] | None:
    """Document ids whose path matches a glob (``Part_I/**``, ``*.md``), or None for no filter.

    A pattern matches the full path, any trailing part of it (so ``contracts/*.pdf`` works without
    the absolute prefix), or the file name.
    """
    if not pattern:
        return None
    pattern = pattern.strip()
    ids = []
    for doc in catalog.documents():
        if path_matches(doc.path, pattern):
            ids.append(doc.doc_id)
    return ids


def path_matches(path: str, pattern: str) -> bool:
    parts = path.split("/")
    candidates = ["/".join(parts[i:]) for i in range(len(parts))]
    glob = pattern.replace("**/", "*").replace("/**", "/*")
    return any(fnmatch.fnmatchcase(c, glob) for c in candidates)


class VectorRetriever:
    def __init__(self, catalog: Catalog, vectors: ChromaVectorStore, embedder: Embedder) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.embedder = embedder

    def search(self, query: str, k: int, where: str | None = None) -> list[Hit]:
        doc_ids = matching_doc_ids(self.catalog, where)
        vector = self.embedder.embed([query])[0]
        ranked = self.vectors.query(vector, k, doc_ids)
        return _hits(self.catalog, ranked)


def _hits(catalog: Catalog, ranked: Sequence[tuple[str, float]]) -> list[Hit]:
    rows = catalog.chunks_by_id([i for i, _ in ranked])
    hits = []
    for chunk_id, score in ranked:
        row = rows.get(chunk_id)
        if row is None:  # a chunk of a version being replaced right now
            continue
        hits.append(Hit(chunk_id, row.path, row.page, row.char_start, row.char_end, row.text, score, row.section))
    return hits
