"""PDF: one page of text per PDF page, extracted by ``pypdf``; a page with no text layer, or too
little text for the images or outlines it draws (a scan, outline text: ``pdf_marks``), is read
by OCR when ``options.ocr`` is given. Each page says how it was read (``Page.state``).

A page's text is what ``extract_text()`` returns, except on a page that holds a table: there it
is pypdf's layout-mode text, tidied (see ``tidy_layout``), so that each table row is one line with
its cells side by side. Plain extraction scatters a table's cells one per line (the label on one
line, "(", "1,749", ")" on the next three), which no reader, chunker or keyword search can use.
Layout mode costs about twice as much, so it is spent only where plain text shows a table.
Both paths are deterministic: re-reading the file gives the same text, so offsets stay exact.

A PDF encrypted with an empty user password (many filings are: they only forbid editing) is
decrypted and read; one that needs a password is skipped. A file that is not a PDF at all is named
for what it looks like. Decompression bombs stop at pypdf's own per-stream limits, and the whole
parse runs in the bounded reader process (``sandbox``), which catches what those limits do not
(many streams, each just under the limit).
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, ReadOptions
from ragbox.ingest.loaders.pdf_marks import is_sparse, needs_a_look, page_area, page_marks
from ragbox.ingest.loaders.pdf_ocr import MIN_LAYER_CHARS, with_ocr
from ragbox.ingest.loaders.pdf_parse_once import parsed_once
from ragbox.ingest.loaders.reading import describe_failure
from ragbox.types import Page

# A line of plain-extracted text that belongs to a table: only a cell (a number, an amount, a
# dash, or the "$" and brackets pypdf puts on lines of their own), or a line with two or more
# amounts ("Net card fees 6,070 5,195 4,664"; a year is not an amount).
_CELL_LINE = re.compile(r"[$€£¥(),.%\d\s\u00a0\u2014\u2013-]*\d[$€£¥(),.%\d\s\u00a0\u2014\u2013-]*")
_AMOUNT = re.compile(r"(?<![\w.,])\(?[$€£¥]?\d[\d,]*(?:\.\d+)?\)?%?(?![\w.,]*\w)")
_YEAR = re.compile(r"(?:19|20)\d\d")
TABLE_MIN_LINES = 6  # a page with fewer is prose with a figure or two in it
TABLE_MIN_SHARE = 0.2  # of the page's non-empty lines
_SPACE_RUN = re.compile(r"[ \t\u00a0]{2,}")
_BLANK_RUN = re.compile(r"\n{3,}")
LAYOUT_MIN_SHARE = 0.9  # of the plain text's characters a page's layout-mode text must keep
CELL_GAP = "  "  # how a tidied layout line separates cells (words inside a cell have one space)
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
        result = [_read_page(number, page, bomb) for number, page in enumerate(reader.pages, start=1)]
    except (DocumentError, MemoryError):
        raise
    except Exception as exc:  # pypdf raises many types on damaged files; one bad PDF never stops a run
        raise DocumentError("Skipped", f"unreadable PDF ({describe_failure(exc)})", path) from None
    return with_ocr(path, data, result, options)


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


def _read_page(number: int, page, bomb: type[Exception]) -> Page:
    """One page with how it was read (``Page.state``): a page that fails is recorded, with the
    reason, and does not lose the rest of the document."""
    try:
        text = _page_text(page)
    except (MemoryError, bomb):  # a bomb skips the file; it is not one broken page
        raise
    except Exception as exc:
        return Page(number, "", state="failed", reason=f"its text could not be extracted ({describe_failure(exc)})")
    return Page(number, text, state=text_state(page, text))


def text_state(page, text: str) -> str:
    """"text", "empty" (nothing on it at all) or "sparse" (too little text for what it draws:
    a scan or outline text, for OCR), by the text's density against the page's marks."""
    chars = _chars(text)
    if not needs_a_look(chars, page_area(page)):
        return "text"
    try:
        marks = page_marks(page)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # the text came out but the drawing cannot be followed: let OCR look at it
        return "text" if chars >= MIN_LAYER_CHARS else "sparse"
    if is_sparse(chars, marks) or (chars < MIN_LAYER_CHARS and marks.drawn):
        return "sparse"
    return "text" if chars else "empty"


def _page_text(page) -> str:
    with parsed_once():  # a table page is read twice: its drawing is parsed once
        text = page.extract_text() or ""
        if not looks_tabular(text):
            return text.replace("\x00", "")
        try:
            layout = tidy_layout(page.extract_text(extraction_mode="layout", layout_mode_strip_rotated=False))
        except Exception:  # layout mode fails on some fonts; the plain text is still good text
            layout = ""
        # Layout mode returns nothing (or loses text) on some pages whose plain text is whole: 250
        # of the 4,515 CUAD pages, which then looked like scans. Only a layout with the text is used.
        if _chars(layout) >= LAYOUT_MIN_SHARE * _chars(text):
            text = layout
    return text.replace("\x00", "")


def _chars(text: str) -> int:
    return len("".join(text.split()))


def looks_tabular(plain: str) -> bool:
    """Whether plain-extracted page text shows a table: many lines that are a cell or a row."""
    lines = [line for line in plain.splitlines() if line.strip()]
    rows = sum(1 for line in lines if _CELL_LINE.fullmatch(line) or _amounts(line) >= 2)
    return rows >= TABLE_MIN_LINES and rows >= TABLE_MIN_SHARE * len(lines)


def _amounts(line: str) -> int:
    return sum(1 for m in _AMOUNT.finditer(line) if not _YEAR.fullmatch(m.group().strip("()")))


def tidy_layout(text: str) -> str:
    """Layout-mode text made compact: no indentation or trailing spaces, every run of spaces
    inside a line shortened to ``CELL_GAP``, at most one blank line in a row. Layout mode pads
    cells to their position on the page; the padding would cost a reader's (and the model's)
    character budget and say nothing a two-space gap does not."""
    lines = (_SPACE_RUN.sub(CELL_GAP, line.strip()) for line in text.splitlines())
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")
