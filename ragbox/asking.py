"""Questions and review tables, on the components an ``Engine`` builds.

``ask`` answers one question from the whole index (or a scope); ``table`` asks the same
questions of every document in scope, each cell from that document alone. Both go through
``answer``, so an answer and a table cell cannot drift apart: retrieval, the document the top
passage belongs to, the evidence, the not-found decision, then the answer taken from the evidence
or written by the model and checked (``answer.answering``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Sequence

from ragbox import bundled
from ragbox.answer.named import document_label, labelled, named_answer, unknown_name_answer
from ragbox.errors import StoreError
from ragbox.paths import split_part_path
from ragbox.search.resolver import CardIndex, Resolution
from ragbox.search.scope import glob_escape, in_scope
from ragbox.types import Answer, DocumentCard, Hit, Table, TableCell, Where

TokenCallback = Callable[[str], None]
OPENING_CHUNKS = 6  # passages of a document's opening searched for a name its card lacks


class Asking:
    def __init__(self, engine) -> None:
        """``engine``: what builds the retriever, catalog, embedder and LLM (``ragbox.engine``)."""
        self.engine = engine
        self._card_index: tuple[str, CardIndex] | None = None

    def ask(self, question: str, k: int | None = None, where: Where = None,
            on_token: TokenCallback | None = None, cancel: threading.Event | None = None,
            retrieval_query: str | None = None) -> Answer:
        """Find the documents the question names (``search.resolver``) and answer from them alone,
        one answer per document when it names several; else retrieve from the whole scope. Then
        find the evidence, decide whether it answers, answer (see ``answer.answering``).
        ``retrieval_query`` searches in place of the question (a follow-up made standalone, which
        carries the names of the document asked about before) while the answer is to the question
        as asked."""
        started = time.perf_counter()
        if self.engine.exists() and self.answer_style() == "generate":
            self.engine.llm.start()  # loads while retrieval runs
        resolution = self.resolve(retrieval_query or question, where) if self.engine.exists() else Resolution()
        if not resolution.documents:
            answer = self._ask_in(question, k, where, None if resolution.unknown else on_token, cancel,
                                  retrieval_query)
            if resolution.unknown:
                answer = unknown_name_answer(answer, resolution.unknown)
                if on_token:
                    on_token(answer.text)
        else:
            one = len(resolution.documents) == 1
            answers = [self._ask_in(question, k, glob_escape(split_part_path(d.path)[0]),
                                    labelled(on_token, document_label(d)) if one else None, cancel,
                                    retrieval_query, document_label(d)) for d in resolution.documents]
            answer = named_answer(question, resolution.documents, resolution.ambiguous, answers)
            if on_token and not one:
                on_token(answer.text)
        answer.timings["total_s"] = time.perf_counter() - started
        return answer

    def resolve(self, question: str, where: Where = None) -> Resolution:
        """The documents in scope that ``question`` names (see ``search.resolver``)."""
        from ragbox.search.query import fts_phrase

        catalog = self.engine.catalog
        cards = self._cards()
        if where:
            cards = CardIndex([c for c in cards.cards if in_scope(split_part_path(c.path)[0], where)])
        def files_holding(phrase: str) -> set[str]:  # in a document's opening, where it names its parties
            ids = catalog.documents_matching(fts_phrase(phrase), opening=OPENING_CHUNKS)
            return {d.path for d in catalog.documents() if d.doc_id in ids}

        return cards.resolve(question, lambda word: len(catalog.documents_matching(fts_phrase(word))), files_holding)

    def cards(self, where: Where = None) -> list[DocumentCard]:
        return sorted((c for c in self._cards().cards if in_scope(split_part_path(c.path)[0], where)),
                      key=lambda c: c.path)

    def _cards(self) -> CardIndex:
        """The index's cards, kept until the catalog changes (made in memory for documents that
        have none yet: see ``ingest.card_index.all_cards``)."""
        from ragbox.ingest.card_index import all_cards

        generation = self.engine.catalog.generation()
        if self._card_index is None or self._card_index[0] != generation:
            self._card_index = (generation, CardIndex(all_cards(self.engine.catalog)))
        return self._card_index[1]

    def _ask_in(self, question: str, k: int | None, where: Where, on_token: TokenCallback | None,
                cancel: threading.Event | None, retrieval_query: str | None, document: str = "") -> Answer:
        """The answer from the documents in ``where``; ``document`` names the one document they are."""
        started = time.perf_counter()
        k = k or self.engine.settings.retrieval.k
        hits = self.engine.search(retrieval_query or question, max(k, self.engine.settings.answer.passages), where)
        retrieval_s = time.perf_counter() - started
        answer = self.answer(question, hits, where, k, self.answer_style(),
                             self.engine.settings.answer.min_confidence, self._similarity, on_token, cancel,
                             document=document)
        answer.timings = {"retrieval_s": retrieval_s, **answer.timings}
        return answer

    def answer(self, question: str, hits: list[Hit], where: Where, k: int, style: str, min_confidence: float,
               similarity: Callable, on_token: TokenCallback | None = None, cancel: threading.Event | None = None,
               min_score: float | None = None, document: str = "") -> Answer:
        """The answer to ``question`` from its retrieved ``hits``: what ``ask`` and every cell of
        ``table`` run, so the two cannot drift apart. Hits below ``min_score`` (default
        ``retrieval.min_score``) are not relevant at all. ``document``: the one document ``where``
        holds, as the user named it (a "not found" then says it was not found *there*)."""
        from ragbox.answer.answering import Answerer, Question
        from ragbox.answer.extract import document_naming_words
        from ragbox.answer.questions import question_kind
        from ragbox.search.query import split_query

        cfg = self.engine.settings.answer
        min_score = self.engine.settings.retrieval.min_score if min_score is None else min_score
        relevant = [h for h in hits if h.score >= min_score]
        context, part = split_query(question)
        kind = question_kind(part)
        passages = self._document_of(relevant[0]) if relevant else []
        naming = document_naming_words([h.path for h in relevant[:1]]) + ([context] if context else [])
        searched = self._searched(where, relevant) | ({"document": document} if document else {})
        asked = Question(question, part, kind, relevant, passages, naming, searched)
        answerer = Answerer(style, k, self.engine.settings.llm.max_answer_tokens, min_confidence, cfg.passages,
                            cfg.sure_confidence)
        engine = self.engine
        return answerer.answer(asked, similarity, lambda: engine.generator, engine.llm_name(), on_token, cancel)

    def table(self, columns: Sequence[str], where: Where = None, generate: bool = False,
              on_progress: Callable[[int, int, TableCell], None] | None = None,
              cancel: threading.Event | None = None) -> Table:
        """Ask every column question of every document in scope, each answered from that document
        alone: retrieval scoped to it, then the same answering as ``ask``, extracted, or written by
        the model with ``generate`` (see ``answer.cells`` for the questions and the cell states).
        ``on_progress(done, total, cell)`` sees each cell; ``cancel`` ends the table at the last
        complete row."""
        from ragbox.answer.cells import column_question

        self.engine.require_index()
        self.engine.check_embedding_model()
        started = time.perf_counter()
        documents = [d.path for d in self.engine.catalog.documents() if in_scope(d.path, where)]
        if not documents:
            raise StoreError(f"No indexed file matches {where!r}", f"index '{self.engine.index_name}' has "
                             f"{len(self.engine.catalog.documents())} file(s); `ragbox status` lists its folders")
        if generate:
            self.engine.llm.start()  # loads while the first cells are read
        questions = [column_question(c) for c in columns]
        vectors = [self.engine.retriever.query_vectors(q) for q in questions]  # each question embedded once
        rows: list[list[TableCell]] = []
        for path in documents:
            def progress(cell: TableCell) -> None:
                if on_progress:
                    on_progress(len(rows) * len(questions) + cell.column + 1, len(documents) * len(questions), cell)

            row = self._row(path, questions, vectors, generate, progress, cancel)
            if row is None:
                break
            rows.append(row)
        searched = {"index": self.engine.index_name, "where": _where_shown(where), "files": len(documents)}
        return Table(list(columns), questions, documents[:len(rows)], rows, searched,
                     "generate" if generate else "extract", time.perf_counter() - started)

    def _row(self, path: str, questions: list[str], vectors: list, generate: bool,
                   progress: Callable[[TableCell], None], cancel: threading.Event | None) -> list[TableCell] | None:
        """One document's cells (None when cancelled before the last)."""
        from ragbox.answer.cells import cell_of

        cfg, k = self.engine.settings.table, self.engine.settings.retrieval.k
        scope, row, sentence_vectors = glob_escape(path), [], {}
        for column, (question, vector) in enumerate(zip(questions, vectors)):
            if cancel is not None and cancel.is_set():
                return None
            mark = time.perf_counter()
            hits = self.engine.retriever.search(question, max(k, self.engine.settings.answer.passages), scope, vector)
            # No cosine gate: the user chose the document, and a short question is far from every
            # passage by cosine ("What is the effective date?" scores 0.25 against the sentence that
            # states it); the decision, which weighs that cosine too, decides.
            similarity = self._similarity_to(vector[-1], sentence_vectors)
            answer = self.answer(question, hits, scope, k, "extract", cfg.min_confidence, similarity, min_score=-1.0)
            written = None
            if generate and answer.found:  # the model writes from the same passages; its check needs the evidence
                written = self.answer(question, hits, scope, k, "generate", cfg.min_confidence, similarity,
                                      min_score=-1.0)
            row.append(cell_of(answer, path, column, cfg.sure_confidence, mark, written))
            progress(row[-1])
        return row

    def answer_style(self) -> str:
        """``answer.style``; "auto" lets the model write only when it is not the bundled 270M, which
        cannot state facts reliably (README, "Answers")."""
        style = self.engine.settings.answer.style
        if style != "auto":
            return style
        bundled_model = not self.engine.settings.llm.base_url and self.engine.llm_name() == bundled.LLM_FILE
        return "extract" if bundled_model else "generate"

    def _document_of(self, hit: Hit) -> list[Hit]:
        """Every passage of ``hit``'s document (for a document inside a file, that one: the
        attachment, not the whole e-mail), in reading order: a question that expects a fact is
        answered from anywhere in the document it is about."""
        rows = self.engine.catalog.chunks_of(hit.chunk_id.rsplit(":", 1)[0])
        return [Hit(r.chunk_id, r.path, r.page, r.char_start, r.char_end, r.text, 0.0, r.section, r.ocr,
                    r.context)
                for r in rows if r.path == hit.path]

    def _similarity(self, question: str, sentences: list[str]) -> list[float]:
        vectors = self.engine.embedder.embed([question] + sentences)
        return [sum(a * b for a, b in zip(vectors[0], v)) for v in vectors[1:]]

    def _similarity_to(self, question_vector: Sequence[float], seen: dict[str, list[float]]
                       ) -> Callable[[str, list[str]], list[float]]:
        """``_similarity`` for a question whose embedding is already known; the sentences'
        embeddings are kept in ``seen`` (the columns of a table compare many of the same sentences
        of a document, and embedding them is most of a cell's time)."""
        def similarity(question: str, sentences: list[str]) -> list[float]:
            new = [s for s in dict.fromkeys(sentences) if s not in seen]
            seen.update(zip(new, self.engine.embedder.embed(new)))
            return [sum(a * b for a, b in zip(question_vector, seen[s])) for s in sentences]

        return similarity

    def _searched(self, where: Where, hits: Sequence[Hit]) -> dict:
        documents = self.engine.catalog.documents()
        focused = list(dict.fromkeys(Path(h.path).name for h in hits[:3]))
        return {"index": self.engine.index_name, "where": _where_shown(where),
                "files": sum(1 for d in documents if in_scope(d.path, where)), "documents": focused,
                "passages": len(hits)}


def _where_shown(where: Where) -> str | list[str] | None:
    return where if isinstance(where, str) else list(where or []) or None
