"""What every reader is given besides the file: how to read pages with no text layer, and the
shape of a document found inside another (an attachment, a message of an mbox)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Protocol


class PageOcr(Protocol):
    """Reads the text of PDF pages from their images (``ragbox.ingest.ocr``)."""

    def pdf_pages(self, data: bytes, numbers: Iterable[int]) -> Iterator[tuple[int, str]]: ...


OcrProgress = Callable[[str, int, int], None]  # (document, pages done, pages to do)


@dataclass(frozen=True)
class ReadOptions:
    ocr: PageOcr | None = None  # None: pages with no text layer stay empty (index.ocr = off)
    only_page: int | None = None  # the passage view needs one page: OCR no other
    on_ocr: OcrProgress | None = None

    def cache_folders(self) -> tuple[str, ...]:
        """The folders reading with these options reuses (the OCR cache): a sealed reader may read
        there; only ragbox writes there (``ocr_handoff``)."""
        folder = getattr(self.ocr, "folder", None)
        return (str(folder),) if folder is not None else ()


@dataclass(frozen=True)
class Inner:
    """A document inside a file: its name (unique in its container), bytes and the suffix of the
    reader that reads it (an mbox's message is named by its subject and read as ``.eml``)."""

    name: str
    data: bytes
    kind: str


DEFAULT_OPTIONS = ReadOptions()  # frozen: no OCR, every page, no progress
