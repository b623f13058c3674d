"""Data at rest: what ragbox writes about your documents is readable by you alone.

Index folders are created 0700 and their files 0600 (patient notes often sit on shared machines).
Third-party writers (SQLite's WAL, Chroma's segment files) create files whenever they need them,
so ragbox writes under a ``0o077`` umask and tightens the folder once more after each write.
Exports and saved conversations are 0600 too, and never written through a link (``write_private_file``).
Memory the process frees is overwritten (``scrub_freed_memory``), so no file is written from a
buffer that still holds a passage's text.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, TextIO

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_OTHERS = 0o077  # group and world bits
_M_PERTURB = -6  # glibc's mallopt parameter: the byte freed blocks are overwritten with
_SCRUB_BYTE = 0x5A


class _UmaskCount:
    """The process umask is shared by every thread: the first writer in tightens it, the last out
    restores it, so a reader thread finishing early never loosens it under a writer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.saved = 0


_UMASK = _UmaskCount()


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside are private to the user (umask 077)."""
    with _UMASK.lock:
        if _UMASK.depth == 0:
            _UMASK.saved = os.umask(_OTHERS)
        _UMASK.depth += 1
    try:
        yield
    finally:
        with _UMASK.lock:
            _UMASK.depth -= 1
            if _UMASK.depth == 0:
                os.umask(_UMASK.saved)


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents 0700; an existing ``path`` looser than that is
    tightened when it is ours (its parents are left as they are: they may be the user's own)."""
    path = Path(path)
    missing = [p for p in [path, *path.parents] if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:  # another process made it meanwhile
            pass
    _tighten(path)
    return path


def make_private(root: Path) -> None:
    """Remove group and world access from ``root`` and everything in it (ours only)."""
    root = Path(root)
    if not root.exists():
        return
    _tighten(root)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            _tighten(Path(folder) / name)


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the user alone (its folder created 0700): a file in
    one of ragbox's own folders (saved conversations, the app's review tables)."""
    private_dir(Path(path).parent)
    write_private_file(path, text)


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` (as is: no newline translation) to ``path``, as ``open_private_file``."""
    with open_private_file(path) as handle:
        handle.write(text)


def open_private_file(path: Path) -> TextIO:
    """``path`` opened to write text (as is: no newline translation), its folder left as it is (an
    export goes where the user asks). A new file is created 0600; an existing one keeps its mode
    less any group and world bits, never widened. A symbolic link at ``path`` is refused, never
    followed, and so is anything but a regular file (a FIFO would block, a device is not a file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        with private_umask():
            fd = os.open(path, flags, PRIVATE_FILE_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP and os.path.islink(path):
            raise OSError(errno.ELOOP, "it is a symbolic link (not followed: write to a regular file)") from exc
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_uid == os.getuid() and info.st_mode & _OTHERS:
            os.fchmod(fd, stat.S_IMODE(info.st_mode) & ~_OTHERS)  # before a byte is written
        os.ftruncate(fd, 0)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


@dataclass(frozen=True)
class LoosePath:
    path: str
    mode: int
    is_dir: bool

    def describe(self) -> str:
        kind = "folder" if self.is_dir else "file"
        return f"{self.path} ({kind} {stat.filemode(self.mode)}, others can {'enter' if self.is_dir else 'read'} it)"


def loose_permissions(root: Path) -> list[LoosePath]:
    """Every folder or file at or under ``root`` that group or others may access."""
    root = Path(root)
    if not root.exists():
        return []
    found = []
    for path in [root, *sorted(root.rglob("*"))]:
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode):
            continue
        if info.st_mode & _OTHERS:
            found.append(LoosePath(str(path), info.st_mode, stat.S_ISDIR(info.st_mode)))
    return found


def _tighten(path: Path) -> None:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
            return
        mode = stat.S_IMODE(info.st_mode)
        if mode & _OTHERS:
            os.chmod(path, mode & ~_OTHERS)
    except OSError:  # vanished or not ours to change: the doctor reports what stays loose
        pass


@lru_cache(maxsize=1)
def scrub_freed_memory() -> bool:
    """Have the C library overwrite every block this process frees (and fill each new one), from
    now on; True where it can (glibc). Why: Chroma's HNSW writes its vector file from a buffer it
    never clears, and the slots past the last vector went to disk holding whatever the process had
    freed there, a passage's text among it (found in ``data_level0.bin`` after ``index --rebuild``
    had dropped that text). Only blocks freed before this call, and glibc's per-thread cache of
    small blocks (reused only for blocks of the same small size), keep their bytes: call it before
    any document is read. It costs ~2% of an index run."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (macOS, Windows): nothing to switch on
        return False
    return bool(mallopt(_M_PERTURB, _SCRUB_BYTE))


def private_scratch(prefix: str) -> str:
    """A fresh folder, readable by its owner only, in the system's temp folder, named with this
    process's id ("ragbox-reader-4242-k3j2"); first, the folders of that prefix that processes
    now gone left behind are removed (a process killed by a signal cannot remove its own)."""
    temp = Path(tempfile.gettempdir())
    left = re.compile(re.escape(prefix) + r"(\d+)-")
    for folder in temp.glob(f"{prefix}*"):
        match = left.match(folder.name)
        if match and folder.is_dir() and folder.stat().st_uid == os.getuid() and not _running(int(match[1])):
            shutil.rmtree(folder, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True
