"""The question service: questions, on the parts the engine builds and hands in.

``QuestionService.ask`` answers one question from the whole index (or a scope); a review table
(``table.service``) asks the same questions of every document in scope, each cell from that
document alone. Both go through ``question`` and ``answerer``, so an answer and a table cell cannot drift apart:
retrieval, the document the top passage belongs to, the evidence, the not-found decision, then the
answer taken from the evidence or written by the model and checked (``answer.answering``).
``DocumentNames`` finds the documents a question names (``search.resolver``), from the cards kept
in the catalog.

The question is parsed once (``search.query.split_query``), embedded once (its vector serves the
search and the candidates' similarity) and the document list is read once per question.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from ragbox import bundled
from ragbox.answer.answering import Answerer, Question
from ragbox.answer.extract import document_naming_words
from ragbox.answer.figure_answers import asks_figure
from ragbox.answer.named import (
    closest_elsewhere,
    document_label,
    labelled,
    named_answer,
    unknown_name_answer,
    unnamed_document_answer,
    unread_note,
)
from ragbox.answer.questions import asked_kind
from ragbox.answer.statement_pages import cells_first, cited_passages, may_ask_figure
from ragbox.config import Settings
from ragbox.document_cards import DocumentCard, ResolvedDocument
from ragbox.llm.llm_slot import LlmSlot
from ragbox.paths import split_part_path
from ragbox.search.naming import named_documents
from ragbox.search.query import fts_phrase, split_query
from ragbox.search.resolver import MAX_BY_TEXT, CardIndex, Resolution, written_as_name
from ragbox.search.retrieval import HybridRetriever
from ragbox.search.scope import glob_escape, in_scope
from ragbox.store.catalog import Catalog, DocumentRow
from ragbox.store.coverage import document_coverage
from ragbox.types import Answer, Hit, Where, split_chunk_id

TokenCallback = Callable[[str], None]
Similarity = Callable[[str, list[str]], list[float]]
OPENING_CHUNKS = 6  # passages of a document's opening searched for a name its card lacks


def answer_style(settings: Settings, llm_name: str) -> str:
    """``answer.style``; "auto" lets the model write only when it is not the bundled 270M, which
    cannot state facts reliably (README, "Answers")."""
    style = settings.answer.style
    if style != "auto":
        return style
    bundled_model = not settings.llm.base_url and llm_name == bundled.LLM_FILE
    return "extract" if bundled_model else "generate"


class DocumentNames:
    """The documents a question names, from the index's document cards (``search.resolver``)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._card_index: tuple[str, CardIndex] | None = None

    def resolve(self, question: str, where: Where = None) -> Resolution:
        """The documents in scope that ``question`` names (see ``search.resolver``)."""
        cards = CardIndex(self.cards(where)) if where else self._cards()
        return cards.resolve(question, lambda word: len(self.catalog.documents_matching(fts_phrase(word))),
                             self._files_holding)

    def _files_holding(self, phrase: str) -> set[str]:
        """The files whose opening (where a document names its parties) writes ``phrase`` as a
        name; else the one file that writes it as a name anywhere (a party named only in the
        notices and signatures: "Harvest Capital Strategies LLC, 600 Montgomery St.")."""
        match = fts_phrase(phrase)
        ids = self._naming(phrase, self.catalog.documents_matching(match, opening=OPENING_CHUNKS), OPENING_CHUNKS)
        if not ids:
            ids = self._naming(phrase, self.catalog.documents_matching(match))
            ids = ids if len(ids) == 1 else set()
        return {d.path for d in self.catalog.documents() if d.doc_id in ids}

    def _naming(self, phrase: str, ids: set[str], opening: int | None = None) -> set[str]:
        """Of ``ids``, the documents whose text (its opening) writes ``phrase`` as a name, not as
        everyday words ("the Tenant shall harvest the crops"). More than a name can name are
        returned unread: the resolver takes none of them."""
        if len(ids) > MAX_BY_TEXT:
            return ids
        return {i for i in ids if any(written_as_name(phrase, row.text) for row in self.catalog.chunks_of(i)[:opening])}

    def card_of(self, path: str) -> DocumentCard | None:
        """The card of the document at ``path`` (a part path names the part)."""
        return next((c for c in self._cards().cards if c.path == path), None)

    def cards(self, where: Where = None) -> list[DocumentCard]:
        return sorted((c for c in self._cards().cards if in_scope(split_part_path(c.path)[0], where)),
                      key=lambda c: c.path)

    def _cards(self) -> CardIndex:
        """The index's cards, kept until the catalog changes (made in memory for documents that
        have none yet: see ``ingest.card_index.all_cards``)."""
        from ragbox.ingest.card_index import all_cards

        generation = self.catalog.generation()
        if self._card_index is None or self._card_index[0] != generation:
            self._card_index = (generation, CardIndex(all_cards(self.catalog)))
        return self._card_index[1]


