"""Reading a file's bytes safely: only a regular file, never more than a set size, one consistent
version of it, and reasons that never quote what is inside it.

The file is checked before it is opened (a FIFO, a socket or a device is never opened, so nothing
blocks and nothing reads forever), opened without blocking and checked again through its
descriptor (it may have been swapped since), read at most ``max_bytes + 1`` bytes, and compared
before and after: a file written to while it is read is read again, then skipped.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from ragbox.config import IndexSettings
from ragbox.errors import DocumentError

READ_ATTEMPTS = 3
MIN_READER_MEMORY_MB = 512
READER_MEMORY_PER_FILE_MB = 6  # bytes, decoded text and the copy sent back, with room to spare
# The OCR engine's models and ONNX Runtime's buffers: about 600 MB measured for one page.
OCR_MEMORY_MB = 1024


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = IndexSettings.max_file_mb * 2**20
    reader_memory_bytes: int = max(MIN_READER_MEMORY_MB, READER_MEMORY_PER_FILE_MB * IndexSettings.max_file_mb) * 2**20
    seconds: float = IndexSettings.max_read_seconds  # 0: no limit
    seal: bool = IndexSettings.seal_readers  # no network, no disk but Python's and the models'

    @classmethod
    def from_settings(cls, index: IndexSettings) -> "ReadLimits":
        memory_mb = max(MIN_READER_MEMORY_MB, READER_MEMORY_PER_FILE_MB * index.max_file_mb)
        if index.ocr != "off":  # a scanned page is read by OCR in the same capped child
            memory_mb += OCR_MEMORY_MB
        return cls(index.max_file_mb * 2**20, memory_mb * 2**20, float(index.max_read_seconds), index.seal_readers)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, name in ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")):
        if test(mode):
            return name
    return "regular file" if stat.S_ISREG(mode) else "special file"


def too_large(size: int, max_bytes: int) -> DocumentError | None:
    if size <= max_bytes:
        return None
    return DocumentError("Skipped", f"{_mb(size)} MB, over the {_mb(max_bytes)} MB limit (index.max_file_mb)")


def read_file(path: Path, max_bytes: int = ReadLimits.max_bytes) -> tuple[bytes, str]:
    """The bytes of one consistent version of the file and their sha256, or a ``DocumentError``
    saying why it was not read."""
    path = Path(path)
    for attempt in range(READ_ATTEMPTS):
        read = _read_once(path, max_bytes)
        if read is not None:
            return read, hashlib.sha256(read).hexdigest()
        time.sleep(0.05 * (attempt + 1))  # a writer usually finishes in moments
    raise DocumentError("Skipped", "changed while being read (it will be indexed on a later run)", path)


def _read_once(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it changed while being read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DocumentError("Skipped", "vanished before it could be read", path) from None
    except OSError as exc:
        raise DocumentError("Skipped", f"cannot read it: {_strerror(exc)}", path) from None
    _check_regular(path, info.st_mode, info.st_size, max_bytes)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise DocumentError("Skipped", "vanished before it could be read", path) from None
    except OSError as exc:
        raise DocumentError("Skipped", f"cannot read it: {_strerror(exc)}", path) from None
    try:
        before = os.fstat(fd)
        _check_regular(path, before.st_mode, before.st_size, max_bytes)  # swapped since the stat?
        data = _read_at_most(fd, before.st_size + 1)
        after = os.fstat(fd)
    except OSError as exc:
        raise DocumentError("Skipped", f"cannot read it: {_strerror(exc)}", path) from None
    finally:
        os.close(fd)
    if len(data) != before.st_size or _version(before) != _version(after):
        return None
    try:
        now = os.stat(path)
    except OSError:  # deleted meanwhile: the next attempt says so
        return None
    if (now.st_dev, now.st_ino) != (after.st_dev, after.st_ino):
        return None  # replaced by a new version while this one was read
    return data


def _check_regular(path: Path, mode: int, size: int, max_bytes: int) -> None:
    if not stat.S_ISREG(mode):
        raise DocumentError("Skipped", f"not a regular file ({file_kind(mode)})", path)
    error = too_large(size, max_bytes)
    if error is not None:
        raise DocumentError(error.what, error.why, path)


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes: one read for a regular file, more only after a short read."""
    parts = [os.read(fd, limit)]
    total = len(parts[0])
    while parts[-1] and total < limit:
        parts.append(os.read(fd, limit - total))
        total += len(parts[-1])
    return parts[0] if len(parts) == 1 or not parts[1] else b"".join(parts)


def _version(info: os.stat_result) -> tuple:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _strerror(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _mb(size: int) -> str:
    value = size / 2**20
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


# Parser failures are described by exception type and fixed phrases only: an exception's own
# message may quote the file (a token, a tag name, a line), and these reasons are printed,
# shown in the app and stored in the index.
_KNOWN_FAILURES = (
    ("eof marker", "truncated: no end-of-file marker"),
    ("stream has ended unexpectedly", "truncated"),
    ("startxref", "damaged cross-reference table"),
    ("xref", "damaged cross-reference table"),
    ("trailer", "damaged trailer"),
    ("limit", "a compressed stream inflates past the safety limit (a decompression bomb?)"),
    ("password", "encrypted"),
)


def describe_failure(exc: BaseException) -> str:
    """``TypeName`` or ``TypeName: fixed phrase`` for a parser exception, never its message."""
    name = type(exc).__name__
    message = f"{name} {exc}".lower()
    for needle, phrase in _KNOWN_FAILURES:
        if needle in message:
            return f"{name}: {phrase}"
    return name
