"""Fixtures for the app's tests: a fake, controllable LLM over real indexes of sample_docs."""

from __future__ import annotations

import pytest

from ragbox.engine import Engine

from tui_support import SCRIPTED, scripted_llm


@pytest.fixture
def fake_llm(request):
    """The scripted LLM (``llm.backend = "scripted"``) of the test's engine, built as a real one is."""
    engine = "sample_engine" if "sample_engine" in request.fixturenames else "extracting_engine"
    return request.getfixturevalue(engine).llm.generator


@pytest.fixture
def sample_engine(sample_index, embedder):
    """The shared read-only index of sample_docs, the answers written by the scripted LLM (and checked)."""
    engine = Engine(sample_index.settings.replace({"answer.style": "generate", **SCRIPTED}), embedder=embedder)
    scripted_llm(engine)
    yield engine
    engine.close()


@pytest.fixture
def extracting_engine(sample_index, embedder):
    """The shared index of sample_docs answering as ragbox does with the bundled model: extracted."""
    engine = Engine(sample_index.settings.replace({"answer.style": "extract", **SCRIPTED}), embedder=embedder)
    scripted_llm(engine)
    yield engine
    engine.close()


@pytest.fixture
def fixed_times(monkeypatch):
    """Documents indexed "today", so snapshots do not depend on when the index was built."""
    monkeypatch.setattr("ragbox.tui.widgets.documents.when_indexed", lambda ts: "today")


@pytest.fixture
def anyio_backend():
    return "asyncio"
