"""Plain data passed between the pipeline stages. No behaviour that needs a heavy library."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "page": self.page,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "score": round(self.score, 4),
            "text": self.text,
        }


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
