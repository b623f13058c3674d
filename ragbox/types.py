"""The shared types: plain data passed between the pipeline stages and to the interfaces.

No behaviour that needs a heavy library; every other ragbox module may import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ragbox.document_cards import ResolvedDocument
from ragbox.unsure_reasons import UNSURE_REASONS

Where = str | Sequence[str] | None  # path glob(s) a search is restricted to: "contracts/**", "*.md"


@dataclass(frozen=True)
class Page:
    """One unit of extracted text: a PDF page, or the whole text of a file without pages
    (.txt, .md, .docx, .html, an e-mail).

    ``number`` is 1-based for PDFs and ``None`` otherwise. Chunk offsets index into ``text``.
    ``ocr`` is set when the text was read from the page's image (a scanned page).
    """

    number: int | None
    text: str
    ocr: bool = False
    # How it was read, for the coverage ledger (``coverage.PAGE_STATES``; '': by its text, see
    # ``coverage.page_state``), OCR's mean confidence, and a one-line reason for a page not read.
    state: str = ""
    confidence: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class Part:
    """A document inside a file: ``name`` is '' for the file's own text, else the inner
    document's name ("contract.pdf" attached to an e-mail; nested ones joined by " › ")."""

    name: str
    pages: list[Page]


@dataclass(frozen=True)
class Chunk:
    """A span of one page: ``page_text[char_start:char_end] == text``."""

    page: int | None
    char_start: int
    char_end: int
    text: str
    section: str = ""  # the heading the chunk sits under, when the chunker could tell
    part: str = ""  # the document inside the file it comes from ('' for the file itself), see Part
    ocr: bool = False  # its page was read by OCR
    # What a reader sees above the passage and the passage does not hold: the page's title (a
    # statement's name), and for table rows the table's column headers (years, units) and row
    # group. Embedded and keyword-indexed with the text; never part of ``text`` or its offsets.
    context: str = ""
    token_ids: tuple[int, ...] = field(default=(), compare=False, repr=False)  # of text, for the embedder to reuse


def chunk_id(doc_id: str, seq: int) -> str:
    """A passage's id: its document's id and its place in the document (read back by ``split_chunk_id``)."""
    return f"{doc_id}:{seq:05d}"


def split_chunk_id(chunk_id: str) -> tuple[str, int]:
    """``(doc_id, seq)`` of a passage's id (``chunk_id``'s inverse)."""
    doc_id, _, seq = chunk_id.rpartition(":")
    return doc_id, int(seq)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk of an indexed file, with its similarity score (higher is better).
    ``path`` names a document inside a file as ``file › inner`` (see ``paths.part_path``)."""

    chunk_id: str
    path: str
    page: int | None
    char_start: int
    char_end: int
    text: str
    score: float
    section: str = ""
    ocr: bool = False  # its page was read by OCR
    context: str = ""  # see ``Chunk.context``

    @classmethod
    def from_row(cls, row, score: float = 0.0) -> Hit:
        """The hit for a catalog row (``store.catalog.ChunkRow``) scoring ``score``."""
        return cls(row.chunk_id, row.path, row.page, row.char_start, row.char_end, row.text, score, row.section,
                   row.ocr, row.context)

    def as_dict(self) -> dict:
        """The one JSON shape of a hit: ``search --json``, the MCP ``search`` tool, the ``serve``
        protocol (every field, so the client rebuilds the hit) and an answer's citations."""
        return {
            "chunk_id": self.chunk_id,
            "path": self.path,
            "page": self.page,
            **({"ocr": True} if self.ocr else {}),  # only for a page read by OCR
            "char_start": self.char_start,
            "char_end": self.char_end,
            "score": round(self.score, 4),
            "text": self.text,
            "section": self.section,
            "context": self.context,
        }


@dataclass(frozen=True)
class PageInContext:
    """A cited passage's page as the file holds it now: the page text, where the passage lies in
    it (None when the file changed since), and a note for the reader when something is off."""

    text: str
    span: tuple[int, int] | None
    note: str = ""
    error: str = ""


