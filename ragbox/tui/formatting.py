"""Plain-text formatting shared by the app's widgets (no Textual import, unit-testable)."""

from __future__ import annotations

import time
from typing import Sequence

from ragbox.paths import display_path


def format_index_summary(summary, roots: Sequence[str] = ()) -> str:
    """The same summary ``ragbox index`` prints, with paths relative to the indexed folders."""
    return "\n".join(summary.describe(lambda path: display_path(path, roots)))


def format_progress(p) -> str:
    text = f"{p.files_done}/{p.files_total} files · {p.pages} pages · {p.chunks} chunks"
    if p.ocr_done < p.ocr_total:  # a scan is being read: seconds a page, so say which
        text += f" · {p.ocr_note()}"
    return text


def when_indexed(timestamp: float, now: float | None = None) -> str:
    """A short, human time: "just now", "5 min ago", "3 h ago", or the date."""
    now = time.time() if now is None else now
    age = max(0.0, now - timestamp)
    if age < 60:
        return "just now"
    if age < 3600:
        return f"{int(age // 60)} min ago"
    if age < 86400:
        return f"{int(age // 3600)} h ago"
    return time.strftime("%Y-%m-%d", time.localtime(timestamp))


def short_model_name(name: str | None, limit: int = 32) -> str:
    if not name:
        return "-"
    name = name.rsplit("/", 1)[-1]
    return name if len(name) <= limit else name[: limit - 1] + "…"
