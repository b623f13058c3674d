"""Ingest: files → pages → chunks → vectors in the store, incrementally and crash-safely.

``discovery`` walks folders, ``loaders`` turn a file into pages (one module per format), ``ocr``
reads scanned pages (``ocr_models``: its int8 detection model, built once; ``ocr_parallel``: a
scan's pages over several children; ``ocr_inputs``: detection's input by table lookup),
``page_tables`` finds the tables and titles in a page's text, ``chunking`` cuts pages into passages
(``chunk_tokens``: a chunk's token ids taken from its page's), ``parsing`` reads and cuts in capped
child processes, ``read_ahead`` does it in a thread ahead of the embedder, ``write_behind`` stores a
batch while the next is embedded, ``indexer`` runs it all against the store (``summary``: its
progress and summary; ``crash_points``: where the crash tests kill it), ``cards`` and ``card_index``
make each document's card (title, kind, parties, dates; ``filing_cards`` a filing's company, form
and fiscal years, ``note_cards`` a clinical note's type), ``watching`` follows folders,
``sealed_ocr`` keeps an encrypted index's OCR cache sealed.
May import: ``ragbox.store`` and the shared top-level modules (types, errors, config, text).
"""
