"""Pilot tests of every flow of the app, with a fake LLM over a real index of sample_docs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, OptionList

from ragbox.bundled import chat_llm_path
from ragbox.engine import Engine
from ragbox.tui.app import RagboxApp
from ragbox.tui.screens.dialogs import HelpScreen, ModelDialog, ScopeDialog
from ragbox.tui.screens.passage import HIGHLIGHT, PassageScreen
from ragbox.tui.widgets.bars import IndexBar, ScopeBar
from ragbox.tui.widgets.chat import AnswerBlock
from ragbox.tui.widgets.sources import SourcesPanel

from tui_support import (
    FIRST_SENTENCE,
    IN_MSA,
    IN_NDA,
    SCRIPTED,
    FakeGenerator,
    ask,
    notifications,
    notified,
    ready,
    scripted_llm,
    wait_for,
)

pytestmark = pytest.mark.anyio

NDA_Q = "How can the Northwind Bluefin NDA be terminated?"
MSA_Q = "How can the Acme Globex services agreement be terminated?"


async def test_first_paint_shows_the_index(sample_engine):
    """What the first paint shows (how long it takes: ``python bench/cold.py``, "app, first paint")."""
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        status = app.main_screen.query_one("#status")
        assert (status.files, status.chunks) == (7, sample_engine.status()["chunks"])
        assert status.llm == "fake-llm.gguf" and status.llm_state == "ready"
        assert status.embedding.startswith("all-MiniLM-L6-v2")
        assert app.focused is app.main_screen.query_one("#question")


async def test_ask_streams_the_answer_one_checked_sentence_at_a_time(sample_engine, fake_llm):
    fake_llm.gate = threading.Event()
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        await ask(pilot, NDA_Q, wait=False)
        block = screen.query_one(AnswerBlock)
        await wait_for(pilot, lambda: block.phase == "streaming", what="the first sentence")
        # the first sentence, checked, is shown while the model still writes the second
        assert block.text == IN_NDA + FIRST_SENTENCE + " " and screen.asking_turn is not None
        assert screen.query_one("#question", Input).value == ""  # the input is free while it streams
        fake_llm.gate.set()
        await wait_for(pilot, lambda: screen.asking_turn is None, what="the answer")
        await pilot.pause()
        assert block.phase == "done"
        answer = screen.conversation.last.answer
        assert answer.text == IN_NDA + "".join(fake_llm.pieces).strip() and answer.cited == [1]
        assert answer.style == "generated" and all(s.supported for s in answer.sentences)
        assert (fake_llm.loads, fake_llm.starts) == (1, 1)  # warmed up by the app, started by the question
        assert "every sentence checked against its source ✓" in str(block.query_one(".answer-meta").render())
        # the [1] marker is a link to source 1 of this turn
        assert "[\\[1\\]](source:0:1)" in block.markdown.source
        sources = screen.query_one("#sources-list", OptionList)
        assert sources.option_count == len(answer.sources) == app.engine.settings.retrieval.k
        first = str(sources.get_option_at_index(0).prompt)
        assert first.startswith("● [1] contracts/mutual_nda_northwind_bluefin.pdf\npage 3 · score")
        assert "● " not in str(sources.get_option_at_index(1).prompt)


async def test_escape_cancels_the_answer(sample_engine, fake_llm):
    fake_llm.gate = threading.Event()
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        await ask(pilot, NDA_Q, wait=False)
        block = screen.query_one(AnswerBlock)
        await wait_for(pilot, lambda: block.phase == "streaming", what="the first sentence")
        await pilot.press("escape")
        assert block.phase == "cancelled"  # at once, without waiting for the model
        fake_llm.gate.set()
        await wait_for(pilot, lambda: screen.asking_turn is None, what="the worker to stop")
        turn = screen.conversation.last
        assert turn.cancelled and turn.answer.text == IN_NDA + FIRST_SENTENCE  # nothing after the cancel
        assert "Stopped" in str(block.query_one(".answer-meta").render())
        # and the app takes the next question
        fake_llm.gate = None
        await ask(pilot, NDA_Q)
        assert screen.conversation.last.answer.text.endswith("[1].")


async def test_a_source_opens_in_context_with_the_span_highlighted(sample_engine):
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await ask(pilot, NDA_Q)
        await pilot.press("ctrl+o")
        assert app.focused is app.main_screen.query_one("#sources-list")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.page_text)
        passage = app.screen
        hit = app.main_screen.conversation.last.answer.sources[0]
        assert passage.page_text[slice(*passage.span)] == hit.text
        assert len(passage.page_text) > len(hit.text)  # the whole page, not just the chunk
        shown = passage.query_one("#passage-text").content  # the rich Text the dialog displays
        highlighted = [(span.start, span.end) for span in shown.spans if str(span.style) == HIGHLIGHT]
        assert highlighted == [passage.span] and shown.plain == passage.page_text
        title = str(passage.query_one("#passage-title").render())
        assert "[1] contracts/mutual_nda_northwind_bluefin.pdf, page 3" in title
        await pilot.press("escape")
        assert app.screen is app.main_screen
        # a citation link in the answer opens the same source
        block = app.main_screen.query_one(AnswerBlock)
        block.markdown.post_message(Markdown.LinkClicked(block.markdown, "source:0:1"))
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen))
        assert app.screen.number == 1


async def test_follow_up_question_is_made_standalone(sample_engine, fake_llm):
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        await ask(pilot, MSA_Q)
        await ask(pilot, "and what about the renewal term?")
        assert len(screen.conversation.turns) == 2
        turn = screen.conversation.last
        assert turn.question == "and what about the renewal term?"
        assert turn.query == "Acme Globex services agreement: and what about the renewal term?"
        sources = turn.answer.sources
        assert all(s.path.endswith("services_agreement_acme_globex.pdf") for s in sources[:3])
        assert any("renews automatically" in s.text for s in sources)
        assert fake_llm.prompts[-1].sources == sources  # the prompt saw exactly these passages
        shown = [str(q.render()) for q in screen.query(".question")]
        assert "searched for: Acme Globex services agreement" in shown[1]


async def test_save_and_copy_the_conversation(sample_engine):

    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+s")
        await notified(pilot, "Nothing to save")
        await ask(pilot, NDA_Q)
        await pilot.press("ctrl+s")
        saved = app.main_screen.saved_path
        assert saved.parent == sample_engine.conversations_dir() and saved.suffix == ".md"
        await notified(pilot, "Conversation saved", str(saved))
        text = saved.read_text()
        assert f"## {NDA_Q}" in text and "1. [1] contracts/mutual_nda_northwind_bluefin.pdf, page 3" in text
        await pilot.press("ctrl+y")
        assert app.clipboard.startswith(f"## {NDA_Q}") and "Sources:" in app.clipboard
        k = sample_engine.settings.retrieval.k
        await notified(pilot, f"Copied the last answer with {k} sources")


async def test_documents_panel_lists_filters_and_scopes(sample_engine, fake_llm):
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        await pilot.press("ctrl+f")
        assert app.focused is screen.query_one("#documents-filter")
        documents = screen.query_one("#documents-list", OptionList)
        assert documents.option_count == 7
        first = str(documents.get_option_at_index(0).prompt)
        assert "clinical_notes/2026-01-09_mia_tanaka_otitis_media.txt" in first and "\n1 page · " in first
        await pilot.press(*".md")
        assert documents.option_count == 2
        await pilot.press("enter", "enter")  # to the list, then pick the first match
        assert screen.where == "clinical_notes/2026-03-27_linda_marsh_knee_postop.md"
        bar = screen.query_one(ScopeBar)
        assert bar.display and "1 of 7 files" in str(bar.render())
        assert app.focused is screen.query_one("#question")
        await ask(pilot, "What happened after the surgery?")
        sources = screen.conversation.last.answer.sources
        assert sources and all(s.path.endswith("linda_marsh_knee_postop.md") for s in sources)
        assert screen.conversation.last.where == screen.where


async def test_documents_panel_shows_each_documents_card_and_filters_by_a_party(sample_engine, fake_llm):
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        await pilot.press("ctrl+f", *"bluefin")
        documents = screen.query_one("#documents-list", OptionList)
        assert documents.option_count == 1  # the file name says it; so does its card
        await pilot.press(*["backspace"] * 7, *"Robotics")  # only its card says it: "Bluefin Robotics Inc."
        assert documents.option_count == 1
        prompt = str(documents.get_option_at_index(0).prompt)
        assert prompt.startswith("contracts/mutual_nda_northwind_bluefin.pdf\nMUTUAL NON-DISCLOSURE AGREEMENT · "
                                 'Northwind Analytics Ltd. ("Northwind"), Bluefin Robotics Inc. ("Bluefin")')


async def test_scope_dialog_sets_and_clears_a_path_pattern(sample_engine, fake_llm):
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, ScopeDialog)
        await pilot.press(*"*.md")
        assert "2 of 7 files match" in str(app.screen.query_one("#dialog-hint").render())
        await pilot.press("enter")
        assert screen.where == "*.md" and screen.query_one(ScopeBar).display
        await ask(pilot, "Which patient has asthma?")
        assert all(s.path.endswith(".md") for s in screen.conversation.last.answer.sources)
        await pilot.press("ctrl+g")
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        assert screen.where is None and not screen.query_one(ScopeBar).display


async def test_reindex_shows_progress_and_the_summary_while_asking_still_works(make_engine, docs, embedder):
    engine = make_engine(**SCRIPTED)
    engine.index([docs])
    scripted_llm(engine)
    (docs / "clinical_notes" / "new_note.md").write_text("# Visit\nThe patient Omar Vance reported a sprained ankle.\n")
    (docs / "contracts" / "draft.docx").write_bytes(b"PK")

    release = threading.Event()
    real_index = engine.index

    def slow_index(paths, on_progress=None):
        def progress(p):
            release.wait(30)  # hold the run mid-way until the question below was answered
            on_progress(p)
        return real_index(paths, progress)

    engine.index = slow_index
    updates = []
    original = IndexBar.update_progress

    app = RagboxApp(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        bar = screen.query_one(IndexBar)
        bar.update_progress = lambda p: (updates.append(p), original(bar, p))
        await pilot.press("ctrl+r")
        assert bar.display and screen.indexing
        await ask(pilot, NDA_Q)  # answered while the index run is held
        assert screen.conversation.last.answer.found and screen.indexing
        release.set()
        await wait_for(pilot, lambda: not screen.indexing, what="the re-index")
        assert not bar.display
        assert updates and updates[-1].files_done == updates[-1].files_total == 9  # the broken .docx too
        summary = str(screen.query_one("#index-summary").render())
        assert summary.startswith("Indexed 1 file(s), 7 unchanged, 0 renamed, 0 removed, 1 skipped;")
        assert "skipped contracts/draft.docx: unreadable Word file (" in summary
        await notified(pilot, "Re-index finished")
        await wait_for(pilot, lambda: screen.query_one("#status").files == 8, what="the catalog reload")


async def test_watching_indexes_changes_while_the_app_is_open(make_engine, docs):
    engine = make_engine(**{"index.ocr": "off", **SCRIPTED})
    engine.index([docs])
    scripted_llm(engine)
    app = RagboxApp(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        status = screen.query_one("#status")
        await pilot.press("f5")
        assert status.watching and screen.watch_stop is not None
        assert "watching" in str(status.query_one("#status-index").render())
        await notified(pilot, "Watch")
        await pilot.pause(1.5)  # the watcher starts and catches up (nothing changed)
        (docs / "clinical_notes" / "new_note.md").write_text("# Visit\nOmar Vance reported a sprained ankle.\n")
        await wait_for(pilot, lambda: status.files == 8, timeout=60, what="the new file indexed")
        await notified(pilot, "Folders changed")
        (docs / "contracts" / "mutual_nda_northwind_bluefin.pdf").unlink()
        await wait_for(pilot, lambda: status.files == 7, timeout=60, what="the deleted file removed")
        stop = screen.watch_stop
        await pilot.press("f5")
        assert not status.watching and stop.is_set()
        assert "watching" not in str(status.query_one("#status-index").render())
    assert [d.path.rsplit("/", 1)[-1] for d in engine.catalog.documents()].count("new_note.md") == 1


async def test_switching_the_llm(sample_index, embedder, tmp_path):
    """From a scripted LLM handed in (the scripted backend would script the new one too) to real ones."""
    sample_engine = Engine(sample_index.settings.replace({"answer.style": "generate"}), embedder=embedder,
                           generator=FakeGenerator())
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        status = screen.query_one("#status")
        # a path that does not exist: an error notification, the model in use stays
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, ModelDialog)
        # the models found on this machine are listed to pick from
        models = app.screen.query_one("#model-list", OptionList)
        await wait_for(pilot, lambda: models.get_option_at_index(0).id is not None, what="the model list")
        assert "gemma-3-270m-q4_k_m" in {models.get_option_at_index(i).id for i in range(models.option_count)}
        app.screen.query_one(Input).value = str(tmp_path / "missing.gguf")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Cannot switch the LLM" in n for n in notifications(app)))
        assert "LLM model file not found" in notifications(app)[-1]
        assert status.llm == "fake-llm.gguf" and status.llm_state == "ready"
        # a file that is not a GGUF model: refused before anything loads, same outcome
        junk = tmp_path / "junk.gguf"
        junk.write_bytes(b"not a model")
        screen._switch_model(str(junk))
        await wait_for(pilot, lambda: sum("Cannot switch" in n for n in notifications(app)) == 2, timeout=60)
        assert "Not a GGUF model file" in notifications(app)[-1] and status.llm == "fake-llm.gguf"
        # a good one: loaded in a worker in the background, then used for the next answer
        other = tmp_path / "other-model.gguf"
        os.link(chat_llm_path(), other)
        await pilot.press("ctrl+l")
        app.screen.query_one(Input).value = str(other)
        await pilot.press("enter")
        await wait_for(pilot, lambda: status.llm == "other-model.gguf" and status.llm_state == "ready", timeout=60)
        assert sample_engine.llm.generator.name == "other-model.gguf"
        await ask(pilot, NDA_Q, timeout=300)  # a real model on a shared 2-core machine
        assert screen.conversation.last.answer.model == "other-model.gguf"
    sample_engine.close()


async def test_a_crashing_model_fails_one_answer_and_the_app_keeps_the_conversation(
        sample_index, embedder, monkeypatch, tmp_path):
    """The real worker with the real GGUF; the second answer dies of SIGILL mid-way."""
    monkeypatch.setenv("RAGBOX_WORKER_FAULT", "sigill@generate:2")
    monkeypatch.setenv("RAGBOX_WORKER_FAULT_ONCE", str(tmp_path / "fired"))
    # the model writes the answers: an extracted answer never reaches the worker
    engine = Engine(sample_index.settings.replace({"answer.style": "generate"}), embedder=embedder)
    app = RagboxApp(engine)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            screen = app.main_screen
            status = screen.query_one("#status")
            await ask(pilot, NDA_Q, timeout=300)
            assert screen.conversation.last.answer.text
            crashed = engine.llm.generator.pid
            await ask(pilot, MSA_Q, timeout=300)
            await notified(pilot, "Cannot answer", "illegal instruction (SIGILL)")
            blocks = list(screen.query(AnswerBlock))
            assert [b.phase for b in blocks] == ["done", "error"]
            assert "CMAKE_ARGS=\"-DGGML_NATIVE=OFF\"" in str(blocks[1].query_one(".answer-meta").render())
            assert status.llm_state == "error" and len(screen.conversation.turns) == 1  # the first answer stays
            await ask(pilot, MSA_Q, timeout=300)  # the next question starts a new worker
            assert [b.phase for b in screen.query(AnswerBlock)] == ["done", "error", "done"]
            assert engine.llm.generator.pid != crashed and status.llm_state == "ready"
            assert len(screen.conversation.turns) == 2
    finally:
        engine.close()


async def test_errors_become_notifications_and_the_app_stays_usable(make_engine, docs):
    empty = make_engine(**{"store.index": "nothing", **SCRIPTED})
    scripted_llm(empty)
    app = RagboxApp(empty)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await notified(pilot, "Empty index")
        await ask(pilot, NDA_Q)
        await notified(pilot, "Cannot answer", "is empty")
        assert "is empty" in str(app.main_screen.query_one(".answer-meta").render())
        await pilot.press("ctrl+r")
        await notified(pilot, "Nothing to re-index")
        await pilot.press(*"still typing")
        assert app.main_screen.query_one("#question", Input).value == "still typing"


async def test_a_source_whose_file_is_gone_shows_the_indexed_passage(make_engine, docs):
    engine = make_engine(**SCRIPTED)
    engine.index([docs])
    scripted_llm(engine)
    app = RagboxApp(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await ask(pilot, NDA_Q)
        shutil.rmtree(docs / "contracts")
        app.main_screen.on_source_requested(type("M", (), {"turn_id": 0, "number": 1})())
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.page_text)
        assert app.screen.page_text == app.main_screen.conversation.last.answer.sources[0].text
        await notified(pilot, "Cannot open the source")
        await pilot.press("escape")
        await ask(pilot, NDA_Q)  # still answering from the index
        assert len(app.main_screen.conversation.turns) == 2


async def test_help_theme_new_chat_and_sidebar(sample_engine):
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        keys = {row[0] for row in app.screen.rows}
        for key in ("ctrl+s", "ctrl+y", "ctrl+r", "ctrl+l", "ctrl+g", "ctrl+f", "ctrl+o", "ctrl+n", "ctrl+t",
                    "Esc", "F1", "F2", "Esc, q"):
            assert key in keys
        await pilot.press("escape")
        app.main_screen.query_one("#sources-list").focus()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await ask(pilot, NDA_Q)
        await pilot.press("ctrl+n")
        assert not app.main_screen.conversation.turns and not app.main_screen.query(AnswerBlock)
        await pilot.press("f2")
        assert not app.main_screen.query_one("#sidebar").display
        await pilot.press("ctrl+o")
        assert app.main_screen.query_one("#sidebar").display


async def test_question_mark_is_typed_in_the_question(sample_engine):
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press(*"why?")
        assert app.main_screen.query_one("#question", Input).value == "why?"
        assert app.screen is app.main_screen


async def test_ask_end_to_end_with_the_real_models(sample_index, embedder, settings):
    from ragbox.engine import Engine

    # the bundled GGUF, loaded by the app, writes the answer; ragbox checks it
    engine = Engine(sample_index.settings.replace({"answer.style": "generate"}), embedder=embedder)
    app = RagboxApp(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.models.state == "ready", timeout=180, what="the bundled GGUF")
        screen = app.main_screen
        assert screen.query_one("#status").llm == "gemma-3-270m-q4_k_m.gguf"
        streamed = []
        original = AnswerBlock.add_token

        async def spy(self, token):
            streamed.append(token)
            await original(self, token)

        AnswerBlock.add_token = spy
        try:
            await ask(pilot, "How many days of written notice are needed to terminate the Northwind Bluefin NDA?",
                      timeout=300)
        finally:
            AnswerBlock.add_token = original
        answer = screen.conversation.last.answer
        assert answer.found and answer.sentences  # the model wrote, and each sentence was checked
        shown = "".join(streamed).strip()
        assert shown == IN_NDA + " ".join(s.text for s in answer.sentences if s.supported)  # only supported ones
        evidence = answer.sources[answer.evidence.source - 1]
        assert Path(evidence.path).name == "mutual_nda_northwind_bluefin.pdf" and evidence.page == 3
        # greedy, the bundled model writes one sentence, supported by clause 7.2: shown as written
        assert (answer.style, answer.text) == (
            "generated", IN_NDA + "The written notice to terminate the Northwind Bluefin NDA is 30 days.")
        assert screen.query_one(SourcesPanel).query_one(OptionList).option_count == len(answer.sources)


async def test_an_unsupported_answer_is_replaced_by_the_evidence(sample_engine, fake_llm):
    fake_llm.pieces = ["Notice ", "is due ", "within 30 days ", "of signing."]
    app = RagboxApp(sample_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await ask(pilot, "How much notice is needed to terminate the Northwind Bluefin NDA?")
        await pilot.pause()
        block = app.main_screen.query_one(AnswerBlock)
        assert block.text.startswith(IN_NDA + "Thirty (30) days")  # the evidence, not the model's words
        source = block.markdown.source
        assert "> “7.2 Either party may terminate" in source
        assert "~~Notice is due within 30 days of signing.~~" in source
        meta = str(block.query_one(".answer-meta").render())
        assert "fake-llm.gguf's answer was not supported by its sources" in meta


async def test_extracted_answer_shows_its_evidence_and_never_asks_the_model(extracting_engine, fake_llm):
    app = RagboxApp(extracting_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await ask(pilot, "What is the governing law of the services agreement?")
        block = app.main_screen.query_one(AnswerBlock)
        assert block.text == IN_MSA + "New York [1]" and fake_llm.prompts == []
        assert "> “11.1 This Agreement is governed by the laws of the State of New York" in block.markdown.source
        assert "Taken from source [1]" in str(block.query_one(".answer-meta").render())
        await ask(pilot, "Is there a most favored nation clause in the services agreement?")
        last = app.main_screen.query(AnswerBlock).last()
        assert last.text.startswith("No such clause was found")
        assert "Not found" in str(last.query_one(".answer-meta").render())


async def test_the_model_is_not_loaded_when_answers_are_extracted(extracting_engine, fake_llm):
    app = RagboxApp(extracting_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        status = app.main_screen.query_one("#status")
        assert status.llm_state == "not used" and fake_llm.loads == 0


TUI_SCRIPT = """
import asyncio, sys
sys.path.insert(0, sys.argv[1])
from ragbox.config import load_settings
from ragbox.engine import Engine
from ragbox.tui.app import RagboxApp
from tui_support import ask, ready, scripted_llm

