"""The vector store of an encrypted index: the vectors the (encrypted) catalog keeps, no other file.

Chroma writes its HNSW graph and vectors in plaintext files, and a vector reveals something of
its passage; so an encrypted index has no Chroma folder at all. Its passages' vectors are stored
with their texts by ``Catalog.finish_document`` (inside SQLCipher), and it is searched exactly,
by one matrix product over them whatever its size (``store.exact.VectorReader``). The indexer's
writes to a vector store are then nothing to do: this class gives it the same interface.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ragbox.store.catalog import Catalog
from ragbox.store.exact import catalog_vectors

EVERY_INDEX = 1 << 62  # ``exact_up_to`` of a store whose vectors are all in the catalog


class CatalogVectorStore:
    def __init__(self, catalog: Callable[[], Catalog]) -> None:
        """``catalog`` gives the catalog, opened (and so unlocked) on first need: asking this
        store what it is (``telemetry_setting``, for `ragbox doctor`) needs no passphrase."""
        self._catalog = catalog
        self._reader = None
        self.where = "the encrypted catalog"

    @property
    def catalog(self) -> Catalog:
        return self._catalog()

    def upsert(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], doc_ids: Sequence[str]) -> None:
        """Nothing to write: the catalog stores a passage's vector in the same transaction as its text."""

    def delete_docs(self, doc_ids: Sequence[str]) -> None:
        """Nothing to delete: a document's vectors go with its rows in the catalog."""

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Nothing to delete (as ``delete_docs``)."""

    def drop_all(self) -> None:
        """Nothing to drop: ``Catalog.clear`` removes the passages with their vectors."""

    def vectors_of(self, ids: Sequence[str]) -> dict[str, list[float]]:
        return catalog_vectors(self.catalog, ids)

    def all_ids(self) -> list[str]:
        return [row[0] for row in self.catalog.db.execute(
            "SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
            "WHERE d.state = 'ready' AND c.vector IS NOT NULL")]

    def count(self) -> int:
        return len(self.all_ids())

    def files_stamp(self) -> str:
        """Constant: there are no files but the catalog, whose generation the indexer stamps too."""
        return "catalog"

    def query(self, vector: Sequence[float], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        from ragbox.store.exact import VectorReader

        if self._reader is None:  # the matrix in memory only: a file of it would be plaintext
            self._reader = VectorReader(self.catalog, lambda: self, EVERY_INDEX, in_file=False)
        return self._reader.query(vector, k, doc_ids)

    def telemetry_setting(self) -> bool:
        return False  # no Chroma client, so no telemetry to send

    def close(self) -> None:
        """Nothing open of its own (the catalog closes its connections)."""
