"""Store: where an index lives and how text becomes vectors.

``catalog`` (SQLite: documents, passages, the keyword index; the source of truth), ``vectors``
(the Chroma adapter), ``embeddings`` (the sentence-transformers adapter) and ``tokens`` (counting
in the embedding model's tokens). The only modules importing chromadb and torch.
May import: the shared top-level modules only (types, errors, config, text, bundled).
"""
