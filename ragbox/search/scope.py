"""Scoping a search to files by path globs: ``contracts/**``, ``*.md``, ``Part_I/**``."""

from __future__ import annotations

import fnmatch
from typing import Iterable

from ragbox.types import Where


def patterns_of(where: Where) -> list[str]:
    patterns = [where] if isinstance(where, str) else list(where or [])
    return [p.strip() for p in patterns if p and p.strip()]


def path_matches(path: str, pattern: str) -> bool:
    """A pattern matches the full path, any trailing part of it (so ``contracts/*.pdf`` works
    without the absolute prefix), or the file name."""
    parts = path.split("/")
    candidates = ["/".join(parts[i:]) for i in range(len(parts))]
    glob = pattern.replace("**/", "*").replace("/**", "/*")
    return any(fnmatch.fnmatchcase(c, glob) for c in candidates)


def in_scope(path: str, where: Where) -> bool:
    """Whether ``path`` matches any of the globs (everything matches no glob)."""
    patterns = patterns_of(where)
    return not patterns or any(path_matches(path, p) for p in patterns)


def glob_escape(path: str) -> str:
    """A path as a glob pattern matching only itself (fnmatch has no escape character)."""
    return "".join(f"[{c}]" if c in "*?[]" else c for c in path)


def matching_ids(documents: Iterable, where: Where) -> list[str] | None:
    """Ids of ``documents`` (rows with ``doc_id`` and ``path``) in scope, or None for no filter."""
    if not patterns_of(where):
        return None
    return [doc.doc_id for doc in documents if in_scope(doc.path, where)]
