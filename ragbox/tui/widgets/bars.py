"""The one-line bars above the question input: the active scope and the re-index progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Label, ProgressBar, Static

from ragbox.tui.formatting import format_progress


class ScopeBar(Static):
    """Shows the active path pattern; hidden when questions search the whole index."""

    def show(self, pattern: str | None, matches: int | None = None, total: int = 0) -> None:
        self.display = bool(pattern)
        if not pattern:
            return
        count = "" if matches is None else f" ({matches} of {total} files)"
        self.set_class(matches == 0, "-empty")
        self.update(f"[b]Scope{count}:[/b] {escape(pattern)}  [dim]ctrl+g to change[/dim]")


class IndexBar(Horizontal):
    """Re-indexing progress: a bar by bytes, with file, page and chunk counts."""

    def compose(self) -> ComposeResult:
        yield Label("Re-indexing", id="index-label")
        yield ProgressBar(id="index-progress", show_eta=False)
        yield Label("finding files…", id="index-counts")

    def start(self) -> None:
        self.display = True
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.query_one("#index-counts", Label).update("finding files…")

    def update_progress(self, progress) -> None:
        self.query_one(ProgressBar).update(total=max(progress.bytes_total, 1), progress=progress.bytes_done)
        self.query_one("#index-counts", Label).update(format_progress(progress))

    def stop(self) -> None:
        self.display = False
