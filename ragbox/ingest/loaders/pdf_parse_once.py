"""A page's content stream parsed once, however many times ragbox reads the page.

pypdf parses a page's content stream (its drawing operators) anew for each extraction: a page
that looks like a table is read as plain text, then again in layout mode, and the second parse
cost as much as the first. On table-heavy annual reports parsing was most of indexing's CPU
(a 10-K: 110 parses for 72 pages, 70% of its reading time). Inside ``parsed_once()``, a content
stream built again from the same source object, with the same encoding, takes the operators
already parsed instead. pypdf's two modules that build them for text extraction are given a
subclass that does this; outside the block, and in every other thread, it behaves as pypdf's own.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from pypdf.generic import ContentStream

try:  # pypdf's private modules: pyproject bounds the version; another layout parses as pypdf does
    from pypdf import _page as pypdf_page
    from pypdf import _text_extraction as pypdf_text
except ImportError:  # pragma: no cover - only with a pypdf outside pyproject's bounds
    pypdf_page = pypdf_text = None


class _Parsed(threading.local):
    # (id of the source, encoding) -> (the source, kept alive so its id is not reused; its stream)
    streams: dict | None = None


_parsed = _Parsed()


class _ParsedOnce(ContentStream):
    def __init__(self, stream, pdf, forced_encoding=None) -> None:
        streams = _parsed.streams
        key = (id(stream), repr(forced_encoding))
        known = streams.get(key) if streams is not None else None
        if known is None:
            super().__init__(stream, pdf, forced_encoding)
            if streams is not None:
                streams[key] = (stream, self)
            return
        super().__init__(None, pdf, forced_encoding)
        self._operations = known[1].operations  # read, never changed, by text extraction


if getattr(pypdf_page, "ContentStream", None) is ContentStream and getattr(pypdf_text, "ContentStream", None) \
        is ContentStream:
    pypdf_page.ContentStream = _ParsedOnce
    pypdf_text.ContentStream = _ParsedOnce


@contextmanager
def parsed_once() -> Iterator[None]:
    """While inside, each page content stream is parsed once (in this thread)."""
    outer = _parsed.streams
    _parsed.streams = {} if outer is None else outer
    try:
        yield
    finally:
        _parsed.streams = outer
