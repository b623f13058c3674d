"""The one-line status bar: index, what it holds, and the models in use with their state.

The LLM and its state sit on the right and never shrink; the left part is cut with an ellipsis.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from ragbox.tui.formatting import short_model_name

STATE_ICON = {"ready": "●", "loading": "◌", "error": "✖", "not loaded": "○", "not used": "–"}
STATE_STYLE = {"ready": "green", "loading": "yellow", "error": "red"}


def embedding_label(model_id: str) -> str:
    return short_model_name(model_id.split("@", 1)[0], 28) if model_id else "-"


class StatusBar(Horizontal):
    index_name: reactive[str] = reactive("")
    files: reactive[int | None] = reactive(None)
    chunks: reactive[int] = reactive(0)
    embedding: reactive[str] = reactive("")
    llm: reactive[str] = reactive("")
    llm_state: reactive[str] = reactive("not loaded")
    watching: reactive[bool] = reactive(False)

    def compose(self) -> ComposeResult:
        yield Static(id="status-index")
        yield Static(id="status-llm")

    def on_mount(self) -> None:
        self._render_parts()

    def watch_index_name(self) -> None: self._render_parts()
    def watch_files(self) -> None: self._render_parts()
    def watch_chunks(self) -> None: self._render_parts()
    def watch_embedding(self) -> None: self._render_parts()
    def watch_llm(self) -> None: self._render_parts()
    def watch_llm_state(self) -> None: self._render_parts()
    def watch_watching(self) -> None: self._render_parts()

    def _render_parts(self) -> None:
        if not self.is_mounted:
            return
        left = Text.assemble(("ragbox", "bold"), " · ", (self.index_name, "bold"), " · ")
        if self.files is None:
            left.append("reading…", "dim")
        else:
            left.append(f"{self.files} files · {self.chunks} chunks")
        if self.watching:
            left.append(" · ")
            left.append("watching", "bold green")
        left.append(" · emb ", "dim")
        left.append(embedding_label(self.embedding))
        left.no_wrap = True
        left.overflow = "ellipsis"
        right = Text.assemble(("LLM ", "dim"), short_model_name(self.llm.removesuffix(".gguf"), 30), " ",
                              (f"{STATE_ICON.get(self.llm_state, '○')} {self.llm_state}",
                               STATE_STYLE.get(self.llm_state, "dim")))
        self.query_one("#status-index", Static).update(left)
        self.query_one("#status-llm", Static).update(right)
