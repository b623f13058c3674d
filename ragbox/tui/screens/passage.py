"""A cited passage shown in context: the whole page, the cited span highlighted and in view."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ragbox.conversation import locator

HIGHLIGHT = "bold black on yellow"


def locate_span(page_text: str, hit) -> tuple[int, int] | None:
    """Where the hit lies in the re-extracted page: its offsets, or a search if the file moved on."""
    if page_text[hit.char_start:hit.char_end] == hit.text:
        return hit.char_start, hit.char_end
    found = page_text.find(hit.text)
    return (found, found + len(hit.text)) if found >= 0 else None


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

    def __init__(self, number: int, hit, roots: Sequence[str] = ()) -> None:
        super().__init__()
        self.number = number
        self.hit = hit
        self.roots = list(roots)
        self.span: tuple[int, int] | None = None
        self.page_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="passage-dialog"):
            yield Static(f"[{self.number}] {locator(self.hit, self.roots)} · score {self.hit.score:.2f}",
                         id="passage-title", markup=False)
            yield Static("", id="passage-note")
            with VerticalScroll(id="passage-scroll"):
                yield Static("Reading the page…", id="passage-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passage-note").display = False
        self._read_page()

    @work(thread=True, exclusive=True)
    def _read_page(self) -> None:
        from ragbox.errors import RagboxError
        from ragbox.loaders import page_texts

        hit = self.hit
        try:
            pages = page_texts(Path(hit.path))
            index = (hit.page - 1) if hit.page is not None else 0
            if not 0 <= index < len(pages):
                raise IndexError(f"page {hit.page} is no longer in the file")
            page_text = pages[index].text
        except (RagboxError, OSError, IndexError) as exc:
            why = exc.one_line() if isinstance(exc, RagboxError) else str(exc)
            self.app.call_from_thread(self._show, hit.text, (0, len(hit.text)),
                                      f"Cannot re-read the file, showing the indexed passage only. {why}", why)
            return
        span = locate_span(page_text, hit)
        note = "" if span else "The file changed since it was indexed: the cited passage is not on this page any more."
        self.app.call_from_thread(self._show, page_text, span, note, "")

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
