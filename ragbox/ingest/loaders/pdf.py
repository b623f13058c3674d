"""PDF: one page of text per PDF page, exactly as ``pypdf``'s ``extract_text()`` returns it; a
page with no text layer (a scan) is read by OCR when ``options.ocr`` is given."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, ReadOptions
from ragbox.ingest.loaders.pdf_ocr import with_ocr
from ragbox.types import Page


def pages(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every recoverable oddity of real-world PDFs; the user only needs our summary.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("Skipped", "encrypted PDF (password protected)", path)
        result = [Page(number, _page_text(page)) for number, page in enumerate(reader.pages, start=1)]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DocumentError("Skipped", f"unreadable PDF ({type(exc).__name__}: {exc})", path) from exc
    except Exception as exc:  # pypdf raises many types on damaged files; one bad PDF never stops a run
        raise DocumentError("Skipped", f"unreadable PDF ({type(exc).__name__}: {exc})", path) from exc
    return with_ocr(path, data, result, options) if options.ocr is not None else result


def _page_text(page) -> str:
    try:
        text = page.extract_text() or ""
    except Exception:  # a single broken page should not lose the rest of the document
        return ""
    return text.replace("\x00", "")
