"""Ingest: files → pages → chunks → vectors in the store, incrementally and crash-safely.

``discovery`` walks folders, ``loaders`` turn a file into pages (one module per format),
``chunking`` cuts pages into passages, ``indexer`` runs it all against the store.
May import: ``ragbox.store`` and the shared top-level modules (types, errors, config, text).
"""
