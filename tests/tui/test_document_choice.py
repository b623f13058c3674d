"""The app when a question's name fits several documents: each is answered, apart, and the app
offers to ask again of the one meant (a real index, the scripted LLM, extracted answers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from ragbox.tui.app import RagboxApp
from ragbox.tui.screens.dialogs import DocumentChoiceDialog

from tui_support import SCRIPTED, ask, ready, scripted_llm, wait_for

pytestmark = pytest.mark.anyio


async def test_a_name_fitting_two_documents_offers_the_choice_and_asks_again_of_the_one_picked(make_engine, tmp_path):
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name, title, other, law in (("acme_supply.txt", "SUPPLY AGREEMENT", "Globex Retail LLC", "Ohio"),
                                    ("acme_license.txt", "LICENSE AGREEMENT", "Initech Software Inc.", "Texas")):
        (folder / name).write_text(
            f'{title}\n\nThis {title.lower()} is entered into by Acme Widgets Corp. ("Acme") and {other}.\n\n'
            f"1. Governing Law. This Agreement shall be governed by the laws of the State of {law}.\n")
    engine = make_engine(**{"answer.style": "extract", **SCRIPTED})
    scripted_llm(engine)
    engine.index([folder])
    app = RagboxApp(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        await ask(pilot, "Which state's law governs the Acme agreement?")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentChoiceDialog), what="the choice")
        meta = str(screen.query(".answer-meta").first().render())
        first = screen.conversation.last.answer
        assert meta == (f"Unsure: the name in the question fits several documents (confidence {first.confidence:.2f}). "
                        "Read the evidence before relying on it. Each of 2 documents answered from its own sources.")
        choices = app.screen.query_one("#choice-list", OptionList)
        assert [choices.get_option_at_index(i).id for i in range(choices.option_count)] == [
            "acme_license.txt", "acme_supply.txt"]  # as the app shows paths: within the folder indexed
        assert "LICENSE AGREEMENT" in str(choices.get_option_at_index(0).prompt)
        await pilot.press("down", "enter")  # the supply agreement
        await wait_for(pilot, lambda: len(screen.conversation.turns) == 2 and screen.asking_turn is None,
                       what="the question asked again")
        assert screen.where == "acme_supply.txt"
        again = screen.conversation.last.answer
        assert [Path(d.path).name for d in again.resolved] == ["acme_supply.txt"] and not again.ambiguous
        assert "Ohio" in again.text and "Texas" not in again.text
        assert not isinstance(app.screen, DocumentChoiceDialog)  # one document: nothing to choose
        # Esc keeps every answer and the scope as it was
        screen.set_scope(None)
        await ask(pilot, "Which state's law governs the Acme agreement?")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentChoiceDialog), what="the choice")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.where is None and len(screen.conversation.turns) == 3
