"""Turning a file into pages of text, with offsets users can check: the one loader seam.

Each format has its own module with a ``pages(path, data, options) -> list[Page]`` function,
registered in ``READERS`` by file suffix; the suffixes indexed are the ones registered here. A
page's text is exactly what its format module extracts, the same every time, so a chunk is
``page.text[char_start:char_end]`` and the passage view can read the page again. For
``.txt``/``.md`` the single page is the decoded file (no newline translation, a UTF-8
byte-order mark dropped); for PDFs each page is what ``pypdf``'s ``extract_text()`` returns, or
for a page that holds a table its tidied layout-mode text (see ``loaders.pdf``), or what OCR
reads on a page with no text layer.

A format that holds other documents (an e-mail's attachments, the messages of an mbox) also
registers an ``inner(path, data)`` lister in ``INNER``. Each inner document is read by the
reader of its own kind and becomes a ``Part`` of the file, named ``attachment.pdf`` (nested ones
``3. Subject › attachment.pdf``) and shown as ``mail.eml › attachment.pdf``.

Every reader inherits the same protections: ``reading.read_file`` hands it the bytes of a regular
file only, bounded in size, one consistent version; ``sandbox.ReaderProcess`` runs it in a child
process capped in memory and time and sealed off the network and the rest of the disk
(``ragbox.sealing``; the indexer's parsing workers are such children). A reader
raises ``DocumentError`` with a reason made of fixed words (``reading.describe_failure``), never
of the file's contents.

The formats: ``plain_text``, ``pdf``, ``docx``, ``html``, ``mail`` and ``mbox``; ``options`` is what every
reader is given, ``reading`` and ``sandbox`` the protections above. Helpers of the readers:
``pdf_ocr`` (a PDF's scanned pages read by OCR), ``pdf_marks`` (what a page draws besides its text,
to tell text from a picture of text), ``pdf_parse_once`` (a page's drawing parsed once however
often it is read), ``tables`` (tables as Markdown pipe rows), ``docx_numbering``
(Word's list numbering as Word shows it). Between a reader child and ragbox: ``reply_unpickler``
(what ragbox accepts back: data, never code), ``ocr_handoff`` (pages read by OCR, filed by ragbox).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ragbox.errors import DocumentError, RagboxError
from ragbox.ingest.loaders import docx, html, mail, mbox, pdf, plain_text
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, Inner, ReadOptions
from ragbox.ingest.loaders.reading import ReadLimits, read_file
from ragbox.ingest.loaders.sandbox import ReaderProcess
from ragbox.paths import PART_SEPARATOR, part_path, split_part_path
from ragbox.types import Hit, Page, PageInContext, Part

__all__ = ["READERS", "INNER", "SUPPORTED_SUFFIXES", "ReadOptions", "DEFAULT_OPTIONS", "Inner", "LoadedFile",
           "ReadLimits", "ReaderProcess", "load", "read_file", "pages_from_bytes", "parts_from_bytes", "read_part",
           "page_in_context"]

PageReader = Callable[[Path, bytes, ReadOptions], list[Page]]
READERS: dict[str, PageReader] = {
    ".pdf": pdf.pages, ".txt": plain_text.pages, ".md": plain_text.pages, ".docx": docx.pages,
    ".html": html.pages, ".htm": html.pages, ".eml": mail.pages, ".mbox": mbox.pages,
}
InnerLister = Callable[[Path, bytes], list[Inner]]
INNER: dict[str, InnerLister] = {".eml": mail.attachments, ".mbox": mbox.messages}
SUPPORTED_SUFFIXES = tuple(READERS)
MAX_NESTING = 3  # a message in an mbox with a forwarded message holding a PDF is 3 deep


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    content_hash: str
    size: int
    pages: list[Page]


def load(path: Path, options: ReadOptions = DEFAULT_OPTIONS, limits: ReadLimits | None = None) -> LoadedFile:
    """The file's own pages (not the documents inside it; see ``parts_from_bytes``), read with
    every protection: parsed in a child process of its own."""
    limits = limits or ReadLimits()
    data, digest = read_file(path, limits.max_bytes)
    with ReaderProcess(limits) as reader:
        return LoadedFile(path, digest, len(data), reader.pages(path, data, options))


def pages_from_bytes(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS,
                     kind: str | None = None) -> list[Page]:
    """The pages of one document, parsed in this process (what ``ReaderProcess`` runs in its
    child); ``kind`` is its suffix when its name has none (a message)."""
    if not data:
        raise DocumentError("Skipped", "empty file", path)
    kind = kind or path.suffix.lower()
    reader = READERS.get(kind)
    if reader is None:
        raise DocumentError("Skipped", f"unsupported type '{path.suffix or path.name}'", path)
    pages = reader(path, data, options)
    if not any(page.text.strip() for page in pages):
        raise DocumentError("Skipped", _why_empty(kind, options), path)
    return pages


def _why_empty(kind: str, options: ReadOptions) -> str:
    if kind != ".pdf":
        return "empty file"
    if options.ocr is None:
        return "no extractable text (a scanned PDF: OCR is off, see index.ocr)"
    return "no text found, not even by OCR"


def parts_from_bytes(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS
                     ) -> tuple[list[Part], dict[str, str]]:
    """The file's own text and every document inside it, with a one-line reason for each inner
    document that cannot be read (keyed by its part path). Raises ``DocumentError`` when the
    file itself cannot be read."""
    parts = [Part("", pages_from_bytes(path, data, options))]
    skipped: dict[str, str] = {}
    _add_inner(path, data, path.suffix.lower(), "", options, parts, skipped, depth=1)
    return parts, skipped


def _add_inner(file: Path, data: bytes, kind: str, prefix: str, options: ReadOptions,
               parts: list[Part], skipped: dict[str, str], depth: int) -> None:
    lister = INNER.get(kind)
    if lister is None:
        return
    for inner in _inner_documents(file, data, kind):
        name = part_path(prefix, inner.name) if prefix else inner.name
        shown = part_path(str(file), name)
        if inner.kind not in READERS:
            skipped[shown] = f"unsupported attachment type '{inner.kind or inner.name}'"
            continue
        try:
            parts.append(Part(name, pages_from_bytes(Path(inner.name), inner.data, options, inner.kind)))
        except DocumentError as exc:
            skipped[shown] = exc.why
            continue
        if depth < MAX_NESTING:
            _add_inner(file, inner.data, inner.kind, name, options, parts, skipped, depth + 1)


def _inner_documents(file: Path, data: bytes, kind: str) -> list[Inner]:
    """The documents directly inside one, with names made unique ("scan.pdf", "scan (2).pdf")."""
    seen: dict[str, int] = {}
    unique = []
    for inner in INNER[kind](file, data):
        name = inner.name.replace(PART_SEPARATOR.strip(), ">")
        count = seen[name] = seen.get(name, 0) + 1
        if count > 1:
            stem, suffix = os.path.splitext(name)
            name = f"{stem} ({count}){suffix}"
        unique.append(replace(inner, name=name))
    return unique


def read_part(path: Path, data: bytes, part: str, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    """The pages of document ``part`` inside the file (``''``: the file's own pages), reading
    only the documents on the way to it."""
    kind, name = path.suffix.lower(), ""
    for step in part.split(PART_SEPARATOR) if part else []:
        inner = next((i for i in _inner_documents(path, data, kind) if i.name == step), None) if kind in INNER else None
        if inner is None:
            raise DocumentError("Cannot find", f"'{part}' is no longer in the file", path)
        data, kind, name = inner.data, inner.kind, inner.name
    return pages_from_bytes(Path(name) if name else path, data, options, kind)


def page_in_context(hit: Hit, options: ReadOptions = DEFAULT_OPTIONS, limits: ReadLimits | None = None
                    ) -> PageInContext:
    """The page ``hit`` came from, read from its file again, with the passage located: at its
    offsets, or found by its text when the file moved on, or not at all (with a note why)."""
    file, part = split_part_path(hit.path)
    try:
        limits = limits or ReadLimits()
        data, _ = read_file(Path(file), limits.max_bytes)
        # Only the cited page is read by OCR again: a whole scan would take minutes.
        with ReaderProcess(limits) as reader:
            pages = reader.call(Path(file), read_part, Path(file), data, part, replace(options, only_page=hit.page))
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
