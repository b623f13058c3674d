"""The review view: the same questions asked of every file in scope, one row per file.

Type the questions separated by ";" ("governing law; renewal term; non-compete") and press Enter:
the table fills in as each file is read, in a worker thread. Each cell shows the answer, coloured
by its state (found, unsure, not found); the line under the table quotes the sentence of the
highlighted cell, and Enter opens it in the context of its page, highlighted. ctrl+s saves the
table as CSV and Markdown, ctrl+y copies it as Markdown.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, ProgressBar, Static

from ragbox.paths import display_path, locator
from ragbox.privacy import write_private_text
from ragbox.table.export import cell_summary, table_csv, table_markdown
from ragbox.text import quote
from ragbox.tui.messages import TableCellReady, TableFinished
from ragbox.tui.screens.passage import PassageScreen

STATE_STYLES = {"found": "green", "unsure": "yellow", "not found": "dim"}


def parse_columns(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class ReviewScreen(Screen[tuple[str, object] | None]):
    """Dismissed with (the questions typed, the last table) so the main screen can reopen it."""

    BINDINGS = [
        Binding("escape", "close", "Stop / back", tooltip="Stop the table being made, or go back"),
        Binding("ctrl+s", "save", "Save CSV+MD", tooltip="Save the table as CSV and Markdown"),
        Binding("ctrl+y", "copy", "Copy MD", tooltip="Copy the table as Markdown"),
        Binding("ctrl+e", "edit", "Questions", tooltip="Edit the questions"),
    ]

    def __init__(self, engine, where: str | None, roots: Sequence[str], questions: str = "", table=None) -> None:
        super().__init__()
        self.engine = engine
        self.where = where
        self.roots = list(roots)
        self.questions = questions
        self.table = table  # the last finished table (ragbox.types.Table)
        self.cells: dict[tuple[str, int], object] = {}
        self.run_id = 0
        self.cancel: threading.Event | None = None
        self.saved: list[Path] = []

    @property
    def running(self) -> bool:
        return self.cancel is not None

    def compose(self) -> ComposeResult:
        scope = f"files matching {self.where}" if self.where else "every indexed file"
        yield Static(f"[b]Review[/b]: the same questions of {scope}, one row per file", id="review-title")
        yield Input(value=self.questions, id="review-questions",
                    placeholder="Questions separated by ';', e.g. governing law; renewal term; non-compete")
        yield ProgressBar(id="review-progress", show_eta=True)
        yield DataTable(id="review-table", cursor_type="cell", zebra_stripes=True)
        yield Static("", id="review-quote")
        yield Static("", id="review-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        if self.table is not None:
            self._show_table(self.table)
            self.query_one(DataTable).focus()
        else:
            self.query_one(Input).focus()
            self.query_one("#review-summary", Static).update(
                "Type the questions and press Enter. Short ones work: a fact (governing law, renewal term) is "
                "asked as 'What is the …?', anything else (non-compete) as 'Is there a … clause?'.")

    # --- making the table ----------------------------------------------------------------------
    @on(Input.Submitted, "#review-questions")
    def _submitted(self, event: Input.Submitted) -> None:
        columns = parse_columns(event.value)
        if not columns:
            self.notify("Type at least one question.", severity="warning")
            return
        if self.running:
            self.notify("Still making the table: press Esc to stop it first.", severity="warning")
            return
        self.questions = event.value
        self.run_id += 1
        self.cancel = threading.Event()
        self.cells.clear()
        self._reset(columns)
        self._make(self.run_id, columns, self.cancel)

    def _reset(self, columns: list[str]) -> None:
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        grid.add_column("File", key="file")
        for number, column in enumerate(columns):
            grid.add_column(column, key=f"c{number}")
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#review-quote", Static).update("")
        self.query_one("#review-summary", Static).update("Reading the files…")
        grid.focus()

    @work(thread=True, group="review")
    def _make(self, run_id: int, columns: list[str], cancel: threading.Event) -> None:
        from ragbox.errors import RagboxError

        def progress(done: int, total: int, cell) -> None:
            self.post_message(TableCellReady(run_id, cell, done, total))

        try:
            table = self.engine.table(columns, where=self.where, on_progress=progress, cancel=cancel)
            self.post_message(TableFinished(run_id, table))
        except RagboxError as exc:
            self.post_message(TableFinished(run_id, error=exc.one_line()))
        except Exception as exc:  # the app stays usable whatever goes wrong
            self.post_message(TableFinished(run_id, error=f"{type(exc).__name__}: {exc}"))

    def on_table_cell_ready(self, message: TableCellReady) -> None:
        if message.run_id != self.run_id:
            return
        cell = message.cell
        grid = self.query_one(DataTable)
        if cell.path not in grid.rows:
            placeholders = [Text("…", style="dim")] * (len(grid.columns) - 1)
            grid.add_row(display_path(cell.path, self.roots), *placeholders, key=cell.path)
        grid.update_cell(cell.path, f"c{cell.column}", cell_text(cell), update_width=True)
        self.cells[(cell.path, cell.column)] = cell
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        if grid.cursor_row == 0 and grid.cursor_column in (0, cell.column + 1):
            self._show_quote()

    def on_table_finished(self, message: TableFinished) -> None:
        if message.run_id != self.run_id:
            return
        stopped = self.cancel is not None and self.cancel.is_set()
        self.cancel = None
        self.query_one(ProgressBar).display = False
        if message.error:
            self.query_one("#review-summary", Static).update(f"[b red]Cannot make the table:[/b red] {message.error}")
            self.notify(message.error, title="Review", severity="error", timeout=8)
            return
        self.table = message.table
        grid = self.query_one(DataTable)
        for key in [k for k in grid.rows if k.value not in message.table.documents]:
            grid.remove_row(key)  # a file stopped half-way
        self._summarise(message.table, stopped)

    def _show_table(self, table) -> None:
        self._reset(table.columns)
        self.query_one(ProgressBar).display = False
        grid = self.query_one(DataTable)
        for path, row in zip(table.documents, table.cells):
            grid.add_row(display_path(path, self.roots), *(cell_text(c) for c in row), key=path)
            self.cells.update({(path, c.column): c for c in row})
        self._summarise(table, False)
        self._show_quote()

    def _summarise(self, table, stopped: bool) -> None:
        counts = table.counts()
        cells = sum(counts.values())
        per_cell = sum(c.seconds for row in table.cells for c in row) / max(1, cells)
        head = f"Stopped after {len(table.documents)} of {table.searched.get('files')} files. " if stopped else ""
        self.query_one("#review-summary", Static).update(
            f"{head}{len(table.documents)} files × {len(table.columns)} questions: "
            f"[green]{counts['found']} found[/green], [yellow]{counts['unsure']} unsure[/yellow], "
            f"{counts['not found']} not found · {per_cell:.2f} s per cell · Enter opens the quote in its page · "
            f"ctrl+s saves CSV and Markdown")

    # --- reading a cell ------------------------------------------------------------------------
    def _cell_at_cursor(self):
        grid = self.query_one(DataTable)
        if not grid.row_count or grid.cursor_column == 0:
            return None
        row_key, column_key = grid.coordinate_to_cell_key(grid.cursor_coordinate)
        return self.cells.get((row_key.value, int(column_key.value[1:])))

    @on(DataTable.CellHighlighted, "#review-table")
    def _show_quote(self) -> None:
        cell = self._cell_at_cursor()
        line = self.query_one("#review-quote", Static)
        if cell is None or cell.source is None:
            line.update("" if cell is None else "[dim]Not found in this file.[/dim]")
            return
        where = locator(cell.source, self.roots)
        line.update(Text.assemble((f"{where}: ", "bold"), f"“{quote(cell.quote, 300)}”",
                                  (f" · confidence {cell.confidence:.2f}", "dim")))

    @on(DataTable.CellSelected, "#review-table")
    def _open(self) -> None:
        cell = self._cell_at_cursor()
        if cell is None:
            return
        if cell.source is None or cell.evidence is None:
            self.notify("Not found in this file: there is no quote to open.", severity="warning", timeout=4)
            return
        self.app.push_screen(PassageScreen(0, quoted_hit(cell), self.roots, self.engine.page_in_context,
                                           title=f"{locator(cell.source, self.roots)} · "
                                                 f"{self.table_column(cell)}: {cell.text or cell.state}"))

    def table_column(self, cell) -> str:
        grid = self.query_one(DataTable)
        return str(grid.columns[grid.coordinate_to_cell_key(grid.cursor_coordinate)[1]].label)

    # --- actions -------------------------------------------------------------------------------
    def action_close(self) -> None:
        if self.running:
            self.cancel.set()
            self.notify("Stopping after the current cell…", timeout=3)
            return
        self.dismiss((self.questions, self.table))

    def action_edit(self) -> None:
        self.query_one(Input).focus()

    def _finished_table(self):
        if self.table is None or self.running:
            self.notify("No finished table yet.", severity="warning")
            return None
        return self.table

    def action_save(self) -> None:
        table = self._finished_table()
        if table is None:
            return
        folder = self.engine.tables_dir()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        shown = lambda path: display_path(path, self.roots)  # noqa: E731
        paths = [folder / f"review-{stamp}.csv", folder / f"review-{stamp}.md"]
        try:  # private like the index: the cells quote the documents
            write_private_text(paths[0], self.engine.at_rest(table_csv(table, shown)))  # sealed when encrypted
            write_private_text(paths[1], self.engine.at_rest(table_markdown(table, shown)))
        except OSError as exc:
            self.notify(f"{folder}: {exc.strerror or exc}", title="Cannot save", severity="error")
            return
        self.saved = paths
        self.notify(f"{paths[0]}\n{paths[1]}", title="Table saved", timeout=10)

    def action_copy(self) -> None:
        table = self._finished_table()
        if table is not None:
            self.app.copy_to_clipboard(table_markdown(table, lambda path: display_path(path, self.roots)))
            self.notify(f"Copied the table ({len(table.documents)} files) as Markdown.", timeout=4)


def cell_text(cell) -> Text:
    return Text(cell_summary(cell, 48), style=STATE_STYLES[cell.state])


def quoted_hit(cell):
    """The cell's passage narrowed to its quoted sentence, so the page view highlights just that."""
    start, end = cell.evidence.sentence
    source = cell.source
    return replace(source, char_start=source.char_start + start, char_end=source.char_start + end,
                   text=source.text[start:end])
