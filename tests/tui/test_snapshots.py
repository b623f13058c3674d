"""Snapshots of the main screens (``pytest --snapshot-update`` after an intended change)."""

from __future__ import annotations

from textual.widgets import Input

from ragbox.ingest.indexer import IndexProgress
from ragbox.tui.app import RagboxApp
from ragbox.tui.screens.passage import PassageScreen
from ragbox.tui.widgets.bars import IndexBar

from tui_support import ask, ready, wait_for

NDA_Q = "How can the Northwind Bluefin NDA be terminated?"


async def settle(pilot) -> None:
    pilot.app.clear_notifications()
    for screen in pilot.app.screen_stack:  # a blinking cursor is caught on or off by chance
        for field in screen.query(Input):
            field.cursor_blink = False
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_start_screen(snap_compare, sample_engine, fixed_times):
    async def run_before(pilot):
        await ready(pilot)
        await settle(pilot)

    assert snap_compare(RagboxApp(sample_engine), terminal_size=(100, 30), run_before=run_before)


def test_answer_with_sources(snap_compare, extracting_engine, fixed_times):
    """The default with the bundled model: the answer taken from the sources, its evidence below."""
    async def run_before(pilot):
        await ready(pilot)
        await ask(pilot, "How much notice is needed to terminate the Northwind Bluefin NDA?")
        await settle(pilot)

    assert snap_compare(RagboxApp(extracting_engine), terminal_size=(100, 30), run_before=run_before)


def test_answer_at_80x24(snap_compare, sample_engine, fixed_times):
    """A model's answer, every sentence checked against its source."""
    async def run_before(pilot):
        await ready(pilot)
        await ask(pilot, NDA_Q)
        await settle(pilot)

    assert snap_compare(RagboxApp(sample_engine), terminal_size=(80, 24), run_before=run_before)


def test_follow_up_light_theme(snap_compare, extracting_engine, fixed_times):
    async def run_before(pilot):
        await ready(pilot)
        await ask(pilot, "How can the Acme Globex services agreement be terminated?")
        await ask(pilot, "and what about the renewal term?")
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(RagboxApp(extracting_engine), terminal_size=(100, 30), run_before=run_before)


def test_passage_in_context(snap_compare, sample_engine, fixed_times):
    async def run_before(pilot):
        await ready(pilot)
        await ask(pilot, NDA_Q)
        await pilot.press("ctrl+o", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PassageScreen) and pilot.app.screen.page_text)
        await settle(pilot)

    assert snap_compare(RagboxApp(sample_engine), terminal_size=(100, 30), run_before=run_before)


def test_documents_filtered_and_scoped(snap_compare, sample_engine, fixed_times):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("ctrl+f", *".md", "enter")
        await settle(pilot)  # the first Enter moves focus to the list; let it land before the next
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)

    assert snap_compare(RagboxApp(sample_engine), terminal_size=(100, 30), run_before=run_before)


def test_reindex_progress(snap_compare, sample_engine, fixed_times):
    async def run_before(pilot):
        await ready(pilot)
        bar = pilot.app.main_screen.query_one(IndexBar)
        bar.start()
        bar.update_progress(IndexProgress(files_total=7, bytes_total=1000, files_done=3, bytes_done=400,
                                          pages=6, chunks=21))
        await settle(pilot)

    assert snap_compare(RagboxApp(sample_engine), terminal_size=(100, 30), run_before=run_before)


def test_help_screen(snap_compare, sample_engine, fixed_times):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(RagboxApp(sample_engine), terminal_size=(100, 30), run_before=run_before)


def test_model_dialog(snap_compare, sample_engine, fixed_times):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("ctrl+l")
        models = pilot.app.screen.query_one("#model-list")
        await wait_for(pilot, lambda: models.get_option_at_index(0).id is not None, what="the model list")
        await settle(pilot)

    assert snap_compare(RagboxApp(sample_engine), terminal_size=(100, 30), run_before=run_before)


def test_review_table(snap_compare, extracting_engine, fixed_times):
    """The review view over the two contracts, the cursor on a found cell with its quote below."""
    async def run_before(pilot):
        await ready(pilot)
        pilot.app.main_screen.set_scope("contracts/**")
        await pilot.press("ctrl+b")
        screen = pilot.app.screen
        screen.query_one("#review-questions").value = "governing law; renewal term; non-compete"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.table is not None and not screen.running, timeout=120)
        for row in screen.table.cells:  # the time a cell took is the machine's, not the screen's
            for cell in row:
                cell.seconds = 0.5
        screen._summarise(screen.table, stopped=False)
        await pilot.press("down", "right", "right")
        await settle(pilot)

    assert snap_compare(RagboxApp(extracting_engine), terminal_size=(110, 24), run_before=run_before)
