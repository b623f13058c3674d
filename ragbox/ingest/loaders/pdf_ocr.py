"""Scanned PDF pages: the pages with no text layer are read by OCR, and say so (``Page.ocr``)."""

from __future__ import annotations

from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import ReadOptions
from ragbox.types import Page

# A page with less text than this has no real text layer: a scan, maybe with a stamped page number.
MIN_LAYER_CHARS = 16


def with_ocr(path: Path, data: bytes, pages: list[Page], options: ReadOptions) -> list[Page]:
    """``pages`` with those that have no text layer read by OCR (a layer is kept where OCR finds
    less). When OCR fails the pages with text are still indexed; with none, the reason is given."""
    scanned = [p.number for p in pages if _chars(p.text) < MIN_LAYER_CHARS and options.only_page in (None, p.number)]
    if not scanned or options.ocr is None:
        return pages
    result = list(pages)
    progress = options.on_ocr or (lambda name, done, total: None)
    progress(path.name, 0, len(scanned))
    try:
        for done, (number, text) in enumerate(options.ocr.pdf_pages(data, scanned), start=1):
            if _chars(text) > _chars(result[number - 1].text):
                result[number - 1] = Page(number, text, ocr=True)
            progress(path.name, done, len(scanned))
    except DocumentError as exc:
        if not any(page.text.strip() for page in result):
            raise DocumentError("Skipped", f"no extractable text, and OCR failed: {exc.why}", path) from exc
    return result


def _chars(text: str) -> int:
    return len("".join(text.split()))
