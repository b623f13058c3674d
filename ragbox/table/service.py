"""The review table: every column question asked of every document in scope, each cell from that
document alone, through the question service's own answering (``question_service``)."""

from __future__ import annotations

import threading
import time
from typing import Callable, Sequence

from ragbox.answer.answering import Question
from ragbox.errors import StoreError
from ragbox.question_service import QuestionService, Similarity, where_shown
from ragbox.search.query import split_query
from ragbox.search.scope import glob_escape, in_scope
from ragbox.store.catalog import DocumentRow
from ragbox.table.cells import cell_of, column_question
from ragbox.types import Answer, Table, TableCell, Where

Progress = Callable[[int, int, TableCell], None]


class TableService:
    def __init__(self, questions: QuestionService) -> None:
        """``questions``: the question service whose parts and answering a table's cells share."""
        self.questions = questions
        self.retriever, self.catalog, self.llm = questions.retriever, questions.catalog, questions.llm
        self.settings, self.index_name = questions.settings, questions.index_name

    def table(self, columns: Sequence[str], where: Where = None, generate: bool = False,
              on_progress: Progress | None = None, cancel: threading.Event | None = None) -> Table:
        """Ask every column question of every document in scope, each answered from that document
        alone: retrieval scoped to it, then the same answering as ``ask``, extracted, or written by
        the model with ``generate`` (see ``table.cells`` for the questions and the cell states).
        ``on_progress(done, total, cell)`` sees each cell; ``cancel`` ends the table at the last
        complete row."""
        started = time.perf_counter()
        every = self.catalog.documents()
        documents = [d.path for d in every if in_scope(d.path, where)]
        if not documents:
            raise StoreError(f"No indexed file matches {where!r}", f"index '{self.index_name}' has "
                             f"{len(every)} file(s); `ragbox status` lists its folders")
        if generate:
            self.llm.start()  # loads while the first cells are read
        questions = [column_question(c) for c in columns]
        parts = [split_query(q) for q in questions]  # each question parsed once
        vectors = [self.retriever.query_vectors(q, p) for q, p in zip(questions, parts)]  # and embedded once
        rows: list[list[TableCell]] = []
        for path in documents:
            def progress(cell: TableCell) -> None:
                if on_progress:
                    on_progress(len(rows) * len(questions) + cell.column + 1, len(documents) * len(questions), cell)

            row = self._row(path, list(zip(questions, parts, vectors)), every, generate, progress, cancel)
            if row is None:
                break
            rows.append(row)
        searched = {"index": self.index_name, "where": where_shown(where), "files": len(documents)}
        return Table(list(columns), questions, documents[:len(rows)], rows, searched,
                     "generate" if generate else "extract", time.perf_counter() - started)

    def _row(self, path: str, questions: list[tuple[str, tuple[str, str], list]], documents: Sequence[DocumentRow],
             generate: bool, progress: Callable[[TableCell], None],
             cancel: threading.Event | None) -> list[TableCell] | None:
        """One document's cells (None when cancelled before the last)."""
        cfg, k = self.settings.table, self.settings.retrieval.k
        scope, row, sentence_vectors = glob_escape(path), [], {}
        for column, (text, parts, vector) in enumerate(questions):
            if cancel is not None and cancel.is_set():
                return None
            mark = time.perf_counter()
            hits = self.retriever.search(text, max(k, self.settings.answer.passages), scope, vector, parts, documents)
            # No cosine gate: the user chose the document, and a short question is far from every
            # passage by cosine ("What is the effective date?" scores 0.25 against the sentence that
            # states it); the decision, which weighs that cosine too, decides.
            similarity = self.questions.similarity_to(vector[-1], sentence_vectors)
            question = self.questions.question(text, parts, hits, scope, documents)
            answer = self._answer(question, similarity, "extract")
            written = None
            if generate and answer.found:  # the model writes from the same passages; its check needs the evidence
                written = self._answer(question, similarity, "generate")
            row.append(cell_of(answer, path, column, cfg.sure_confidence, mark, written))
            progress(row[-1])
        return row


    def _answer(self, question: Question, similarity: Similarity, style: str) -> Answer:
        """A cell's answer: as ``ask`` answers, weighed by the table's own threshold."""
        return self.questions.answerer.answer(question, similarity, lambda: self.llm.generator, self.llm.name(),
                                              style=style, k=self.settings.retrieval.k,
                                              min_confidence=self.settings.table.min_confidence)
