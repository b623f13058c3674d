"""Helpers of the encrypted-index tests: a canary document, and a search of every byte of
ragbox's data and cache folders for it."""

from __future__ import annotations

import secrets
from pathlib import Path

from ragbox.paths import cache_dir


def canary_word() -> str:
    """A word no file holds by chance (lower case: the keyword index keeps words lower-cased)."""
    return "zq" + secrets.token_hex(6).translate(str.maketrans("0123456789", "ghijklmnop"))


def write_canary_folder(folder: Path, canary: str) -> Path:
    """A folder of one note that names the canary in its every passage."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"Memo {n}: the project code name is {canary}; the {canary} budget is {n} million euros."
             for n in range(1, 30)]
    (folder / f"memo-{canary}.txt").write_text("Project memo\n\n" + "\n".join(lines) + "\n")
    return folder


def files_holding(needles: list[bytes], *roots: Path) -> list[str]:
    """Every file under ``roots`` (hidden, WAL and SHM files included) holding one of ``needles``,
    compared case-blind for text."""
    found = []
    for root in roots:
        for path in sorted(Path(root).rglob("*")) if Path(root).exists() else ():
            if not path.is_file() or path.is_symlink():
                continue
            data = path.read_bytes()
            lowered = data.lower()
            if any(needle in data or needle.lower() in lowered for needle in needles):
                found.append(str(path))
    return found


def ragbox_folders(store: Path) -> list[Path]:
    """The data folder of a test (``store.dir``) and ragbox's cache folder."""
    return [store, cache_dir()]


def disk_state(root: Path) -> dict:
    """Every file under ``root``: its bytes and modification time (to prove nothing changed)."""
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(Path(root).rglob("*")) if p.is_file()}
