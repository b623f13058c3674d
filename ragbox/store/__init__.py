"""Store: where an index lives and how text becomes vectors.

``catalog`` and ``schema`` (SQLite: documents, passages, the keyword index; the source of truth),
``keyword`` (the catalog's BM25 rankings and phrase look-ups), ``passage_stems`` (each passage's
stems, computed when indexed, for the focus stage), ``cards`` (the document cards kept in it),
``vectors`` (the Chroma adapter), ``exact`` (exact search over the catalog's vectors),
``embeddings`` (the ``Embedder`` seam, sentence-transformers), ``onnx_embeddings`` (ONNX Runtime)
and ``onnx_export`` (the one-time export), ``embedding_record`` (which model and precision an index
was built with), ``tokens`` (counting in the embedding model's tokens), ``write_lock`` (one writer
per index), ``file_identity`` (an unchanged file known by size, mtime and inode), ``coverage`` (the
per-page coverage ledger), ``term_scores`` (one word's BM25 scores in numpy), ``term_sums`` (a
query's sums of them), ``vector_file`` (the vectors as one memory-mapped matrix), ``team_server``
and ``team_cache`` (a team's index on a Chroma server, and a member's cache of it), ``keyfile``,
``os_keyring``, ``sealed_catalog`` and ``catalog_vectors`` (an encrypted index: its wrapped key, the
OS keyring as its key source, its SQLCipher catalog, its vectors kept in that catalog only).
The only modules importing
chromadb, torch and onnxruntime.
May import: the shared top-level modules only (types, errors, config, text, bundled).
"""
