"""Plain text and Markdown: one page, the decoded file exactly (offsets index into it).

UTF-8 first (a byte-order mark dropped), then UTF-16 (with a byte-order mark, or without one when
every other byte is zero, as Windows exports often are), then the encoding ``charset_normalizer``
detects. A file with zero bytes that is none of these is binary and skipped.
"""

from __future__ import annotations

from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, ReadOptions
from ragbox.types import Page

SNIFF_BYTES = 8192
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def pages(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    return [Page(None, decode_text(path, data))]


def decode_text(path: Path, data: bytes) -> str:
    if data.startswith(UTF16_BOMS):
        return _decode(path, data, "utf-16")  # the codec reads and drops the byte-order mark
    if b"\x00" in data[:SNIFF_BYTES]:
        encoding = _utf16_without_bom(data[:SNIFF_BYTES])
        if encoding is None:
            raise DocumentError("Skipped", "binary content in a text file", path)
        return _decode(path, data, encoding)
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


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or '-be' when the zero bytes sit at one parity only (mostly-ASCII UTF-16)."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if pairs and odd >= pairs * 0.3 and even == 0:
        return "utf-16-le"
    if pairs and even >= pairs * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise DocumentError("Skipped", f"not valid {encoding.upper()} text", path) from None
