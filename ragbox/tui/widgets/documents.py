"""The indexed documents (what each is: title and parties, from its card; pages, chunks, when)
and the skipped files, filtered by typing a file name, a title or a party."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ragbox.paths import display_path
from ragbox.tui.formatting import when_indexed
from ragbox.tui.messages import ScopeRequested


class DocumentsPanel(Vertical):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.documents: list = []
        self.skipped: dict[str, str] = {}
        self.roots: list[str] = []
        self.card_lines: dict[str, str] = {}  # path -> what its card says, made once a load
        self.coverage_lines: dict[str, str] = {}  # path -> its pages read by OCR or not read, when any

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter documents…", id="documents-filter")
        yield Static("Reading the index…", id="documents-title", classes="panel-title")
        yield OptionList(id="documents-list")
        yield Static("", id="index-summary")

    def load(self, documents: Sequence, skipped: dict[str, str], roots: Sequence[str], cards: dict | None = None,
             coverage: dict | None = None) -> None:
        self.card_lines = {path: card_line(card) for path, card in (cards or {}).items()}
        self.coverage_lines = {path: coverage_line(c) for path, c in (coverage or {}).items()}
        self.documents = list(documents)
        self.skipped = dict(skipped)
        self.roots = list(roots)
        self.refresh_list()

    def show_summary(self, text: str) -> None:
        summary = self.query_one("#index-summary", Static)
        summary.update(Text(text))
        summary.display = bool(text)

    def refresh_list(self) -> None:
        needle = self.query_one("#documents-filter", Input).value.strip().lower()
        options = self.query_one("#documents-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        shown = [d for d in self.documents if needle in display_path(d.path, self.roots).lower()
                 or needle in self.card_lines.get(d.path, "").lower()]
        skipped = [(p, r) for p, r in self.skipped.items()
                   if needle in display_path(p, self.roots).lower() or needle in r.lower()]
        for doc in shown:
            prompt = Text(display_path(doc.path, self.roots), style="bold")
            if self.card_lines.get(doc.path):
                prompt.append(f"\n{self.card_lines[doc.path]}")
            pages = f"{doc.pages} page" + ("s" if doc.pages != 1 else "")
            prompt.append(f"\n{pages} · {doc.chunks} chunks · {when_indexed(doc.indexed_at)}", "dim")
            if self.coverage_lines.get(doc.path):
                prompt.append(f"\n{self.coverage_lines[doc.path]}", "yellow")
            options.add_option(Option(prompt, id=f"doc-{self.documents.index(doc)}"))
        if skipped:
            options.add_option(Option(Text(f"Skipped ({len(skipped)})", style="bold"), disabled=True))
            for path, reason in skipped:
                prompt = Text(display_path(path, self.roots))
                prompt.append(f"\n{reason}", "italic")
                options.add_option(Option(prompt, disabled=True))
        total = len(self.documents)
        title = f"{len(shown)} of {total} files" if needle else f"{total} files indexed"
        if self.skipped:
            title += f" · {len(self.skipped)} skipped"
        self.query_one("#documents-title", Static).update(title + (" · Enter scopes to a file" if shown else ""))
        if shown:
            options.highlighted = min(highlighted or 0, len(shown) - 1)

    @on(Input.Changed, "#documents-filter")
    def _filter(self) -> None:
        self.refresh_list()

    @on(Input.Submitted, "#documents-filter")
    def _to_list(self) -> None:
        self.query_one("#documents-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#documents-list")
    def _scope_to(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        doc = self.documents[int(event.option.id.split("-")[1])]
        self.post_message(ScopeRequested(None, exact_path=display_path(doc.path, self.roots)))


def card_line(card) -> str:
    """What a document is, as a question may name it: "Strategic Alliance Agreement · Giggles N'
    Hugs, Inc. ("Giggles"), Excite Inc."."""
    parties = ", ".join(p.name + (f' ("{p.short_names[0]}")' if p.short_names else "") for p in card.parties)
    return " · ".join(part for part in (card.title or card.kind, parties) if part)


def coverage_line(coverage) -> str:
    """The pages of a document read by OCR or not read at all: "2 pages by OCR · not read: page 5"
    ('' when every page was read from its text, or the pages are not described)."""
    from ragbox.coverage import page_ranges

    ocr, unread = coverage.count("ocr"), coverage.not_read()
    notes = [f"{ocr} page{'s' if ocr != 1 else ''} by OCR"] if ocr else []
    if unread:
        notes.append(f"not read: page{'s' if len(unread) != 1 else ''} {page_ranges(unread)}")
    return " · ".join(notes)
