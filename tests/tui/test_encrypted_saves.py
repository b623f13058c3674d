"""The app on an encrypted index: a saved conversation is sealed with the index's key."""

from __future__ import annotations

import pytest

from ragbox.encryption import HEADER
from ragbox.engine import Engine
from ragbox.tui.app import RagboxApp

from support import SAMPLE_DOCS
from tui_support import SCRIPTED, ask, notified, ready

pytestmark = pytest.mark.anyio


@pytest.fixture
def sealed_engine(tmp_path, embedder, monkeypatch):
    from ragbox.config import load_settings

    monkeypatch.setenv("RAGBOX_PASSPHRASE", "app")
    settings = load_settings(None, environ={}, flags={"store.dir": str(tmp_path / "store"), "index.encrypt": True,
                                                      "answer.style": "extract", **SCRIPTED})
    engine = Engine(settings, embedder=embedder)
    engine.index([SAMPLE_DOCS / "contracts"])
    yield engine
    engine.close()


async def test_a_saved_conversation_of_an_encrypted_index_is_sealed(sealed_engine):
    app = RagboxApp(sealed_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await ask(pilot, "How can the Northwind Bluefin NDA be terminated?")
        await pilot.press("ctrl+s")
        saved = app.main_screen.saved_path
        await notified(pilot, "Conversation saved", str(saved))
    sealed = saved.read_text()
    assert sealed.startswith(HEADER) and "Northwind" not in sealed
    assert "## How can the Northwind Bluefin NDA be terminated?" in sealed_engine.decrypt_text(sealed, saved)
