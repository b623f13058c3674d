"""Answer: from ranked passages to a cited answer (the model runtime is ``ragbox.llm``).

``questions`` (what kind of answer a question wants), ``facts`` and ``places`` (normal forms),
``extract`` (the evidence and the answer span), ``terms`` (a term's end from its start),
``sections`` (a note's section that answers a clinician's question), ``decision`` (found, unsure
or not found), ``sureness`` (sure, or which check fell short), ``furniture`` (page headers left out
of a quoted clause), ``checking`` (each written sentence against its source), ``answering`` (all of it),
``named`` (one answer per document a question names), ``grading`` (``eval --answers``),
``citations``, ``prompting`` (the grounded prompt), ``own`` (whether a sentence speaks of the document
itself: its law, its term, its date), ``clauses`` (the clauses a yes/no question asks about),
``parties`` (who the parties are, from the card), ``statement_rows``, ``figures``, ``figure_answers``
and ``metrics`` (a filing's figures from its statements' cells, and metrics computed from them),
``statement_pages`` (the passages a figure is read from, for search to show first), ``trends``
(yes/no questions on a figure's trend between two years), ``statement_parts`` (an item printed as a
heading over its parts, summed) and ``judgements`` (yes/no verdicts on a filing's figures by a
stated rule of thumb).
Follow-ups and the turns: ``ragbox.conversation``.
May import: ``ragbox.llm`` and the shared top-level modules (it is handed passages, not the store).
"""
