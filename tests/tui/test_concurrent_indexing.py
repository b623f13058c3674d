"""The app keeps answering while another process indexes its index, and says so when it cannot
re-index itself meanwhile."""

from __future__ import annotations

import pytest

from ragbox.engine import Engine
from ragbox.tui.app import RagboxApp

from support import start_writer, wait_until_locked, write_notes
from tui_support import SCRIPTED, ask, notifications, notified, ready, scripted_llm

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_the_app_answers_while_another_process_indexes(tmp_path, make_engine, docs, embedder):
    store = tmp_path / "store"
    seed = make_engine(**{"store.dir": str(store)})
    seed.index([docs])
    more = tmp_path / "more"
    write_notes(more, 150)
    engine = Engine(seed.settings.replace(SCRIPTED), embedder=embedder)
    scripted_llm(engine)
    writer = start_writer(store, docs, more)
    try:
        wait_until_locked(engine.index_dir / "write.lock", writer)
        app = RagboxApp(engine)
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            for question in ("How can the Northwind Bluefin NDA be terminated?",
                             "Which patients report knee pain after walking?",
                             "What is the blood pressure of Jane Doe?"):
                await ask(pilot, question)
                answer = app.main_screen.conversation.last.answer
                assert answer.sources and all(h.text for h in answer.sources)
            assert writer.poll() is None, "the writer finished first: the test proved nothing"
            await pilot.press("ctrl+r")  # re-index from the app while the other process holds the index
            await notified(pilot, "Re-index failed", "is busy")
            assert not [n for n in notifications(app) if "Error" in n or "failed" in n.lower()
                        and "is busy" not in n]
    finally:
        writer.communicate(timeout=900)
        engine.close()
    assert writer.returncode == 0