async def main():
    engine = Engine(load_settings())  # RAGBOX_LLM__BACKEND=scripted
    llm = scripted_llm(engine)
    app = RagboxApp(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await ask(pilot, "Which state's law governs the NDA?")
        print("PROMPTS", len(llm.prompts), "Delaware" in llm.prompts[0].text if llm.prompts else None)

asyncio.run(main())
print("LOADED", [m for m in ("torch", "sentence_transformers", "transformers", "chromadb") if m in sys.modules])
"""


@pytest.mark.slow
def test_the_app_answers_without_loading_torch(sample_index):
    """The app embeds questions with ONNX Runtime and reads a small index's vectors from the
    catalog: a fresh process asks a question and never imports torch or chromadb."""
    here = Path(__file__).resolve().parent
    env = {**os.environ, "RAGBOX_STORE__DIR": sample_index.settings.store.dir, "RAGBOX_LLM__BACKEND": "scripted",
           "PYTHONPATH": os.pathsep.join([str(here.parent.parent), str(here), str(here.parent)])}
    env.pop("RAGBOX_CONFIG", None)
    out = subprocess.run([sys.executable, "-c", TUI_SCRIPT, str(here)], env=env, capture_output=True, text=True,
                         timeout=300)
    assert "PROMPTS 1 True" in out.stdout, out.stdout + out.stderr[-2000:]  # retrieved, then answered
    assert out.stdout.strip().endswith("LOADED []"), out.stdout


async def test_documents_panel_shows_the_pages_of_a_document_that_were_not_read(tmp_path, make_engine):
    from make_files import write_lease

    write_lease(tmp_path / "docs" / "lease.pdf")
    engine = make_engine(**{"index.ocr": "off", "answer.style": "extract", **SCRIPTED})
    engine.index([tmp_path / "docs"])
    app = RagboxApp(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        prompt = str(app.main_screen.query_one("#documents-list", OptionList).get_option_at_index(0).prompt)
        assert prompt.startswith("lease.pdf") and prompt.endswith("\nnot read: pages 2, 4\u20135")
