"""The engine with its LLM in a worker process: cancel, crash and restart, batched token counts,
switching by name and the `check_llm` the doctor uses (real bundled GGUFs throughout)."""

from __future__ import annotations

import threading
import time

import pytest

from ragbox.bundled import chat_llm_path
from ragbox.engine import Engine
from ragbox.errors import ModelError
from ragbox.llm.crash_reports import portable_build_command
from ragbox.llm.model_process import WorkerGenerator

NDA_Q = "How many days of written notice are needed to terminate the Northwind Bluefin NDA?"


@pytest.fixture
def engine(sample_index):
    """The bundled GGUF, writing the answers (the default with it is to extract them)."""
    engine = Engine(sample_index.settings.replace({"answer.style": "generate"}), embedder=sample_index.embedder)
    yield engine
    engine.close()


def test_the_engine_answers_through_a_worker_with_one_token_count_round_trip(engine):
    generator = engine.llm.generator
    assert isinstance(generator, WorkerGenerator)
    calls = []
    original = generator.count_tokens_many
    generator.count_tokens_many = lambda texts: calls.append(len(texts)) or original(texts)
    single = []
    generator.count_tokens = lambda text: single.append(text) or original([text])[0]
    answer = engine.ask(NDA_Q)
    assert answer.found and answer.text and answer.model == "gemma-3-270m-q4_k_m.gguf"
    assert len(calls) == 1 and calls[0] >= 4 and single == []  # every count in one request


def test_cancel_stops_the_worker_at_once_and_keeps_it(engine):
    engine.llm.load()
    pid = engine.llm.generator.pid
    cancel = threading.Event()
    threading.Timer(0.05, cancel.set).start()  # while the model still reads the prompt
    started = time.perf_counter()
    answer = engine.ask(NDA_Q, cancel=cancel)
    took = time.perf_counter() - started
    assert answer.text == "" and took < 5, took  # retrieval, then a prompt cut short
    assert engine.llm.generator.pid == pid and engine.llm.generator.loaded
    assert engine.ask(NDA_Q).text  # the same worker answers the next question


def test_a_crash_fails_one_question_and_the_next_restarts_the_worker(engine, monkeypatch, tmp_path):
    monkeypatch.setenv("RAGBOX_WORKER_FAULT", "sigill@generate:1")
    monkeypatch.setenv("RAGBOX_WORKER_FAULT_ONCE", str(tmp_path / "fired"))
    with pytest.raises(ModelError) as caught:
        engine.ask(NDA_Q)
    assert "illegal instruction (SIGILL)" in caught.value.one_line()
    assert caught.value.one_line().endswith(portable_build_command())
    assert engine.ask(NDA_Q).text and engine.llm.generator.restarts == 1


def test_check_llm_says_whether_a_model_runs_here(engine, monkeypatch, tmp_path):
    result = engine.llm.check()
    assert set(result) >= {"ok", "model", "detail"} and result["ok"] is True
    assert result["model"] == "gemma-3-270m-q4_k_m.gguf"
    assert result["detail"].startswith("runs here: loaded in ") and "\n" not in result["detail"]
    assert "AVX" in result["detail"] and "AVX" in result["system_info"]
    monkeypatch.setenv("RAGBOX_WORKER_FAULT", "sigill@generate:1")
    crashed = engine.llm.check("SmolLM2-135M-Instruct.Q4_1")
    assert crashed["ok"] is False and crashed["model"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert crashed["detail"].startswith(f"The LLM crashed ({chat_llm_path()}): illegal instruction (SIGILL)")
    missing = engine.llm.check("qwen3:4b")
    assert missing == {"ok": False, "model": "qwen3:4b", "detail": "No model named 'qwen3:4b': `ragbox models` "
                       "lists the models found on this machine; or give the path of a .gguf file"}


def test_switching_by_name_frees_the_old_worker(engine):
    engine.llm.load()
    old = engine.llm.generator
    new = engine.llm.switch("SmolLM2-135M-Instruct.Q4_1")
    assert new.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and new.prompt_style() == "chat"
    assert old.pid is None  # stopped: its memory is free
    answer = engine.ask("Which law governs the master services agreement?")
    assert answer.found and answer.text and answer.model == new.name
    with pytest.raises(ModelError, match="^No model named 'nope'"):
        engine.llm.switch("nope")
    assert engine.llm.generator is new
