"""ragbox: private document Q&A over your own files, fully offline.

The stages, one package each: ``ingest`` (files to passages), ``store`` (catalog and vectors),
``search`` (ranked passages), ``answer`` (a cited answer), ``llm`` (the model runtime), ``table``
(review tables), ``conversation`` (follow-ups and transcripts); the interfaces ``cli``, ``tui``,
``mcp`` and ``serving``; ``engine``, the composition root, and ``question_service`` (questions, on
the parts the engine hands in). Shared by all: ``types``, ``document_cards`` and ``unsure_reasons``
(plain data), ``errors``, ``config`` (settings), ``text`` (words, stems, sentences, document nouns),
``paths``, ``bundled`` (the models that ship as packages), ``offline``, ``privacy``, ``sealing`` and
``encryption`` (nothing leaves, nothing is readable by others, sealed children, authenticated
encryption), ``coverage`` (page coverage states), ``cpu`` (free cores), ``stats``, ``doctor``
(``ragbox doctor``'s checks); ``__main__`` runs the CLI.
"""

__version__ = "0.1.0"
