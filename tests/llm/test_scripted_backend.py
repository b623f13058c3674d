"""``llm.backend = "scripted"``: a stand-in LLM chosen by setting, built and started as real ones are."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ragbox.cli import main
from ragbox.config import LLMSettings, load_settings
from ragbox.errors import ConfigError
from ragbox.llm.generator import Generator, Prompt
from ragbox.llm.llama_backend import LlamaCppGenerator
from ragbox.llm.llm_slot import LlmSlot
from ragbox.llm.model_process import WorkerGenerator
from ragbox.llm.scripted_backend import NO_SOURCE, ScriptedGenerator
from ragbox.llm.server_backend import ServerGenerator
from ragbox.types import Hit

IN_NDA = "In Mutual Non-Disclosure Agreement (mutual_nda_northwind_bluefin.pdf): "


def hit(text: str) -> Hit:
    return Hit(chunk_id="nda.pdf#0", path="/docs/nda.pdf", page=3, char_start=0, char_end=len(text), text=text,
               score=1.0)


def test_every_backend_is_a_generator():
    for backend in (LlamaCppGenerator, WorkerGenerator, ServerGenerator, ScriptedGenerator):
        assert issubclass(backend, Generator)
    with pytest.raises(TypeError):
        Generator()  # abstract: a backend declares what the callers use


def test_the_setting_chooses_the_scripted_backend_and_the_slot_starts_it_like_a_real_one():
    slot = LlmSlot(LLMSettings(backend="scripted", model_path="stand-in.gguf", n_ctx=1024))
    slot.start()
    llm = slot.generator
    assert isinstance(llm, ScriptedGenerator) and (llm.name, llm.context_size) == ("stand-in.gguf", 1024)
    assert (llm.starts, llm.loads) == (1, 0)
    assert slot.load() is llm and llm.loads == 1
    checked = slot.check()  # `ragbox models --check`: a new one, loaded, asked, closed
    assert (checked["ok"], checked["model"]) == (True, "stand-in.gguf")
    assert checked["detail"] == "runs here: loaded in 0.0 s, wrote 1 pieces in 0.0 s"
    slot.close()


def test_it_is_named_the_same_before_and_after_it_is_built():
    slot = LlmSlot(LLMSettings(backend="scripted"))
    assert slot.name() == "scripted.gguf" and not slot.built()
    assert slot.generator.name == slot.name() == "scripted.gguf" and slot.path() == ""


def test_with_no_script_it_writes_the_first_sentence_of_the_first_source_cited():
    llm = ScriptedGenerator()
    prompt = Prompt("completion", text="...", sources=[hit("7.2 Either party may  terminate the NDA. Notice is due.")])
    assert list(llm.stream(prompt, 64)) == ["7.2 ", "Either ", "party ", "may ", "terminate ", "the ", "NDA ", "[1]."]
    assert "".join(llm.stream(Prompt("completion", text="Say hello."), 8)) == NO_SOURCE
    assert "".join(ScriptedGenerator(["A ", "script."]).stream(prompt, 8)) == "A script."
    assert llm.prompt_style() == "completion" and llm.count_tokens("four" * 4) == 4


def test_the_backend_setting_takes_only_known_backends():
    assert load_settings(environ={"RAGBOX_LLM__BACKEND": "scripted"}).llm.backend == "scripted"
    with pytest.raises(ConfigError, match="one of auto, scripted"):
        load_settings(environ={"RAGBOX_LLM__BACKEND": "gpt"})


def test_ask_drives_the_real_path_with_the_scripted_backend(sample_index, monkeypatch):
    """`ragbox ask` with no GGUF: the setting builds the scripted LLM, asking starts it, and its
    answer (the first source's first sentence, cited) is checked and shown like a model's."""
    for name, value in {"STORE__DIR": sample_index.settings.store.dir, "LLM__BACKEND": "scripted",
                        "ANSWER__STYLE": "generate", "SERVE__USE": "false"}.items():
        monkeypatch.setenv(f"RAGBOX_{name}", value)
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["ask", "--json", "Which state's law governs the NDA?"], catch_exceptions=False)
    answer = json.loads(result.output)
    said = ("Governing Law 9.1 This Agreement shall be governed by and construed in accordance with the laws of the "
            "State of Delaware, without regard to its conflict of laws principles [1].")
    assert (answer["answer"], answer["style"], answer["model"], answer["model_answer"]) == (
        f"{IN_NDA}{said}", "generated", "scripted.gguf", None)  # the question names the NDA
    assert [(s["text"], s["supported"]) for s in answer["sentences"]] == [(said, True)]
