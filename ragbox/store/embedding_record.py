"""What an index records about the vectors it holds: the model, their precision, the backend.

An index never mixes models or precisions: a query must be embedded like the passages were. An
index from before the precision was recorded holds sentence-transformers' fp32 vectors.
"""

from __future__ import annotations

from ragbox.errors import StoreError
from ragbox.store.catalog import Catalog
from ragbox.store.embeddings import configured_precision


def stored_precision(catalog: Catalog | None) -> str | None:
    """The precision of the index's vectors; None for an index that holds none yet."""
    if catalog is None:
        return None
    stored = catalog.get_meta("embedding_vectors")
    return stored or ("fp32" if catalog.get_meta("embedding_model") else None)


def check(catalog: Catalog, embedder, index_name: str, backend: str, claim: bool) -> None:
    """Refuse an embedder whose vectors would not match the index's; ``claim`` (an index run)
    records the model, precision and backend of an index that has none yet."""
    built_with = catalog.get_meta("embedding_model")
    stored = stored_precision(catalog)  # read before a first claim makes it "fp32"
    current = embedder.model_id
    if built_with is None and claim:
        catalog.set_meta("embedding_model", current)
    elif built_with is not None and built_with != current:
        raise StoreError(f"Index '{index_name}' was built with embedding model {built_with}",
                         f"the configured model is {current}; run `ragbox index --rebuild` to re-index with it")
    if not claim:
        return
    if stored and backend != "auto" and configured_precision(backend) != stored:
        raise StoreError(f"Index '{index_name}' holds {stored} vectors",
                         f"embedding.backend = {backend} computes {configured_precision(backend)} ones; "
                         "run `ragbox index --rebuild` to re-index with it")
    catalog.set_meta("embedding_vectors", getattr(embedder, "precision", "fp32"))
    catalog.set_meta("embedding_backend", getattr(embedder, "backend", "custom"))
