"""Reading a GGUF file's header: its metadata key/values and the shapes of its tensors.

A small reader of its own rather than the ``gguf`` package: ``gguf.GGUFReader`` builds an object
for every element of every array, so it took 15 s to open the bundled Gemma 3 (a 262,144-token
vocabulary) against 0.1 s here; ``ragbox models`` opens every GGUF on the machine. Large arrays
(the vocabulary, merges) are skipped and kept as their length only.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MAGIC = b"GGUF"
SMALL_ARRAY = 64  # arrays up to this length are read; longer ones keep their length only

# value type -> struct format of one scalar (8: string, 9: array are handled apart)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


class GGUFFormatError(ValueError):
    """The file is not a GGUF file ragbox can read (or it is cut short)."""


@dataclass(frozen=True)
class LongArray:
    """An array too long to keep (a vocabulary): its element type and length."""

    element_type: int
    length: int


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict = field(repr=False)
    tensor_count: int = 0
    parameters: int = 0  # elements of all tensors

    def get(self, key: str, default=None):
        return self.metadata.get(key, default)

    def arch(self, key: str, default=None):
        """``<architecture>.<key>``, e.g. ``arch("context_length")``."""
        return self.metadata.get(f"{self.metadata.get('general.architecture', '')}.{key}", default)

    def array_length(self, key: str) -> int | None:
        value = self.metadata.get(key)
        if isinstance(value, LongArray):
            return value.length
        return len(value) if isinstance(value, list) else None


class _Cursor:
    def __init__(self, data, path: Path) -> None:
        self.data = data
        self.pos = 0
        self.path = path

    def unpack(self, fmt: str):
        try:
            value = struct.unpack_from(fmt, self.data, self.pos)[0]
        except struct.error:
            raise GGUFFormatError(f"the file ends inside its header (at byte {self.pos})") from None
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        length = self.unpack("<Q")
        end = self.pos + length
        if end > len(self.data):
            raise GGUFFormatError(f"the file ends inside its header (at byte {self.pos})")
        raw = self.data[self.pos:end]
        self.pos = end
        return raw.decode("utf-8", "replace")

    def value(self, kind: int):
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            element, length = self.unpack("<I"), self.unpack("<Q")
            if length <= SMALL_ARRAY:
                return [self.value(element) for _ in range(length)]
            self.skip_array(element, length)
            return LongArray(element, length)
        raise GGUFFormatError(f"unknown value type {kind} at byte {self.pos}")

    def skip_array(self, element: int, length: int) -> None:
        if element in _SCALARS:
            self.pos += struct.calcsize(_SCALARS[element]) * length
        elif element == _STRING:
            data, pos, unpack = self.data, self.pos, struct.unpack_from
            try:
                for _ in range(length):
                    pos += 8 + unpack("<Q", data, pos)[0]
            except struct.error:
                raise GGUFFormatError("the file ends inside its header") from None
            self.pos = pos
        else:
            for _ in range(length):
                self.value(element)
        if self.pos > len(self.data):
            raise GGUFFormatError("the file ends inside its header")


def read_header(path: Path) -> GGUFHeader:
    """The header of the GGUF at ``path``; ``GGUFFormatError`` (or ``OSError``) when unreadable."""
    path = Path(path)
    stat = path.stat()
    return _read_cached(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _read_cached(path: str, size: int, mtime_ns: int) -> GGUFHeader:  # noqa: ARG001 (cache keys)
    with open(path, "rb") as handle:
        if size < 24:
            raise GGUFFormatError(f"only {size} bytes: too short for a GGUF file")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _parse(_Cursor(data, Path(path)))


def _parse(cursor: _Cursor) -> GGUFHeader:
    if cursor.data[:4] != MAGIC:
        raise GGUFFormatError("not a GGUF file (it does not start with 'GGUF')")
    cursor.pos = 4
    version = cursor.unpack("<I")
    if version not in (2, 3):
        hint = " (a big-endian file?)" if version > 0xFFFF else ""
        raise GGUFFormatError(f"GGUF version {version} is not supported{hint}")
    tensor_count, kv_count = cursor.unpack("<Q"), cursor.unpack("<Q")
    metadata = {}
    for _ in range(kv_count):
        key = cursor.string()
        metadata[key] = cursor.value(cursor.unpack("<I"))
    parameters = 0
    for _ in range(tensor_count):
        name_length = cursor.unpack("<Q")  # (read first: `pos += unpack()` would lose unpack's move)
        cursor.pos += name_length
        dims = cursor.unpack("<I")
        elements = 1
        for _ in range(dims):
            elements *= cursor.unpack("<Q")
        cursor.pos += 4 + 8  # element type, data offset
        parameters += elements
    if cursor.pos > len(cursor.data):
        raise GGUFFormatError("the file ends inside its tensor table")
    return GGUFHeader(version, metadata, tensor_count, parameters)
