"""A cited passage shown in context: the whole page, the cited span highlighted and in view."""

from __future__ import annotations

from typing import Callable, Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ragbox.paths import locator

HIGHLIGHT = "bold black on yellow"


def passage_text(page_text: str, span: tuple[int, int] | None) -> Text:
    text = Text(page_text)
    if span:
        text.stylize(HIGHLIGHT, *span)
    return text


class PassageScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("c", "copy", "Copy passage"),
        Binding("n", "scroll_to_span", "Go to span"),
    ]

    def __init__(self, number: int, hit, roots: Sequence[str], page_in_context: Callable, title: str = "") -> None:
        """``title`` replaces the source's "[n] file, page · score" line (a review table's cell)."""
        super().__init__()
        self.title_text = title
        self.page_in_context = page_in_context  # Engine.page_in_context
        self.number = number
        self.hit = hit
        self.roots = list(roots)
        self.span: tuple[int, int] | None = None
        self.page_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="passage-dialog"):
            title = self.title_text or f"[{self.number}] {locator(self.hit, self.roots)} · score {self.hit.score:.2f}"
            yield Static(title, id="passage-title", markup=False)
            yield Static("", id="passage-note")
            with VerticalScroll(id="passage-scroll"):
                yield Static("Reading the page…", id="passage-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passage-note").display = False
        self._read_page()

    @work(thread=True, exclusive=True)
    def _read_page(self) -> None:
        page = self.page_in_context(self.hit)
        self.app.call_from_thread(self._show, page.text, page.span, page.note, page.error)

    def _show(self, page_text: str, span, note: str, error: str) -> None:
        self.page_text = page_text
        self.span = span
        if error:
            self.notify(error, title="Cannot open the source", severity="error")
        note_widget = self.query_one("#passage-note", Static)
        note_widget.update(note)
        note_widget.display = bool(note)
        self.query_one("#passage-text", Static).update(passage_text(page_text, span))
        self.call_after_refresh(self.action_scroll_to_span)

    def action_scroll_to_span(self) -> None:
        scroll = self.query_one("#passage-scroll", VerticalScroll)
        if not self.span:
            return
        width = max(10, self.query_one("#passage-text", Static).content_region.width)
        lines = Text(self.page_text[: self.span[0]]).wrap(self.app.console, width)
        scroll.scroll_to(y=max(0, len(lines) - 3), animate=False)

    def action_copy(self) -> None:
        text = self.page_text[self.span[0]:self.span[1]] if self.span else self.hit.text
        self.app.copy_to_clipboard(f"{text}\n— {locator(self.hit, self.roots)}")
        self.notify("Passage copied to the clipboard.")
