"""Finding files and turning them into pages of text, with offsets users can check.

For ``.txt``/``.md`` the single page's text is the decoded file (no newline translation, a UTF-8
byte-order mark dropped), so ``file_text[char_start:char_end]`` is what a chunk says. For PDFs each
page's text is exactly what ``pypdf``'s ``extract_text()`` returns for that page.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ragbox.documents import Page
from ragbox.errors import DocumentError

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md")
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Found:
    """A file met while walking a folder; ``skip_reason`` is set when it will not be indexed."""

    path: Path
    skip_reason: str | None = None


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    content_hash: str
    size: int
    pages: list[Page]


def discover(root: Path) -> Iterator[Found]:
    """Walk ``root`` recursively in a stable order, yielding every file with a reason to skip it."""
    root = Path(root)
    if root.is_file():
        yield _classify(root)
        return
    if not root.is_dir():
        raise DocumentError("Cannot index", "no such file or folder", root)
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        base = Path(dirpath)
        hidden_dirs = sorted(d for d in dirnames if d.startswith("."))
        for name in hidden_dirs:
            yield Found(base / name, "hidden folder")
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            yield _classify(base / name)


def _classify(path: Path) -> Found:
    if path.name.startswith("."):
        return Found(path, "hidden file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return Found(path, f"unsupported type '{path.suffix or path.name}'")
    if path.is_symlink() and not path.exists():
        return Found(path, "broken symbolic link")
    return Found(path)


def read_file(path: Path) -> tuple[bytes, str]:
    """The file's bytes and their sha256, or a ``DocumentError`` saying why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentError("Skipped", f"larger than {MAX_FILE_BYTES // 2**20} MB", path)
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError("Cannot read", exc.strerror or str(exc), path) from exc
    return data, hashlib.sha256(data).hexdigest()


def load(path: Path) -> LoadedFile:
    data, digest = read_file(path)
    return LoadedFile(path, digest, len(data), pages_from_bytes(path, data))


def pages_from_bytes(path: Path, data: bytes) -> list[Page]:
    if path.suffix.lower() == ".pdf":
        pages = _pdf_pages(path, data)
    else:
        pages = [Page(None, decode_text(path, data))]
    if not any(page.text.strip() for page in pages):
        why = "no extractable text (a scanned PDF needs OCR first)" if path.suffix.lower() == ".pdf" else "empty file"
        raise DocumentError("Skipped", why, path)
    return pages


def decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("Skipped", "binary content in a text file", path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentError("Skipped", "cannot detect the text encoding", path)
    return str(best)


def _pdf_pages(path: Path, data: bytes) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every recoverable oddity of real-world PDFs; the user only needs our summary.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("Skipped", "encrypted PDF (password protected)", path)
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            pages.append(Page(number, _page_text(page)))
        return pages
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DocumentError("Skipped", f"unreadable PDF ({type(exc).__name__}: {exc})", path) from exc
    except Exception as exc:  # pypdf raises many types on damaged files; one bad PDF never stops a run
        raise DocumentError("Skipped", f"unreadable PDF ({type(exc).__name__}: {exc})", path) from exc


def _page_text(page) -> str:
    try:
        text = page.extract_text() or ""
    except Exception:  # a single broken page should not lose the rest of the document
        return ""
    return text.replace("\x00", "")


def page_texts(path: Path) -> list[Page]:
    """Re-extract a file's pages (to show a cited passage in its context)."""
    return load(path).pages
