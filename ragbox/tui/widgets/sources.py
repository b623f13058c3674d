"""The sources of the latest answer: ``[n] file, page p · score``; Enter opens one in context."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ragbox.paths import display_path
from ragbox.text import quote
from ragbox.tui.messages import SourceRequested


def source_prompt(number: int, hit, cited: bool, roots: Sequence[str]) -> Text:
    """``● [n] file`` then ``page p · score s · section``; lines start flush so narrow panels wrap well."""
    text = Text()
    text.append("● " if cited else "○ ", "bold green" if cited else "dim")
    text.append(f"[{number}] ", "bold")
    text.append(display_path(hit.path, roots))
    where = f"page {hit.page}{', OCR' if hit.ocr else ''} · " if hit.page is not None else ""
    text.append(f"\n{where}score {hit.score:.2f}", "dim")
    if hit.section:
        text.append(f" · {quote(hit.section, 40)}", "dim italic")
    return text


class SourcesPanel(Vertical):
    def compose(self) -> ComposeResult:
        yield Static("No answer yet.", id="sources-title", classes="panel-title")
        yield OptionList(id="sources-list")

    def show(self, turn_id: int, answer, roots: Sequence[str]) -> None:
        self.turn_id = turn_id
        title = self.query_one("#sources-title", Static)
        options = self.query_one("#sources-list", OptionList)
        options.clear_options()
        if not answer.sources:
            title.update("No sources: nothing relevant was found.")
            return
        cited = len(answer.cited)
        title.update(f"{len(answer.sources)} sources · {cited} cited (●) · Enter opens")
        options.add_options(
            Option(source_prompt(n, hit, n in answer.cited, roots), id=f"source-{n}")
            for n, hit in enumerate(answer.sources, start=1))
        options.highlighted = 0

    def clear(self) -> None:
        self.query_one("#sources-title", Static).update("No answer yet.")
        self.query_one("#sources-list", OptionList).clear_options()

    def highlight(self, number: int) -> None:
        options = self.query_one("#sources-list", OptionList)
        if 0 < number <= options.option_count:
            options.highlighted = number - 1

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        number = int(event.option.id.split("-")[1])
        self.post_message(SourceRequested(self.turn_id, number))
