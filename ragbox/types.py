"""The shared types: plain data passed between the pipeline stages and to the interfaces.

No behaviour that needs a heavy library; every other ragbox module may import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

Where = str | Sequence[str] | None  # path glob(s) a search is restricted to: "contracts/**", "*.md"


@dataclass(frozen=True)
class Page:
    """One unit of extracted text: a PDF page, or the whole text of a .txt/.md file.

    ``number`` is 1-based for PDFs and ``None`` for text files. Chunk offsets index into ``text``.
    """

    number: int | None
    text: str


@dataclass(frozen=True)
class Chunk:
    """A span of one page: ``page_text[char_start:char_end] == text``."""

    page: int | None
    char_start: int
    char_end: int
    text: str
    section: str = ""  # the heading the chunk sits under, when the chunker could tell
    # What a reader sees above the passage and the passage does not hold: the page's title (a
    # statement's name), and for table rows the table's column headers (years, units) and row
    # group. Embedded and keyword-indexed with the text; never part of ``text`` or its offsets.
    context: str = ""


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk of an indexed file, with its similarity score (higher is better)."""

    chunk_id: str
    path: str
    page: int | None
    char_start: int
    char_end: int
    text: str
    score: float
    section: str = ""
    context: str = ""  # see ``Chunk.context``

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "page": self.page,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "score": round(self.score, 4),
            "text": self.text,
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
class Answer:
    """The result of ``ask``: the generated text, the sources the model saw and timings."""

    question: str
    text: str
    sources: list[Hit]
    model: str
    found: bool = True
    cited: list[int] = field(default_factory=list)  # 1-based source numbers the answer refers to
    citation_method: str = "none"  # "model" ([n] in the text), "text overlap" or "none"
    timings: dict[str, float] = field(default_factory=dict)
    # Per source, the (start, end) of the sentence to quote, relative to the source's text.
    quotes: list[tuple[int, int]] = field(default_factory=list)
    # For an answer tied to no source: the sentence of source 1 that best answers the question.
    evidence: str | None = None

    def quote_of(self, number: int) -> str:
        """The quoted sentence of source ``number`` (1-based)."""
        hit = self.sources[number - 1]
        start, end = self.quotes[number - 1] if self.quotes else (0, len(hit.text))
        return hit.text[start:end]