@dataclass
class AnswerSentence:
    """One sentence of a generated answer, checked against the passage(s) it cites."""

    text: str
    supported: bool
    citations: list[int]  # 1-based source numbers: cited by the model, or found to support it
    unsupported: list[str] = field(default_factory=list)  # what no cited source states, as written

    def as_dict(self) -> dict:
        return {"text": self.text, "supported": self.supported, "citations": self.citations,
                "unsupported": self.unsupported}


@dataclass(frozen=True)
class Evidence:
    """The sentence of a source that answers the question, and the span of it that states the
    answer ("New York" in "...governed by the laws of the State of New York."). Offsets are into
    the source's text; ``value`` is the answer in normal form ("30 day", "1999-06-21"), or ""."""

    source: int  # 1-based source number
    sentence: tuple[int, int]
    span: tuple[int, int]
    value: str = ""


@dataclass
class Answer:
    """The result of ``ask``: what the user reads first, the sources and how they back it.

    ``style`` says how ``text`` was made: "extracted" (ragbox took it from the sources),
    "generated" (the model wrote it and every sentence shown was checked against its source) or
    "not found". ``model_text`` keeps a generated answer that was not shown as the answer because
    the check did not support it; ``sentences`` holds the checked sentences of the model's answer.
    """

    question: str
    text: str
    sources: list[Hit]
    model: str
    found: bool = True
    cited: list[int] = field(default_factory=list)  # 1-based source numbers the answer refers to
    citation_method: str = "none"  # "model" ([n] in the text), "evidence", "text overlap" or "none"
    timings: dict[str, float] = field(default_factory=dict)
    # Per source, the (start, end) of the sentence to quote, relative to the source's text.
    quotes: list[tuple[int, int]] = field(default_factory=list)
    style: str = "extracted"
    evidence: Evidence | None = None
    sentences: list[AnswerSentence] = field(default_factory=list)
    model_text: str | None = None
    searched: dict = field(default_factory=dict)  # what was looked at, for a "not found"
    kind: str = ""  # what the question asks for: date, duration, place, amount, title, yesno, passage…
    confidence: float = 0.0  # that the evidence answers (answer.decision), 0-1
    sure: bool = False  # found with a confidence at or above answer.sure_confidence
    signals: dict[str, float] = field(default_factory=dict)  # what the confidence was computed from
    # The documents the question named and the answer is from (none: it named none), whether one
    # name fitted several alike, and with several, each document's own answer.
    resolved: list[ResolvedDocument] = field(default_factory=list)
    ambiguous: bool = False
    per_document: list["Answer"] = field(default_factory=list)
    unknown_name: str = ""  # a name the question gave that no single document here goes by
    elsewhere: str = ""  # after a "not found" in the document named: the closest answer in another
    unsure_because: list[str] = field(default_factory=list)  # a found answer's failed checks (answer.sureness)

    def unsure_reasons(self) -> list[str]:
        """Why a found answer is not sure (codes of ``UNSURE_REASONS``): its own failed checks and
        those of each named document's answer; none for a sure answer or a "not found"."""
        if not self.found or self.sure:
            return []
        reasons = list(self.unsure_because)
        for part in self.per_document:
            reasons += [r for r in part.unsure_because if r not in reasons]
        if self.ambiguous and "ambiguous_name" not in reasons:
            reasons.append("ambiguous_name")
        return reasons or ["low_confidence"]

    def unsure_line(self) -> str:
        """ "Unsure: two documents state different values (confidence 0.95). Read the evidence ..." """
        said = "; ".join(UNSURE_REASONS.get(r, r) for r in self.unsure_reasons())
        return f"Unsure: {said} (confidence {self.confidence:.2f}). Read the evidence before relying on it."

    def quote_of(self, number: int) -> str:
        """The quoted sentence of source ``number`` (1-based)."""
        hit = self.sources[number - 1]
        start, end = self.quotes[number - 1] if self.quotes else (0, len(hit.text))
        return hit.text[start:end]

    @property
    def evidence_text(self) -> str:
        """The answering sentence, as the source has it ('' without evidence)."""
        if self.evidence is None:
            return ""
        start, end = self.evidence.sentence
        return self.sources[self.evidence.source - 1].text[start:end]

    @property
    def unsupported(self) -> list[AnswerSentence]:
        return [s for s in self.sentences if not s.supported]

    def as_dict(self) -> dict:
        """The answer as ``ask --json`` and the MCP server give it: exact offsets into the page (or
        file) text for the evidence, the answer span and every quote."""
        return {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "style": self.style,
            "kind": self.kind,
            "confidence": self.confidence,
            "sure": self.sure,
            "evidence": self._evidence_dict(),
            "sentences": [s.as_dict() for s in self.sentences],
            "model_answer": self.model_text,
            "searched": self.searched,
            "citation_method": self.citation_method,
            "citations": [self._citation_dict(n) for n in range(1, len(self.sources) + 1)],
            "model": self.model,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "resolved_documents": [d.as_dict() for d in self.resolved],
            "ambiguous": self.ambiguous,
            "unknown_name": self.unknown_name or None,
            "closest_elsewhere": self.elsewhere or None,
            "unsure_because": self.unsure_reasons(),
            **({"per_document": [a.as_dict() for a in self.per_document]} if self.per_document else {}),
        }

    def _evidence_dict(self) -> dict | None:
        if self.evidence is None or not self.found:
            return None
        hit = self.sources[self.evidence.source - 1]
        (start, end), (span_start, span_end) = self.evidence.sentence, self.evidence.span
        return {"n": self.evidence.source, "path": hit.path, "page": hit.page, "quote": hit.text[start:end],
                "quote_start": hit.char_start + start, "quote_end": hit.char_start + end,
                "answer_span": hit.text[span_start:span_end], "span_start": hit.char_start + span_start,
                "span_end": hit.char_start + span_end, "value": self.evidence.value}

    def _citation_dict(self, number: int) -> dict:
        hit = self.sources[number - 1]
        start, end = self.quotes[number - 1] if self.quotes else (0, len(hit.text))
        supports = [i for i, s in enumerate(self.sentences) if number in s.citations and s.supported]
        return {"n": number, **hit.as_dict(), "cited": number in self.cited, "quote": hit.text[start:end],
                "quote_start": hit.char_start + start, "quote_end": hit.char_start + end,
                "supports_sentences": supports}


