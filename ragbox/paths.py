"""How a file is named to the user: relative to a folder they know, else with ~ for home.

The CLI shows paths relative to the current folder (what the user typed); the app and exported
conversations show them relative to the folders the index was built from.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from ragbox.types import Hit


def display_path(path: str, bases: Sequence[str | Path] = ()) -> str:
    """``path`` relative to the deepest of ``bases`` holding it (a base that is the file itself
    shows its name), else with ~ for the home folder, else unchanged."""
    p = Path(path)
    for base in sorted((str(b) for b in bases), key=len, reverse=True):
        try:
            relative = p.relative_to(base)
        except ValueError:
            continue
        return p.name if str(relative) == "." else str(relative)
    home = str(Path.home())
    return "~" + path[len(home):] if path.startswith(home + "/") else path


def locator(hit: Hit, bases: Sequence[str | Path] = ()) -> str:
    """``file, page n`` (or just the file for text files)."""
    where = display_path(hit.path, bases)
    return f"{where}, page {hit.page}" if hit.page is not None else where


def cache_dir() -> Path:
    """Where ragbox keeps files it can always make again (the assembled LLM, exported models):
    ``RAGBOX_CACHE_DIR``, else the platform's user cache dir."""
    from platformdirs import user_cache_dir

    return Path(os.environ.get("RAGBOX_CACHE_DIR") or user_cache_dir("ragbox"))