class QuestionService:
    def __init__(self, retriever: HybridRetriever, catalog: Catalog, embedder, llm: LlmSlot, settings: Settings,
                 index_name: str, names: DocumentNames) -> None:
        """The parts, built by the composition root (``ragbox.engine``): the index's retriever,
        catalog and embedder, the model slot, the settings and the index's name."""
        self.retriever = retriever
        self.catalog = catalog
        self.embedder = embedder
        self.llm = llm
        self.settings = settings
        self.index_name = index_name
        self.names = names
        cfg = settings.answer
        self.answerer = Answerer(cfg.style, settings.retrieval.k, settings.llm.max_answer_tokens, cfg.min_confidence,
                                 cfg.passages, cfg.sure_confidence)

    def style(self) -> str:
        return answer_style(self.settings, self.llm.name())

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
        if self.style() == "generate":
            self.llm.start()  # loads while retrieval runs
        parts = split_query(question)
        query = retrieval_query or question
        query_parts = split_query(query) if retrieval_query else parts
        asked = _Asked(question, parts, query, query_parts, self.retriever.query_vectors(query, query_parts),
                       k or self.settings.retrieval.k, self.catalog.documents())
        resolution = self.names.resolve(asked.query, where)
        if not resolution.documents:
            answer = self._ask_in(asked, where, None if resolution.unknown else on_token, cancel)
            if resolution.unknown:  # a name no document goes by: no value from another document
                answer = unknown_name_answer(answer, resolution.unknown)
                if on_token:
                    on_token(answer.text)
            answer = unnamed_document_answer(answer, asked.question)
        else:
            answer = self._named(asked, resolution, where, on_token, cancel)
        answer.timings["total_s"] = time.perf_counter() - started
        return answer

    def statement_rows_first(self, query: str, hits: list[Hit], k: int, where: Where = None) -> list[Hit]:
        """The search's ``hits`` for ``query``; when it asks a figure of the one filing it names, the
        passages of the statement rows the figure is read from first (``answer.statement_pages``)."""
        if not may_ask_figure(query):
            return hits
        card = self._filing_named(query, where)
        if card is None:
            return hits
        file = split_part_path(card.path)[0]
        doc_id = next((d.doc_id for d in self.catalog.documents() if d.path == file), None)
        document = [Hit.from_row(r) for r in self.catalog.chunks_of(doc_id) if r.path == card.path] if doc_id else []
        return cells_first(cited_passages(query, card.kind, document, hits), hits, k)

    def _filing_named(self, query: str, where: Where) -> DocumentCard | None:
        """The card of the one document ``query`` names, by its card or else by its file name alone
        ("3M capex 2022": ``3M_2022_10K.pdf``), as ``ask`` reads it; None when it names none or several."""
        resolution = self.names.resolve(query, where)
        if len(resolution.documents) == 1:
            return self.names.card_of(resolution.documents[0].path)
        if resolution.documents:
            return None
        documents = [d for d in self.catalog.documents() if in_scope(d.path, where)]
        by_file = named_documents(query, [(d.doc_id, d.path) for d in documents])
        path = next((d.path for d in documents if by_file and {d.doc_id} == by_file), None)
        return self.names.card_of(path) if path else None

    def _named(self, asked: _Asked, resolution: Resolution, where: Where, on_token: TokenCallback | None,
               cancel: threading.Event | None) -> Answer:
        """Each named document's answer from it alone. A "not found" in the one document named says
        after it where the folder's closest answer is, apart, never as the answer."""
        one = len(resolution.documents) == 1
        answers = [self._ask_in(replace(asked, named_by=tuple(words for words, _ in d.matched)),
                                glob_escape(split_part_path(d.path)[0]),
                                labelled(on_token, document_label(d)) if one else None, cancel,
                                document_label(d)) for d in resolution.documents]
        answer = named_answer(asked.question, resolution.documents, resolution.ambiguous, answers)
        if on_token and not one:
            on_token(answer.text)
        if one and not answer.found and not (cancel is not None and cancel.is_set()):
            line = closest_elsewhere(self._ask_in(self._unnamed(asked, resolution), where, None, cancel),
                                     resolution.documents[0])
            if line:
                answer.text, answer.elsewhere = f"{answer.text}\n{line}", line
                if on_token:
                    on_token(f"\n{line}")
        unread = self._unread_pages(resolution.documents)
        if unread and answer.text:  # a cancelled answer stays empty
            lines = "\n".join(note["line"] for note in unread)
            answer.text, answer.searched = f"{answer.text}\n{lines}", {**answer.searched, "not_read": unread}
            if on_token:
                on_token(f"\n{lines}")
        return answer

    def _unread_pages(self, documents: Sequence[ResolvedDocument]) -> list[dict]:
        """For each named document with pages that were not read: which, and the line saying so."""
        notes = []
        for document in documents:
            for coverage in document_coverage(self.catalog, [split_part_path(document.path)[0]]):
                if coverage.path == document.path and coverage.not_read():
                    notes.append(unread_note(coverage))
        return notes

    def _unnamed(self, asked: _Asked, resolution: Resolution) -> _Asked:
        """The question without the words that named its document, to search the whole folder."""
        query = asked.query
        for words, _ in resolution.documents[0].matched:
            query = re.sub(r"[\W_]+".join(map(re.escape, words.split())), " ", query, flags=re.IGNORECASE)
        parts = split_query(query)
        return replace(asked, query=query, query_parts=parts, vectors=self.retriever.query_vectors(query, parts))

    def _ask_in(self, asked: _Asked, where: Where, on_token: TokenCallback | None,
                cancel: threading.Event | None, document: str = "") -> Answer:
        """The answer from the documents in ``where``; ``document`` names the one document they are."""
        started = time.perf_counter()
        with self.catalog.snapshot():  # one version of the index, even while another process writes
            hits = self.retriever.search(asked.query, max(asked.k, self.settings.answer.passages), where,
                                         asked.vectors, asked.query_parts, asked.documents)
        retrieval_s = time.perf_counter() - started
        # the question's own vector, when the search was of the question as asked
        similarity = (self.similarity_to(asked.vectors[-1], {}) if asked.query == asked.question
                      else self._similarity)
        relevant = [h for h in hits if h.score >= self.settings.retrieval.min_score]
        question = self.question(asked.question, asked.parts, relevant, where, asked.documents, document, hits,
                                 asked.named_by)
        answer = self.answerer.answer(question, similarity, lambda: self.llm.generator, self.llm.name(), on_token,
                                      cancel, style=self.style(), k=asked.k)
        answer.timings = {"retrieval_s": retrieval_s, **answer.timings}
        return answer

    def question(self, text: str, parts: tuple[str, str], relevant: list[Hit], where: Where,
                  documents: Sequence[DocumentRow], document: str = "", searched_hits: Sequence[Hit] = (),
                  named_by: Sequence[str] = ()) -> Question:
        """``text`` with what was found for it, ready to be answered. ``document``: the one
        document ``where`` holds, as the user named it (a "not found" then says it was not found
        *there*); ``searched_hits``: all the passages found, relevant or not (a figure asked of a
        named filing is read from its statements, however weakly "3M capex 2022" matches them);
        ``named_by``: the question's words that named that document (a party, its title)."""
        context, part = parts
        kind, asking = asked_kind(text, part)
        if asking != part:  # a comma in a name had split the question: no context clause
            context, part = "", asking
        anchor = relevant[:1] or list(searched_hits[:1] if document else []) or self._filing_by_file(text, documents)
        passages = self._document_of(anchor[0]) if anchor else []
        # the words that named the document say which document, not which of its sentences answers
        # (but for "Who are the parties to the Intellisense agreement?": its opening names them)
        named_by = list(named_by) if kind.name != "parties" else []
        naming = document_naming_words([h.path for h in relevant[:1]]) + named_by + ([context] if context else [])
        searched = self._searched(where, relevant, documents) | ({"document": document} if document else {})
        # the card of the one document asked about (its parties; a filing's figures): across a folder
        # "the parties" are nobody's in particular. "3M capex 2022" names its filing by file name only.
        one = bool(document) or searched["files"] == 1
        by_file = bool(passages) and not one and kind.name != "parties" and named_documents(
            text, [(d.doc_id, d.path) for d in documents]) == {split_chunk_id(passages[0].chunk_id)[0]}
        card = self.names.card_of(passages[0].path) if passages and (one or by_file) else None
        if not relevant and not asks_figure(text, card):
            passages = []  # no passage matched: nothing of the document is read, but a filing's figures
        return Question(text, part, kind, relevant, passages, naming, searched, card)

    def _filing_by_file(self, text: str, documents: Sequence[DocumentRow]) -> list[Hit]:
        """The first passage of the one document a figure question names by its file name alone
        when no passage matched it ("Microsoft capex 2023" over 49 filings: its figure is read
        from the statements however weakly the words match), else none."""
        named = named_documents(text, [(d.doc_id, d.path) for d in documents]) if may_ask_figure(text) else None
        rows = self.catalog.chunks_of(next(iter(named))) if named and len(named) == 1 else []
        return [Hit.from_row(rows[0])] if rows else []

    def _document_of(self, hit: Hit) -> list[Hit]:
        """Every passage of ``hit``'s document (for a document inside a file, that one: the
        attachment, not the whole e-mail), in reading order: a question that expects a fact is
        answered from anywhere in the document it is about."""
        rows = self.catalog.chunks_of(split_chunk_id(hit.chunk_id)[0])
        return [Hit.from_row(r) for r in rows if r.path == hit.path]

    def _similarity(self, question: str, sentences: list[str]) -> list[float]:
        vectors = self.embedder.embed([question] + sentences)
        return [sum(a * b for a, b in zip(vectors[0], v)) for v in vectors[1:]]

    def similarity_to(self, question_vector: Sequence[float], seen: dict[str, list[float]]) -> Similarity:
        """``_similarity`` for a question whose embedding is already known; the sentences'
        embeddings are kept in ``seen`` (the columns of a table compare many of the same sentences
        of a document, and embedding them is most of a cell's time)."""
        def similarity(question: str, sentences: list[str]) -> list[float]:
            new = [s for s in dict.fromkeys(sentences) if s not in seen]
            seen.update(zip(new, self.embedder.embed(new)))
            return [sum(a * b for a, b in zip(question_vector, seen[s])) for s in sentences]

        return similarity

    def _searched(self, where: Where, hits: Sequence[Hit], documents: Sequence[DocumentRow]) -> dict:
        focused = list(dict.fromkeys(Path(h.path).name for h in hits[:3]))
        return {"index": self.index_name, "where": where_shown(where),
                "files": sum(1 for d in documents if in_scope(d.path, where)), "documents": focused,
                "passages": len(hits)}


@dataclass(frozen=True)
class _Asked:
    """One question as the service reads it, once: parsed, its search embedded, the documents listed."""

    question: str  # as asked
    parts: tuple[str, str]  # split_query(question)
    query: str  # what is searched: the question, or a follow-up made standalone
    query_parts: tuple[str, str]
    vectors: list  # retriever.query_vectors(query)
    k: int
    documents: list[DocumentRow]
    named_by: tuple[str, ...] = ()  # the words that named the document it is asked of (the resolver's)


def where_shown(where: Where) -> str | list[str] | None:
    return where if isinstance(where, str) else list(where or []) or None
