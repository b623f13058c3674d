"""`ragbox models`, `--info`, `--check` and `ask --model NAME` on a real Ollama store around the
bundled chat GGUF."""

from __future__ import annotations

import json

import pytest

from ragbox.bundled import chat_llm_path

from support import SAMPLE_DOCS, ollama_model

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def ollama_store(tmp_path, monkeypatch):
    """An Ollama store holding the bundled chat GGUF as smollm2:135m."""
    ollama = tmp_path / "ollama"
    ollama_model(ollama, "registry.ollama.ai/library/smollm2/135m", chat_llm_path(), "Apache License")
    monkeypatch.setenv("OLLAMA_MODELS", str(ollama))


def test_models_lists_the_ollama_model_with_its_facts(run):
    result = run("models")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "SOURCE", "ARCH", "PARAMS", "QUANT", "SIZE", "CONTEXT", "CHAT", "LICENCE",
                                "RAM@2048", "FITS"]
    row = next(line for line in lines if "smollm2:135m" in line).split()
    assert row == ["smollm2:135m", "ollama", "llama", "135M", "Q4_1", "98", "MB", "8192", "yes", "apache-2.0",
                   "290", "MB", "yes"]
    assert next(line for line in lines if "gemma-3-270m-q4_k_m" in line).startswith("* ")  # the one in use
    data = json.loads(run("models", "--json").output)
    smol = next(r for r in data if r["name"] == "smollm2:135m")
    assert smol["size_bytes"] == chat_llm_path().stat().st_size and smol["fits"] is True


def test_info_labels_every_fact_with_its_source(run):
    result = run("models", "--info", "smollm2:135m")
    assert result.exit_code == 0, result.output
    assert "Licence:       apache-2.0\n               [GGUF metadata general.license]" in result.output
    assert ("Openness:      open weights, training data and training code\n               [ragbox's table of "
            "known families (matched on general.basename = 'smollm2')]") in result.output
    unknown = run("models", "--info", "qwen3:4b")
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: No model named 'qwen3:4b'")


def test_check_runs_the_model_in_a_child(run):
    result = run("models", "--check", "smollm2:135m")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK  smollm2:135m: runs here: loaded in ")
    assert "\nllama.cpp build: CPU : " in result.output and "AVX2 = 1" in result.output


def test_ask_answers_with_a_model_named_as_ollama_names_it(run):
    assert run("index", str(SAMPLE_DOCS)).exit_code == 0
    result = run("ask", "--model", "smollm2:135m", "--json", "Which law governs the master services agreement?")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"] == "smollm2:135m" and data["answer"]
    assert data["citations"][0]["path"].endswith("services_agreement_acme_globex.pdf")
