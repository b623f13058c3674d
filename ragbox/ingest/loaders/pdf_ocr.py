"""Scanned PDF pages: the pages with no text layer, or too little text for what they draw
(``Page.state`` "sparse"), and pages whose text could not be extracted, are read by OCR, and say
so (``Page.ocr``, state "ocr" with OCR's mean confidence). A page OCR finds no more on keeps its
text layer ("text") or is "empty"; one left unread keeps its state and says why."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ragbox.coverage import page_state
from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import ReadOptions
from ragbox.types import Page

# A page with less text than this has no real text layer: a scan, maybe with a stamped page number.
MIN_LAYER_CHARS = 16
FOR_OCR = ("sparse", "failed")
OCR_OFF = "a picture of text, not read: OCR is off (index.ocr)"


def with_ocr(path: Path, data: bytes, pages: list[Page], options: ReadOptions) -> list[Page]:
    """``pages`` with those that need it read by OCR (a layer is kept where OCR finds less). When
    OCR fails the pages with text are still indexed, the others marked failed; with none, the
    reason is given."""
    if options.ocr is None:
        return [replace(p, reason=p.reason or OCR_OFF) if page_state(p) == "sparse" else p for p in pages]
    scanned = [p.number for p in pages if _needs_ocr(p) and options.only_page in (None, p.number)]
    if not scanned:
        return pages
    result = list(pages)
    progress = options.on_ocr or (lambda name, done, total: None)
    progress(path.name, 0, len(scanned))
    unread = set(scanned)
    try:
        for done, (number, text, *confidence) in enumerate(options.ocr.pdf_pages(data, scanned), start=1):
            result[number - 1] = _after_ocr(result[number - 1], text, confidence[0] if confidence else None)
            unread.discard(number)
            progress(path.name, done, len(scanned))
    except DocumentError as exc:
        if not any(page.text.strip() for page in result):
            raise DocumentError("Skipped", f"no extractable text, and OCR failed: {exc.why}", path) from exc
        result = [replace(p, state="failed", reason=f"OCR failed: {exc.why}") if p.number in unread else p
                  for p in result]
    return result


def _needs_ocr(page: Page) -> bool:
    # a page a reader did not judge (no state) is read when it has no real text layer
    return page.state in FOR_OCR or (not page.state and _chars(page.text) < MIN_LAYER_CHARS)


def _after_ocr(page: Page, text: str, confidence: float | None) -> Page:
    if _chars(text) > _chars(page.text):
        return Page(page.number, text, ocr=True, state="ocr",
                    confidence=round(confidence, 3) if confidence is not None else None)
    if page_state(page) == "failed":
        return replace(page, reason=f"{page.reason}; OCR found no text on it")
    if page.text.strip():
        return replace(page, state="text")  # the text layer is all there is (a photo with a caption)
    return replace(page, state="empty", reason="")  # OCR saw no words: blank, or a picture without text


def _chars(text: str) -> int:
    return len("".join(text.split()))
