"""Turning a file into pages of text, with offsets users can check: the one loader seam.

Each format has its own module with a ``pages(path, data) -> list[Page]`` function, registered
here by file suffix. For ``.txt``/``.md`` the single page's text is the decoded file (no newline
translation, a UTF-8 byte-order mark dropped), so ``file_text[char_start:char_end]`` is what a
chunk says. For PDFs each page's text is exactly what ``pypdf``'s ``extract_text()`` returns.

Every reader inherits the same protections: ``reading.read_file`` hands it the bytes of a regular
file only, bounded in size, one consistent version; ``sandbox.ReaderProcess`` runs it in a child
process capped in memory and time. A reader raises ``DocumentError`` with a reason made of fixed
words (``reading.describe_failure``), never of the file's contents.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ragbox.errors import DocumentError, RagboxError
from ragbox.ingest.loaders import pdf, plain_text
from ragbox.ingest.loaders.reading import ReadLimits, read_file
from ragbox.ingest.loaders.sandbox import ReaderProcess
from ragbox.types import Hit, Page, PageInContext

PageReader = Callable[[Path, bytes], list[Page]]
READERS: dict[str, PageReader] = {".pdf": pdf.pages, ".txt": plain_text.pages, ".md": plain_text.pages}
SUPPORTED_SUFFIXES = tuple(READERS)

__all__ = ["READERS", "SUPPORTED_SUFFIXES", "LoadedFile", "ReadLimits", "ReaderProcess", "load", "page_in_context",
           "pages_from_bytes", "read_file"]


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    content_hash: str
    size: int
    pages: list[Page]


def load(path: Path, limits: ReadLimits | None = None) -> LoadedFile:
    """Read and parse one file with every protection (a child process of its own)."""
    limits = limits or ReadLimits()
    data, digest = read_file(path, limits.max_bytes)
    with ReaderProcess(limits) as reader:
        return LoadedFile(path, digest, len(data), reader.pages(path, data))


def pages_from_bytes(path: Path, data: bytes) -> list[Page]:
    """Parse in this process: what ``ReaderProcess`` runs in its child."""
    if not data:
        raise DocumentError("Skipped", "empty file", path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError("Skipped", f"unsupported type '{path.suffix or path.name}'", path)
    pages = reader(path, data)
    if not any(page.text.strip() for page in pages):
        why = "no extractable text (a scanned PDF needs OCR first)" if path.suffix.lower() == ".pdf" else "empty file"
        raise DocumentError("Skipped", why, path)
    return pages


def page_in_context(hit: Hit, limits: ReadLimits | None = None) -> PageInContext:
    """The page ``hit`` came from, read from its file again, with the passage located: at its
    offsets, or found by its text when the file moved on, or not at all (with a note why)."""
    try:
        pages = load(Path(hit.path), limits).pages
        index = (hit.page - 1) if hit.page is not None else 0
        if not 0 <= index < len(pages):
            raise IndexError(f"page {hit.page} is no longer in the file")
    except (RagboxError, OSError, IndexError) as exc:
        why = exc.one_line() if isinstance(exc, RagboxError) else str(exc)
        return PageInContext(hit.text, (0, len(hit.text)),
                             f"Cannot re-read the file, showing the indexed passage only. {why}", why)
    text = pages[index].text
    if text[hit.char_start:hit.char_end] == hit.text:
        return PageInContext(text, (hit.char_start, hit.char_end))
    found = text.find(hit.text)
    if found >= 0:
        return PageInContext(text, (found, found + len(hit.text)))
    return PageInContext(text, None, "The file changed since it was indexed: the cited passage is not on this "
                                     "page any more.")
