"""What an index run reports: progress while it runs, a summary when it ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable


@dataclass
class IndexProgress:
    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    pages: int = 0
    chunks: int = 0
    current: str = ""
    ocr_file: str = ""  # the scan being read by OCR now, with its pages done and to do
    ocr_done: int = 0
    ocr_total: int = 0
    ocr_pages: int = 0  # pages read by OCR so far in the run, every scan
    ocr_page_seconds: float = 0.0  # the scan being read: seconds a page so far, for its time left

    def ocr_note(self) -> str:
        """"OCR scan.pdf page 3/12, about 1:21 left · 14 pages OCR'd" while a scan is read, else ''."""
        if self.ocr_done >= self.ocr_total:
            return ""
        note = f"OCR {self.ocr_file} page {self.ocr_done + 1}/{self.ocr_total}"
        if self.ocr_done and self.ocr_page_seconds:
            left = round(self.ocr_page_seconds * (self.ocr_total - self.ocr_done))
            note += f", about {left // 60}:{left % 60:02d} left"
        return note + (f" · {self.ocr_pages} pages OCR'd" if self.ocr_pages else "")


@dataclass
class IndexSummary:
    indexed: list[str] = field(default_factory=list)  # new or edited
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # path -> reason
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    repaired: int = 0  # interrupted writes undone before this run
    ocr_pages: int = 0  # pages of new or edited files read by OCR
    page_states: dict[str, int] = field(default_factory=dict)  # their pages by how they were read

    def count_pages(self, states: Iterable[str]) -> None:
        for state in states:
            self.page_states[state] = self.page_states.get(state, 0) + 1

    def coverage_line(self) -> str:
        """"821 pages: 777 text, 44 OCR, 0 unreadable" (empty and failed pages when there are any);
        unreadable: pages with something on them that was not read (``types.NOT_READ_STATES``)."""
        count = self.page_states.get
        line = (f"{sum(self.page_states.values())} pages: {count('text', 0)} text, {count('ocr', 0)} OCR, "
                f"{count('sparse', 0) + count('skipped', 0)} unreadable")
        extra = [f"{count(state)} {state}" for state in ("failed", "empty") if count(state)]
        return ", ".join([line, *extra]) + "."

    def describe(self, show_path: Callable[[str], str] = str) -> list[str]:
        """The summary as the CLI and the app print it, paths shown by ``show_path``."""
        lines = [f"Indexed {len(self.indexed)} file(s), {self.unchanged} unchanged, "
                 f"{len(self.renamed)} renamed, {len(self.removed)} removed, "
                 f"{len(self.skipped)} skipped; {self.pages} pages, {self.chunks} new chunks "
                 f"in {self.seconds:.1f}s."]
        if self.page_states:
            lines.append(self.coverage_line())
        elif self.ocr_pages:
            lines.append(f"Read {self.ocr_pages} scanned page(s) by OCR.")
        if self.repaired:
            lines.append(f"Repaired {self.repaired} entries left by an interrupted run.")
        lines += [f"  renamed {show_path(old)} -> {show_path(new)}" for old, new in self.renamed]
        lines += [f"  removed {show_path(path)}" for path in self.removed]
        lines += [f"  skipped {show_path(path)}: {why}" for path, why in sorted(self.skipped.items())]
        return lines

    def as_dict(self) -> dict:
        return {
            "indexed": len(self.indexed), "renamed": len(self.renamed), "unchanged": self.unchanged,
            "removed": len(self.removed), "skipped": len(self.skipped), "pages": self.pages,
            "chunks": self.chunks, "seconds": round(self.seconds, 2), "repaired": self.repaired,
            "ocr_pages": self.ocr_pages, "page_states": dict(self.page_states),
        }
