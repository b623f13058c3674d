"""Walking the folders to index: every file met, and why it will be skipped when it will."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class Found:
    """A file met while walking a folder; ``skip_reason`` is set when it will not be indexed."""

    path: Path
    skip_reason: str | None = None


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