CELL_STATES = ("found", "unsure", "not found")


@dataclass
class TableCell:
    """One document's answer to one column question of a review table.

    ``state`` is "found" (the evidence answers with confidence at or above the table's bar),
    "unsure" (there is an answer, but its confidence is low, or the model's value is not supported
    by its quote) or "not found" (the decision says the document does not answer). ``source`` is
    the passage quoted and ``evidence`` the sentence and answer span in it (offsets into
    ``source.text``; ``evidence.source`` is 1)."""

    path: str
    column: int  # 0-based, into ``Table.columns``
    state: str
    text: str  # the answer shown: the value, "Yes", the sentence, or "" when not found
    confidence: float
    source: Hit | None = None
    evidence: Evidence | None = None
    model_text: str | None = None  # with --generate: the model's words, when the check did not support them
    kind: str = ""
    seconds: float = 0.0

    @property
    def quote(self) -> str:
        """The quoted sentence, as the document has it ('' without evidence)."""
        if self.source is None or self.evidence is None:
            return ""
        return self.source.text[self.evidence.sentence[0]:self.evidence.sentence[1]]

    def file_offsets(self) -> dict[str, int] | None:
        """Where the quote and the answer span stand in the file's (page's) text."""
        if self.source is None or self.evidence is None:
            return None
        base = self.source.char_start
        return {"quote_start": base + self.evidence.sentence[0], "quote_end": base + self.evidence.sentence[1],
                "span_start": base + self.evidence.span[0], "span_end": base + self.evidence.span[1]}


@dataclass
class Table:
    """One row per document in scope, one column per question: ``cells[row][column]``."""

    columns: list[str]  # as given ("governing law")
    questions: list[str]  # as asked ("What is the governing law?")
    documents: list[str]  # paths, one per row
    cells: list[list[TableCell]]
    searched: dict = field(default_factory=dict)  # index, where, files
    style: str = "extract"  # "extract" or "generate"
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        """How many cells are in each state."""
        states = [cell.state for row in self.cells for cell in row]
        return {state: states.count(state) for state in CELL_STATES}
