"""Pages a reader child reads by OCR go back to ragbox, which files them in the OCR cache.

A reader (perhaps exploited by the file it reads) may read the cache, to reuse a page read before,
but never write it: Landlock gives it no write there, so it cannot plant text that a later scan
would be indexed with. ragbox files a page only under the digest of bytes it has seen itself: a
file it handed over, or a document inside one (a scan attached to an e-mail) whose bytes the child
sends along, once, on a cache miss. A child can so plant text only for bytes it sends, which is
the text of those very bytes as far as anyone can tell: a scan of its own making.
"""

from __future__ import annotations

from typing import Callable

from ragbox.ingest.loaders.options import ReadOptions

Send = Callable[..., None]  # send(kind, *payload): one frame to the parent


def _cache_in(args: tuple):
    """The OCR cache among a call's arguments (a ``ReadOptions``' ``ocr`` that files pages)."""
    return next((a.ocr for a in args if isinstance(a, ReadOptions) and hasattr(a.ocr, "keep_page")), None)


class ChildSink:
    """The child's end: each new page is a frame to the parent, never a file."""

    def __init__(self, cache, args: tuple, send: Send) -> None:
        self.send = send
        self.known = {cache.digest(a) for a in args if isinstance(a, bytes)}  # the parent has these bytes

    def __call__(self, digest: str, data: bytes, number: int, text: str, score: float | None) -> None:
        if digest not in self.known:
            self.send("ocr-document", data)  # the parent hashes them itself
            self.known.add(digest)
        self.send("ocr-page", digest, number, text, score)


def send_pages_to_parent(args: tuple, send: Send) -> None:
    """In the child, before the call: the cache among ``args`` hands its new pages to ``send``."""
    cache = _cache_in(args)
    if cache is not None:
        cache.sink = ChildSink(cache, args, send)


class ParentFiling:
    """ragbox's end: files the pages the child sends under digests of bytes ragbox has seen."""

    def __init__(self, args: tuple) -> None:
        self.cache = _cache_in(args)
        self._data = [a for a in args if isinstance(a, bytes)] if self.cache is not None else []
        self._seen: set[str] | None = None  # hashed when the first page comes (most files have none)
        self.refused = 0  # pages sent under a digest of bytes ragbox has not seen

    def receive(self, kind: str, *payload) -> None:
        if self.cache is None:
            return
        if self._seen is None:
            self._seen = {self.cache.digest(data) for data in self._data}
            self._data = []
        if kind == "ocr-document" and len(payload) == 1 and isinstance(payload[0], bytes):
            self._seen.add(self.cache.digest(payload[0]))
            return
        digest, number, text, score = payload if len(payload) == 4 else (None, None, None, None)
        if kind == "ocr-page" and digest in self._seen and isinstance(number, int) and isinstance(text, str):
            self.cache.keep_page(digest, number, text, score if isinstance(score, float) else None)
        else:
            self.refused += 1
