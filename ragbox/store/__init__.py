"""Store: where an index lives and how text becomes vectors.

``catalog`` and ``schema`` (SQLite: documents, passages, the keyword index; the source of truth),
``keyword`` (the catalog's BM25 rankings and phrase look-ups),
``passage_stems`` (each passage's stems, computed when indexed, for the focus stage),
``cards`` (the document cards kept in it), ``vectors`` (the Chroma adapter), ``exact`` (exact
search over the catalog's vectors), ``embeddings`` (the ``Embedder`` seam, sentence-transformers),
``onnx_embeddings`` (ONNX Runtime) and ``onnx_export`` (the one-time export),
``embedding_record`` (which model and precision an index was built with), ``tokens`` (counting in
the embedding model's tokens), ``write_lock`` (one writer per index). The only modules importing
chromadb, torch and onnxruntime.
May import: the shared top-level modules only (types, errors, config, text, bundled).
"""
