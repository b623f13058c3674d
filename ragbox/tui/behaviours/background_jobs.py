"""The main screen's long jobs besides answering: re-indexing the folders, watching them, and
switching the LLM.

All run in thread workers and report back with messages, so the conversation stays usable while
they run (a question can be asked mid-way through a re-index).
"""

from __future__ import annotations

import dataclasses
import threading
import time

from textual import work

from ragbox.tui.formatting import format_index_summary
from ragbox.tui.messages import IndexFinished, IndexProgressed, WatchRan, WatchStopped
from ragbox.tui.screens.dialogs import ModelDialog
from ragbox.tui.widgets.bars import IndexBar
from ragbox.tui.widgets.documents import DocumentsPanel
from ragbox.tui.widgets.status_bar import StatusBar

PROGRESS_INTERVAL_S = 0.1


class BackgroundJobs:
    """Mixed into ``MainScreen``: needs ``engine``, ``roots``, ``indexing``, ``watch_stop`` and
    ``load_catalog``."""

    # --- re-indexing ---------------------------------------------------------------------------
    def action_reindex(self) -> None:
        if self.indexing:
            self.notify("Already re-indexing.", severity="warning")
            return
        if not self.roots:
            self.notify("This index has no folders yet: run `ragbox index FOLDER` first.",
                        title="Nothing to re-index", severity="warning")
            return
        self.indexing = True
        self.query_one(IndexBar).start()
        self._reindex(list(self.roots))

    @work(thread=True, exclusive=True, group="index")
    def _reindex(self, roots: list[str]) -> None:
        from ragbox.errors import RagboxError

        last = [0.0]

        def progress(p) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL_S or p.files_done == p.files_total:
                last[0] = now
                self.post_message(IndexProgressed(dataclasses.replace(p)))

        try:
            summary = self.engine.index([], progress)
        except RagboxError as exc:
            self.post_message(IndexFinished(error=exc.one_line()))
            return
        except Exception as exc:
            self.post_message(IndexFinished(error=f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(IndexFinished(summary=summary))
        self.load_catalog()

    def on_index_progressed(self, message: IndexProgressed) -> None:
        self.query_one(IndexBar).update_progress(message.progress)

    def on_index_finished(self, message: IndexFinished) -> None:
        self.indexing = False
        self.query_one(IndexBar).stop()
        if message.error:
            self.notify(message.error, title="Re-index failed", severity="error", timeout=10)
            return
        text = format_index_summary(message.summary, self.roots)
        self.query_one(DocumentsPanel).show_summary(text)
        self.notify(text.splitlines()[0], title="Re-index finished", timeout=8)

    # --- watching -----------------------------------------------------------------------------
    def action_toggle_watch(self) -> None:
        if self.watch_stop is not None:
            self.stop_watching()
            self.notify("Stopped watching the folders.", title="Watch", timeout=4)
            return
        if not self.roots:
            self.notify("This index has no folders yet: run `ragbox index FOLDER` first.",
                        title="Nothing to watch", severity="warning")
            return
        self.watch_stop = threading.Event()
        self.query_one(StatusBar).watching = True
        self.notify(f"Watching {len(self.roots)} folder(s): files added, changed, renamed or deleted are "
                    "indexed as it happens (F5 stops).", title="Watch", timeout=6)
        self._watch(list(self.roots), self.watch_stop)

    def stop_watching(self) -> None:
        if self.watch_stop is not None:
            self.watch_stop.set()
            self.watch_stop = None
            self.query_one(StatusBar).watching = False

    @work(thread=True, group="watch")
    def _watch(self, roots: list[str], stop: threading.Event) -> None:
        from ragbox.errors import RagboxError

        try:
            self.engine.watch(roots, lambda summary: self.post_message(WatchRan(summary)), stop,
                              on_error=lambda exc: self.post_message(WatchRan(error=exc.one_line())))
        except RagboxError as exc:
            self.post_message(WatchStopped(exc.one_line()))
        except Exception as exc:
            self.post_message(WatchStopped(f"{type(exc).__name__}: {exc}"))

    def on_watch_ran(self, message: WatchRan) -> None:
        if message.error:
            self.notify(message.error, title="Watch", severity="warning", timeout=8)
            return
        summary = message.summary
        if summary.indexed or summary.renamed or summary.removed:
            text = format_index_summary(summary, self.roots)
            self.query_one(DocumentsPanel).show_summary(text)
            self.notify(text.splitlines()[0], title="Folders changed", timeout=5)
            self.load_catalog()

    def on_watch_stopped(self, message: WatchStopped) -> None:
        self.stop_watching()
        self.notify(message.error, title="Stopped watching", severity="error", timeout=10)

    # --- models --------------------------------------------------------------------------------
    def action_switch_model(self) -> None:
        path = self.engine.llm.path()
        status = self.query_one(StatusBar)

        def chosen(value: str | None) -> None:
            if value:
                self._switch_model(value)

        dialog = ModelDialog(status.llm, path, status.embedding)
        self.app.push_screen(dialog, chosen)
        self._list_models(dialog)

    @work(thread=True, group="models")
    def _list_models(self, dialog: ModelDialog) -> None:
        try:
            rows = self.engine.llm.models()
        except Exception as exc:  # listing is a convenience: typing a path still works
            rows = []
            self.app.call_from_thread(self.notify, str(exc), title="Cannot list the models", severity="warning")
        if dialog.is_attached:
            self.app.call_from_thread(dialog.show_models, rows, self.engine.settings.llm.n_ctx)

    @work(thread=True, exclusive=True, group="model")
    def _switch_model(self, path: str) -> None:
        from ragbox.errors import RagboxError

        try:
            new = self.app.models.switch(path)
        except RagboxError as exc:
            self.app.call_from_thread(self.notify, exc.one_line(), title="Cannot switch the LLM",
                                      severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"Now answering with {new.name}.", title="LLM")

