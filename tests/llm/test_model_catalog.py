"""Finding the GGUFs already on a machine: real Ollama, LM Studio and Hugging Face cache layouts built
around the bundled GGUF files (hard links), real manifests, real header reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragbox.bundled import chat_llm_path
from ragbox.errors import ModelError
from ragbox.llm.gguf_header import GGUFFormatError, read_header
from ragbox.llm.model_catalog import ModelEntry, discover, resolve
from ragbox.llm.model_facts import describe, memory_needed, transparency
from ragbox.llm.model_files import bundled_llm_path

from support import link, ollama_model, sha256

GEMMA = bundled_llm_path()
SMOLLM = chat_llm_path()


@pytest.fixture
def machine(tmp_path: Path) -> dict:
    """A home with Ollama, LM Studio (both folders), a Hugging Face cache and a model folder."""
    home = tmp_path / "home"
    ollama = tmp_path / "ollama-models"
    ollama_model(ollama, "registry.ollama.ai/library/smollm2/135m", SMOLLM, "Apache License\nVersion 2.0")
    ollama_model(ollama, "registry.ollama.ai/someone/gemma-ft/latest", GEMMA)
    ollama_model(ollama, "hf.co/bartowski/SmolLM2-GGUF/Q4_1", SMOLLM)  # the same blob: listed once
    (ollama / "manifests/registry.ollama.ai/library/broken").mkdir(parents=True)
    (ollama / "manifests/registry.ollama.ai/library/broken/latest").write_text("{not json")
    lms = home / ".lmstudio" / "models" / "lmstudio-community" / "gemma-3-270m-it-GGUF"
    link(GEMMA, lms / "gemma-3-270m-it-Q4_K_M.gguf")
    link(SMOLLM, lms / "mmproj-gemma-3-270m-f16.gguf")  # a vision projector: not a model to answer with
    link(SMOLLM, home / ".cache/lm-studio/models/HuggingFaceTB/SmolLM2-GGUF/smollm2-q4_1.gguf")
    hub = home / ".cache" / "huggingface" / "hub" / "models--unsloth--gemma-3-270m-it-GGUF"
    digest = sha256(GEMMA)
    link(GEMMA, hub / "blobs" / digest)
    snapshot = hub / "snapshots" / "0123abcd" / "gemma-3-270m-it-Q4_K_M.gguf"
    snapshot.parent.mkdir(parents=True)
    snapshot.symlink_to(Path("../../blobs") / digest)  # as huggingface_hub lays it out
    folder = tmp_path / "my-models"
    link(SMOLLM, folder / "tiny" / "smol-copy.gguf")
    link(SMOLLM, folder / "split-model-00002-of-00002.gguf")  # not the first part: skipped
    (folder / "notes.txt").write_text("not a model")
    (folder / "truncated.gguf").write_bytes(GEMMA.read_bytes()[:4096])
    return {"home": home, "environ": {"OLLAMA_MODELS": str(ollama), "HOME": str(home)}, "folder": folder}


def test_discovers_every_store_with_the_names_people_type(machine):
    entries = discover([machine["folder"]], machine["environ"], machine["home"], include_bundled=False)
    names = {e.name: e for e in entries}
    assert set(names) == {
        "smollm2:135m", "someone/gemma-ft:latest",
        "lmstudio-community/gemma-3-270m-it-GGUF/gemma-3-270m-it-Q4_K_M.gguf",
        "HuggingFaceTB/SmolLM2-GGUF/smollm2-q4_1.gguf",
        "hf.co/unsloth/gemma-3-270m-it-GGUF/gemma-3-270m-it-Q4_K_M.gguf",
        "smol-copy", "truncated",
    }
    ollama = names["smollm2:135m"]
    assert ollama.source == "ollama" and ollama.path.name == f"sha256-{sha256(SMOLLM)}"
    assert ollama.license_text == "Apache License"
    assert names["hf.co/unsloth/gemma-3-270m-it-GGUF/gemma-3-270m-it-Q4_K_M.gguf"].source == "hugging-face"
    assert names["smol-copy"].source == "folder"
    assert not any("mmproj" in n or "00002-of" in n for n in names)


def test_facts_come_from_the_gguf_header(machine):
    entries = discover([machine["folder"]], machine["environ"], machine["home"], include_bundled=False)
    rows = {e.name: describe(e, 2048, 10**12) for e in entries}
    smol = rows["smollm2:135m"]
    assert (smol["architecture"], smol["parameters"], smol["quantization"], smol["context_length"]) == \
           ("llama", "135M", "Q4_1", 8192)
    assert smol["chat_template"] is True and smol["license"] == "apache-2.0" and smol["fits"] is True
    assert smol["size_bytes"] == SMOLLM.stat().st_size
    gemma = rows["someone/gemma-ft:latest"]
    assert (gemma["architecture"], gemma["parameters"], gemma["quantization"], gemma["chat_template"]) == \
           ("gemma3", "268M", "Q4_K_M", False)
    assert rows["truncated"]["error"].startswith("the file ends inside its header")
    # Too little memory: the row says it does not fit, with the numbers behind it.
    tight = describe(entries[0], 2048, 1000)
    assert tight["fits"] is False and tight["ram_bytes"] == memory_needed(
        read_header(entries[0].path), entries[0].path.stat().st_size, 2048)["total"]


def test_names_resolve_exactly_or_by_a_unique_part(machine):
    def find(name: str) -> ModelEntry:
        return resolve(name, [machine["folder"]], machine["environ"], machine["home"])

    assert find("smollm2:135m").source == "ollama"
    assert find("hf.co/bartowski/SmolLM2-GGUF:Q4_1").path == find("smollm2:135m").path  # listed once, both work
    assert find("hf.co/unsloth/gemma-3-270m-it-GGUF/gemma-3-270m-it-Q4_K_M.gguf").source == "hugging-face"
    assert find("smol-copy.gguf").name == "smol-copy"
    assert find("gemma-ft").name == "someone/gemma-ft:latest"  # a unique part of a name
    assert find(str(SMOLLM)).source == "file"
    with pytest.raises(ModelError) as several:
        find("gemma-3-270m-it")
    assert several.value.one_line().startswith("'gemma-3-270m-it' matches several models: ")
    with pytest.raises(ModelError) as unknown:
        find("qwen3:4b")
    assert unknown.value.one_line() == ("No model named 'qwen3:4b': `ragbox models` lists the models found on "
                                        "this machine; or give the path of a .gguf file")
    with pytest.raises(ModelError, match=r"^LLM model file not found \(.*nope\.gguf\)"):
        find(str(machine["folder"] / "nope.gguf"))


def test_the_bundled_model_is_the_default():
    assert resolve("").path == GEMMA and resolve("").source == "bundled"
    assert resolve("gemma-3-270m-q4_k_m").path == GEMMA


def test_header_matches_what_llama_cpp_reads(tmp_path):
    """Every metadata value llama.cpp reports equals ours, and so does the parameter count."""
    from llama_cpp import Llama

    for path in (GEMMA, SMOLLM):
        llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
        header = read_header(path)
        for key, value in llm.metadata.items():
            ours = header.get(key)
            if isinstance(ours, float):
                assert abs(ours - float(value)) <= 1e-6 * max(1.0, abs(ours)), key
            elif isinstance(ours, bool):
                assert str(ours).lower() == value, key
            elif ours is not None and not isinstance(ours, list):
                assert str(ours) == value, key
        assert header.parameters == llm._model.n_params()
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"GGML" + bytes(100))
    with pytest.raises(GGUFFormatError, match="not a GGUF file"):
        read_header(junk)


def test_transparency_says_where_each_fact_comes_from():
    gemma = transparency(ModelEntry("g", GEMMA, "bundled"))
    assert gemma["license"] == {"value": "gemma", "source": "GGUF metadata general.license"}
    assert gemma["openness"]["value"] == "open weights only"
    assert gemma["openness"]["source"] == ("ragbox's table of known families (matched on general.basename = "
                                           "'gemma-3')")
    smol = transparency(ModelEntry("s", SMOLLM, "bundled"))
    assert smol["openness"]["value"] == "open weights, training data and training code"
    assert smol["organization"]["value"] == "HuggingFaceTB"
