"""Page coverage: how each page of a document was read, in the words and fields every interface
uses (the ledger itself is kept by ``store.coverage``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ragbox.types import Page

# The coverage ledger: how each page of a document was read. "text": its text layer; "ocr": read
# from its image; "empty": nothing to read (blank, or OCR found no words); "sparse": too little text
# for what it draws (a scan or outline text left unread: OCR is off); "failed": its text could not
# be extracted (``reason``); "skipped": not read because of a limit. The last three were not searched.
PAGE_STATES = ("text", "ocr", "empty", "sparse", "failed", "skipped")
NOT_READ_STATES = ("sparse", "failed", "skipped")


def page_state(page: Page) -> str:
    """A page's state: the one its reader gave, else by its text."""
    if page.state:
        return page.state
    return "ocr" if page.ocr else ("text" if page.text.strip() else "empty")


@dataclass(frozen=True)
class PageRead:
    """One page's row of the ledger (``page``: its 1-based number; 1 for a file without pages)."""

    part: str
    page: int
    state: str
    confidence: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class DocumentCoverage:
    """How the pages of one document (a part path, see ``Hit.path``) were read. ``known`` is False
    for a document indexed before ragbox kept the ledger (its pages are counted, not described).

    JSON fields (stable): ``pages``, ``text``, ``ocr``, ``empty``, ``unreadable`` (sparse and
    skipped pages: there is something on them that was not read), ``failed`` (extraction failed),
    ``not_read`` (their page numbers) and ``reasons`` (page number -> why, for those)."""

    path: str
    pages: tuple[PageRead, ...] = ()
    known: bool = True
    page_count: int = 0  # the document's page count when the ledger is not known

    def count(self, *states: str) -> int:
        return sum(1 for p in self.pages if p.state in states)

    def not_read(self) -> list[int]:
        return [p.page for p in self.pages if p.state in NOT_READ_STATES]

    def ocr_confidence(self) -> float | None:
        scores = [p.confidence for p in self.pages if p.state == "ocr" and p.confidence is not None]
        return round(sum(scores) / len(scores), 3) if scores else None

    def as_dict(self) -> dict:
        counts = coverage_fields({state: self.count(state) for state in PAGE_STATES})
        return {"path": self.path, "known": self.known, **counts,
                "pages": len(self.pages) if self.known else self.page_count,
                "not_read": self.not_read(), "ocr_confidence": self.ocr_confidence(),
                "reasons": {str(p.page): p.reason for p in self.pages if p.state in NOT_READ_STATES}}


def coverage_fields(states: dict[str, int]) -> dict[str, int]:
    """Pages by state (``PAGE_STATES``) as the stable JSON fields: sparse and skipped pages are
    ``unreadable``; pages of documents indexed before the ledger (``unknown``) count in ``pages``."""
    count = states.get
    fields = {"pages": sum(states.values()), "text": count("text", 0), "ocr": count("ocr", 0),
              "empty": count("empty", 0), "unreadable": count("sparse", 0) + count("skipped", 0),
              "failed": count("failed", 0)}
    return {**fields, "unknown": count("unknown", 0)} if "unknown" in states else fields


def page_ranges(numbers: Sequence[int]) -> str:
    """Page numbers as ranges: [4, 5, 7] -> "4–5, 7"."""
    ranges: list[list[int]] = []
    for number in sorted(set(numbers)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}\u2013{b}" for a, b in ranges)


def describe(coverage: DocumentCoverage) -> str:
    """One line: "12 pages: 9 text, 2 OCR (confidence 0.91), 1 unreadable; not read: page 7"."""
    if not coverage.known:
        return (f"{coverage.page_count} pages, not described: indexed before ragbox kept page coverage "
                "(indexed again when it changes, or with `ragbox index --rebuild`)")
    fields = coverage_fields({state: coverage.count(state) for state in PAGE_STATES})
    confidence = coverage.ocr_confidence()
    ocr = f"{fields['ocr']} OCR" + (f" (confidence {confidence:.2f})" if confidence else "")
    parts = [f"{fields['text']} text", ocr, f"{fields['unreadable']} unreadable"]
    parts += [f"{fields[name]} {name}" for name in ("failed", "empty") if fields[name]]
    line = f"{fields['pages']} page{'s' if fields['pages'] != 1 else ''}: " + ", ".join(parts)
    unread = coverage.not_read()
    return line + (f"; not read: {_pages(unread)}" if unread else "")


def reasons(coverage: DocumentCoverage) -> list[str]:
    """"pages 4–5: why" for each reason pages were not read, in page order."""
    by_reason: dict[str, list[int]] = {}
    for read in coverage.pages:
        if read.state in NOT_READ_STATES:
            by_reason.setdefault(read.reason or read.state, []).append(read.page)
    return [f"{_pages(pages)}: {why}" for why, pages in by_reason.items()]


def _pages(numbers: Sequence[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + page_ranges(numbers)
