"""PDF: one page of text per PDF page, exactly as ``pypdf``'s ``extract_text()`` returns it; a
page with no text layer (a scan) is read by OCR when ``options.ocr`` is given.

A PDF encrypted with an empty user password (many filings are: they only forbid editing) is
decrypted and read; one that needs a password is skipped. A file that is not a PDF at all is named
for what it looks like. Decompression bombs stop at pypdf's own per-stream limits, and the whole
parse runs in the bounded reader process (``sandbox``), which catches what those limits do not
(many streams, each just under the limit).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, ReadOptions
from ragbox.ingest.loaders.pdf_ocr import with_ocr
from ragbox.ingest.loaders.reading import describe_failure
from ragbox.types import Page

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # readers accept a little junk before the header; so does pypdf


def pages(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    from pypdf import PdfReader, errors

    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        raise DocumentError("Skipped", f"not a PDF file ({looks_like(data)})", path)
    # pypdf logs every oddity of real-world PDFs, quoting bits of them; the reason says enough.
    logging.getLogger("pypdf").disabled = True
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("Skipped", "encrypted PDF (password protected)", path)
        bomb = getattr(errors, "LimitReachedError", MemoryError)  # pypdf >= 6: a stream past its limits
        result = [Page(number, _page_text(page, bomb)) for number, page in enumerate(reader.pages, start=1)]
    except (DocumentError, MemoryError):
        raise
    except Exception as exc:  # pypdf raises many types on damaged files; one bad PDF never stops a run
        raise DocumentError("Skipped", f"unreadable PDF ({describe_failure(exc)})", path) from None
    return with_ocr(path, data, result, options) if options.ocr is not None else result


def looks_like(data: bytes) -> str:
    """What a file that should have been a PDF seems to be, in a few words."""
    head = data[:MAGIC_WINDOW].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "it looks like an HTML page"
    if head.startswith(b"pk\x03\x04"):
        return "it looks like a ZIP archive or an Office document"
    if head.startswith((b"\x89png", b"\xff\xd8\xff", b"gif8")):
        return "it looks like an image"
    window = data[:MAGIC_WINDOW]
    controls = sum(byte < 9 or 13 < byte < 32 for byte in window)
    if not window.strip():
        return "it holds only blank space"
    if controls * 20 > len(window):
        return "binary data without a PDF header"
    return "it looks like plain text"


def _page_text(page, bomb: type[Exception]) -> str:
    try:
        text = page.extract_text() or ""
    except (MemoryError, bomb):  # a bomb skips the file; it is not one broken page
        raise
    except Exception:  # a single broken page should not lose the rest of the document
        return ""
    return text.replace("\x00", "")
