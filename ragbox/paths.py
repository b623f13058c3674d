"""How a file is named to the user: relative to a folder they know, else with ~ for home.

The CLI shows paths relative to the current folder (what the user typed); the app and exported
conversations show them relative to the folders the index was built from. A document inside a
file (an e-mail's attachment, a message of an mbox) is named ``file › inner``: its *part path*.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ragbox.types import Hit

if TYPE_CHECKING:
    from ragbox.config import Settings


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


PART_SEPARATOR = " › "
# Formats without pages whose headings are how a reader finds a passage: cited by section.
SECTION_CITED = (".docx", ".html", ".htm")


def part_path(file: str, part: str) -> str:
    """The path shown for document ``part`` inside ``file`` ('' is the file itself)."""
    return f"{file}{PART_SEPARATOR}{part}" if part else file


def document_name(path: str) -> str:
    """The name of the document a part path ends at: "contract.pdf" for ``mail.eml › contract.pdf``,
    the file's name for a file's own text."""
    return Path(path.split(PART_SEPARATOR)[-1]).name


def split_part_path(path: str) -> tuple[str, str]:
    """``(file, part)`` of a part path; a real file whose name holds the separator stays whole."""
    if PART_SEPARATOR not in path or Path(path).exists():
        return path, ""
    file, _, part = path.partition(PART_SEPARATOR)
    return file, part


def locator(hit: Hit, bases: Sequence[str | Path] = ()) -> str:
    """``file, page n`` (``, OCR`` when the page was read from its image); a Word or HTML
    passage by its section (``file, section 7. Termination``); else just the file."""
    where = display_path(hit.path, bases)
    if hit.page is not None:
        return f"{where}, page {hit.page}" + (", OCR" if hit.ocr else "")
    if hit.section and Path(hit.path).suffix.lower() in SECTION_CITED:
        return f"{where}, section {hit.section.split(' | ')[0]}"
    return where


def data_dir(settings: Settings) -> Path:
    """Where ragbox keeps what it cannot make again without the user's files (the indexes, saved
    conversations and tables): ``store.dir``, else the platform's user data dir."""
    if settings.store.dir:
        return Path(settings.store.dir).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ragbox"))


def list_indexes(settings: Settings) -> list[str]:
    """The names of the indexes kept in ``data_dir``."""
    root = data_dir(settings) / "indexes"
    return sorted(p.name for p in root.iterdir() if (p / "catalog.sqlite3").is_file()) if root.is_dir() else []


def cache_dir() -> Path:
    """Where ragbox keeps files it can always make again (the assembled LLM, exported models):
    ``RAGBOX_CACHE_DIR``, else the platform's user cache dir."""
    from platformdirs import user_cache_dir

    return Path(os.environ.get("RAGBOX_CACHE_DIR") or user_cache_dir("ragbox"))


INDEX_KEY_FILE = "key.ragbox"  # an encrypted index's wrapped key (``store.keyfile``): its presence marks one


def is_encrypted_index(settings: Settings) -> bool:
    """Whether the index ``settings`` name is encrypted at rest (without opening or unlocking it)."""
    return (data_dir(settings) / "indexes" / settings.store.index / INDEX_KEY_FILE).is_file()
