"""Pilot tests of the review view: the table over the real index of sample_docs, a cell's quote in
its page, export, reopening, stopping."""

from __future__ import annotations

import csv
import io
import stat
import threading

import pytest
from textual.widgets import DataTable

from ragbox.paths import display_path
from ragbox.table.export import table_csv
from ragbox.tui.app import RagboxApp
from ragbox.tui.screens.passage import HIGHLIGHT, PassageScreen
from ragbox.tui.screens.review import ReviewScreen

from tui_support import notified, ready, wait_for

pytestmark = pytest.mark.anyio
QUESTIONS = "governing law; renewal term; termination for convenience"


async def make_table(pilot, questions: str = QUESTIONS, scope: str | None = "contracts/**") -> ReviewScreen:
    app = pilot.app
    await ready(pilot)
    if scope:
        app.main_screen.set_scope(scope)
    await pilot.press("ctrl+b")
    screen = app.screen
    assert isinstance(screen, ReviewScreen) and app.focused is screen.query_one("#review-questions")
    screen.query_one("#review-questions").value = questions
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.table is not None and not screen.running, timeout=120, what="the table")
    await pilot.pause()
    return screen


def cell_texts(screen: ReviewScreen) -> list[list[str]]:
    grid = screen.query_one(DataTable)
    return [[str(value) for value in grid.get_row_at(row)] for row in range(grid.row_count)]


async def test_the_review_table_shows_each_files_answers_and_opens_a_quote_in_its_page(extracting_engine):
    app = RagboxApp(extracting_engine)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await make_table(pilot)
        # a clause answer is unsure as in ask; the renewal "renews automatically": sure
        assert cell_texts(screen) == [
            ["contracts/mutual_nda_northwind_bluefin.pdf", "Delaware", "not found", "Yes (unsure)"],
            ["contracts/services_agreement_acme_globex.pdf", "New York", "Successive one (1) year renewal terms",
             "Yes (unsure)"]]
        grid = screen.query_one(DataTable)
        assert [str(grid.get_cell_at((0, column)).style) for column in (1, 2, 3)] == ["green", "dim", "yellow"]
        summary = str(screen.query_one("#review-summary").render())
        assert "2 files × 3 questions: 3 found, 2 unsure, 1 not found" in summary
        # the highlighted cell's sentence is quoted under the table
        await pilot.press("right")
        quote = str(screen.query_one("#review-quote").render())
        assert quote.startswith("contracts/mutual_nda_northwind_bluefin.pdf, page 3: “9.1 This Agreement shall be "
                                "governed by and construed in accordance with the laws of the State of Delaware")
        # Enter opens the page with just that sentence highlighted, at its offsets
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.page_text)
        passage = app.screen
        cell = screen.table.cells[0][0]
        offsets = cell.file_offsets()
        assert passage.span == (offsets["quote_start"], offsets["quote_end"])
        assert passage.page_text[slice(*passage.span)] == cell.quote
        shown = passage.query_one("#passage-text").content
        assert [(s.start, s.end) for s in shown.spans if str(s.style) == HIGHLIGHT] == [passage.span]
        title = str(passage.query_one("#passage-title").render())
        assert title == "contracts/mutual_nda_northwind_bluefin.pdf, page 3 · governing law: Delaware"
        await pilot.press("escape")
        assert app.screen is screen
        # a cell with nothing found says so instead of opening anything
        await pilot.press("right", "enter")
        await notified(pilot, "Not found in this file")
        assert app.screen is screen


async def test_save_copy_and_reopen_the_table(extracting_engine, monkeypatch):
    copied = []
    app = RagboxApp(extracting_engine)
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await make_table(pilot, "governing law; non-compete")
        await pilot.press("ctrl+s")
        await notified(pilot, "Table saved")
        csv_path, md_path = screen.saved
        assert csv_path.parent == extracting_engine.tables_dir()
        # private like the index (the cells quote the documents), in a private folder
        assert [stat.S_IMODE(p.stat().st_mode) for p in (csv_path.parent, csv_path, md_path)] == [0o700, 0o600, 0o600]
        roots = app.main_screen.roots
        expected = table_csv(screen.table, lambda path: display_path(path, roots))
        assert csv_path.read_bytes().decode("utf-8") == expected
        rows = list(csv.DictReader(io.StringIO(expected)))
        assert [r["governing law: answer"] for r in rows] == ["Delaware", "New York"]
        assert "| contracts/mutual_nda_northwind_bluefin.pdf | Delaware [1] | not found |" in md_path.read_text()
        await pilot.press("ctrl+y")
        assert copied and copied[-1] == md_path.read_text()
        # back to the conversation, and the review view opens again on the same table
        await pilot.press("escape")
        assert app.screen is app.main_screen
        await pilot.press("ctrl+b")
        again = app.screen
        assert isinstance(again, ReviewScreen) and again is not screen
        assert again.query_one("#review-questions").value == "governing law; non-compete"
        assert cell_texts(again)[1] == ["contracts/services_agreement_acme_globex.pdf", "New York", "not found"]


async def test_escape_stops_the_table_at_the_last_whole_row(extracting_engine):
    gate, searches = threading.Event(), []
    retriever = extracting_engine.retriever
    search = retriever.search

    def held(*args, **kwargs):
        searches.append(args[0])
        if len(searches) == 2:
            gate.wait(30)  # the first file's second cell
        return search(*args, **kwargs)

    retriever.search = held
    app = RagboxApp(extracting_engine)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        app.main_screen.set_scope("contracts/**")
        await pilot.press("ctrl+b")
        screen = app.screen
        screen.query_one("#review-questions").value = QUESTIONS
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(searches) == 2, what="the second cell")
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 1, what="the first cell shown")
        await pilot.press("escape")
        assert screen.running and app.screen is screen  # Esc stops first, it does not leave
        gate.set()
        await wait_for(pilot, lambda: not screen.running, what="the stop")
        await pilot.pause()
        assert len(searches) == 2 and screen.table.documents == [] and screen.query_one(DataTable).row_count == 0
        assert "Stopped after 0 of 2 files" in str(screen.query_one("#review-summary").render())
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_the_help_lists_the_review_keys(sample_engine):
    rows = RagboxApp(sample_engine).key_help()
    assert ("ctrl+b", "Review", "anywhere") in rows
    assert ("ctrl+s", "Save CSV+MD", "review") in rows and ("Esc", "Stop / back", "review") in rows
