"""The OCR cache of an encrypted index: the same cache of pages read once, each page's text (and
its confidence) sealed with AES-256-GCM under a key of the index, filed under a keyed hash of the
scan instead of its sha256 (which would tell anyone holding a copy of a document that it is indexed).

The parsing children read it (a scanned page is read there): they get the keys with the rest of
their arguments, through their pipe, never through a file. Only ragbox writes it (``ocr_handoff``).
"""

from __future__ import annotations

from pathlib import Path

from ragbox.encryption import name_of, open_text, seal_text, subkey
from ragbox.ingest.ocr import CachedPageOcr


class SealedPageOcr(CachedPageOcr):
    def __init__(self, ocr, folder: Path, data_key: bytes) -> None:
        super().__init__(ocr, folder)
        self._text_key = subkey(data_key, "ocr-pages")
        self._name_key = subkey(data_key, "ocr-names")

    def _file_name(self, digest: str) -> str:
        return name_of(self._name_key, digest)

    def _store(self, path: Path, text: str) -> None:
        super()._store(path, seal_text(self._text_key, text))

    def _load(self, path: Path) -> str:
        return open_text(self._text_key, super()._load(path))
