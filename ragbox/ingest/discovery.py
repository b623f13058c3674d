"""Walking the folders to index: every file met, and why it will be skipped when it will.

The rules (README, "Privacy and safety"):
- only regular files are read: a named pipe, a socket, a device is skipped with what it is, and
  never opened (opening a FIFO blocks until a writer comes; a device may never end);
- hidden files and folders are skipped, as are types no loader reads;
- a symbolic link to a file is followed only when the file it resolves to lies inside one of the
  folders being indexed (it is then indexed under the link's own path); a link leading anywhere
  else is skipped, so a folder you were handed cannot make ragbox read ``~/.ssh`` or ``/dev/zero``;
- a symbolic link to a folder is never followed: no loop can form, nothing is indexed twice; index
  the folder it points to by name if you want it;
- a folder reached twice (a bind mount looping back) is walked once.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import SUPPORTED_SUFFIXES
from ragbox.ingest.loaders.reading import file_kind


@dataclass(frozen=True)
class Found:
    """A file met while walking a folder; ``skip_reason`` is set when it will not be indexed."""

    path: Path
    skip_reason: str | None = None


def discover(root: Path, within: Sequence[Path] = ()) -> Iterator[Found]:
    """Walk ``root`` in a stable order (a folder's files, then its sub-folders, by name), yielding
    every file with a reason to skip it. ``within``: the folders a symbolic link may lead into
    (default: ``root``)."""
    root = Path(root)
    try:
        info = root.stat()
    except FileNotFoundError:
        raise DocumentError("Cannot index", "no such file or folder", root) from None
    except OSError as exc:
        raise DocumentError("Cannot index", (exc.strerror or str(exc)).lower(), root) from None
    if not stat.S_ISDIR(info.st_mode):
        yield _classify(root, info.st_mode)  # named by the user: a link here is what they chose
        return
    bounds = [Path(os.path.realpath(p)) for p in (within or [root])]
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            folder_info = folder.stat()
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield Found(folder, f"cannot open folder: {(exc.strerror or type(exc).__name__).lower()}")
            continue
        if (folder_info.st_dev, folder_info.st_ino) in seen:
            yield Found(folder, "folder already walked (a bind mount or loop leads back to it)")
            continue
        seen.add((folder_info.st_dev, folder_info.st_ino))
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            if not _name_is_valid(entry.name):
                yield Found(_displayable(path), "file name is not valid UTF-8 (rename it to index it)")
            elif entry.is_dir(follow_symlinks=False):
                if entry.name.startswith("."):
                    yield Found(path, "hidden folder")
                else:
                    subfolders.append(path)
            else:
                yield _entry(entry, path, bounds)
        pending.extend(reversed(subfolders))  # popped in name order, each walked before the next


def _entry(entry: os.DirEntry, path: Path, bounds: list[Path]) -> Found:
    if entry.is_symlink():
        return Found(path, "hidden file") if entry.name.startswith(".") else _follow_link(path, bounds)
    if entry.is_file(follow_symlinks=False):  # from the directory listing: no stat needed
        return _classify(path, stat.S_IFREG)
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return Found(path, "vanished before it could be read")
    return _classify(path, mode)


def _classify(path: Path, mode: int) -> Found:
    if path.name.startswith("."):
        return Found(path, "hidden file")
    if not stat.S_ISREG(mode):
        return Found(path, f"not a regular file ({file_kind(mode)})")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return Found(path, f"unsupported type '{path.suffix or path.name}'")
    return Found(path)


def _follow_link(path: Path, bounds: list[Path]) -> Found:
    try:
        target = Path(os.path.realpath(path, strict=True))
        mode = target.stat().st_mode
    except FileNotFoundError:
        return Found(path, "broken symbolic link")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Found(path, "symbolic link loop")
        return Found(path, f"symbolic link cannot be followed: {(exc.strerror or str(exc)).lower()}")
    if stat.S_ISDIR(mode):
        return Found(path, "symbolic link to a folder (links to folders are not followed)")
    if not stat.S_ISREG(mode):
        return Found(path, f"symbolic link to a {file_kind(mode)}, not a regular file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return Found(path, f"unsupported type '{path.suffix or path.name}'")
    if not any(target == bound or bound in target.parents for bound in bounds):
        return Found(path, f"symbolic link to a file outside the indexed folders ({target})")
    return Found(path)


def _name_is_valid(name: str) -> bool:
    """A name the OS handed back with undecodable bytes (as surrogates) cannot be stored or shown."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _displayable(path: Path) -> Path:
    return Path(os.fsencode(path).decode("utf-8", "replace"))
