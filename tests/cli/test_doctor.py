"""``ragbox doctor``: where every byte lives, the switches, permissions, the model, no network."""

import hashlib
import json
import os

import pytest
from click.testing import CliRunner

from ragbox import bundled, doctor
from ragbox.cli import main
from ragbox.config import Settings, load_settings
from ragbox.engine import Engine
from ragbox.paths import cache_dir

from support import SAMPLE_DOCS, ollama_model, sha256


@pytest.fixture
def run(tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("RAGBOX_")]:
        monkeypatch.delenv(name)  # the report lists the overrides in effect: only this one
    monkeypatch.setenv("RAGBOX_STORE__DIR", str(tmp_path / "store"))
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    # ONNX Runtime's telemetry state is looked for in XDG_CACHE_HOME, which another program on this
    # machine may have filled: a cache of the test's own (ragbox's models stay where they are)
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(cache_dir()))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def indexed(run, tmp_path):
    assert run("index", str(SAMPLE_DOCS / "contracts")).exit_code == 0
    return tmp_path / "store"


@pytest.mark.slow
def test_doctor_shows_where_every_byte_lives(run, indexed, tmp_path):
    result = run("doctor", "--quick", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # the one warning a machine may owe: a protection its kernel cannot give (no Landlock, no namespaces)
    sealed_here = report["protections"]["status"] == "ok"
    assert report["failures"] == [] and report["warnings"] == ([] if sealed_here else ["protections"])
    storage = report["storage"]
    assert storage["data_dir"]["path"] == str(indexed)
    index = storage["indexes"][0]
    assert (index["name"], index["path"], index["in_use"]) == ("default", str(indexed / "indexes" / "default"), True)
    on_disk = sum(p.stat().st_size for p in (indexed / "indexes" / "default").rglob("*") if p.is_file())
    assert index["bytes"] == on_disk > 0
    weights = next(f for f in report["models"]["embedding"]["files"] if f["name"] == "model.safetensors")
    model_dir = bundled.embedding_model_dir()
    assert weights["sha256"] == hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    llm = report["models"]["llm"]
    assert llm["path"].endswith(bundled.LLM_FILE) and llm["matches_package"] is True
    assert report["switches"]["values"]["HF_HUB_OFFLINE"] == "1"
    assert report["switches"]["values"]["chroma anonymized_telemetry"] == "False"
    assert report["permissions"]["status"] == "ok"
    assert report["llm"] == {"status": "ok", "ok": True, "model": bundled.LLM_FILE,
                             "detail": report["llm"]["detail"], "system_info": report["llm"]["system_info"]}
    assert report["llm"]["detail"].startswith("runs here: loaded in ")  # Engine.check_llm, in a child process
    assert report["network"]["status"] == "skipped"
    assert report["config"] == {"status": "ok", "detail": "no config file: defaults, 1 RAGBOX_* environment "
                                "override(s)", "file": None, "environment": {"store.dir": str(indexed)}}


def test_doctor_finds_a_model_given_by_name(tmp_path, monkeypatch):
    """llm.model_path may name a model (the README's "qwen3:4b"): doctor resolves it as the engine
    does, in Ollama's store, instead of looking for a file called "qwen3:4b"."""
    ollama = tmp_path / "ollama"
    ollama_model(ollama, "registry.ollama.ai/library/qwen3/4b", bundled.chat_llm_path())
    monkeypatch.setenv("OLLAMA_MODELS", str(ollama))
    monkeypatch.chdir(tmp_path)
    found = doctor.models(Settings().replace({"llm.model_path": "qwen3:4b"}))
    assert (found["status"], found["detail"]) == ("ok", "embedding model and LLM found (checksums above)")
    digest = sha256(bundled.chat_llm_path())
    assert found["llm"] == {"path": str(ollama / "blobs" / f"sha256-{digest}"),
                            "bytes": bundled.chat_llm_path().stat().st_size, "sha256": digest}


@pytest.mark.slow
def test_doctor_warns_about_loose_permissions_and_says_how_to_fix_them(run, indexed):
    catalog = indexed / "indexes" / "default" / "catalog.sqlite3"
    catalog.chmod(0o644)
    (indexed / "indexes" / "default").chmod(0o755)
    result = run("doctor", "--quick")
    assert result.exit_code == 0, result.output  # a warning, not a failure
    assert f"WARN  permissions      2 path(s) others can access; fix: chmod -R go-rwx '{indexed}'" in result.output
    assert f"{catalog} (file -rw-r--r--, others can read it)" in result.output
    assert "No failures; 1 warning(s): permissions" in result.output


@pytest.mark.slow
def test_doctor_runs_the_no_network_self_check(run, indexed, tmp_path):
    config = tmp_path / "ragbox.toml"
    config.write_text("[retrieval]\nk = 2\n")
    result = run("--config", str(config), "doctor")
    assert result.exit_code == 0, result.output
    assert "ok    no network       indexed a note and answered a question about it with networking impossible" \
        in result.output
    assert "(networking ruled out by: network namespace (unshare -rn) + strace" in result.output
    assert f"Config file      {config}" in result.output
    assert "All checks passed." in result.output


def test_the_self_check_indexes_into_a_store_of_its_own_even_with_a_team_server_set(tmp_path):
    settings = load_settings(None, environ={}, flags={"store.url": "http://team.example:8000",
                                                      "store.token": "s3cret", "retrieval.k": 3})
    env = doctor._child_env(settings, tmp_path / "store")
    assert (env["RAGBOX_STORE__URL"], env["RAGBOX_STORE__TOKEN"]) == ("", "")
    assert env["RAGBOX_STORE__DIR"] == str(tmp_path / "store") and env["RAGBOX_RETRIEVAL__K"] == "3"
    assert "s3cret" not in " ".join(env.values())


def test_check_llm_reports_a_missing_model(tmp_path):
    engine = Engine(load_settings(None, environ={}, flags={"store.dir": str(tmp_path)}))
    result = engine.llm.check(str(tmp_path / "nope.gguf"))
    assert result["ok"] is False and "\n" not in result["detail"]
    assert result["detail"].startswith(f"LLM model file not found ({tmp_path / 'nope.gguf'})")


@pytest.mark.slow
def test_check_llm_survives_a_model_that_crashes_the_cpu(tmp_path, monkeypatch):
    """A llama.cpp built for another CPU dies with SIGILL: in the child, never in the caller, and the
    doctor reports it as a failed check."""
    monkeypatch.setenv("RAGBOX_WORKER_FAULT", "sigill@load")
    engine = Engine(load_settings(None, environ={}, flags={"store.dir": str(tmp_path)}))
    result = engine.llm.check()
    assert result["ok"] is False and "illegal instruction (SIGILL)" in result["detail"]
    assert doctor._llm_check(result)["status"] == "fail"


@pytest.mark.slow
def test_doctor_lists_each_protection_as_active_or_not_with_the_reason(run, monkeypatch):
    report = json.loads(run("doctor", "--quick", "--json").output)["protections"]
    names = ("readers_network", "readers_filesystem", "model_network", "model_filesystem")
    assert all(isinstance(report[name]["active"], bool) and report[name]["detail"] for name in names)
    assert report["status"] == ("ok" if all(report[name]["active"] for name in names) else "warn")
    monkeypatch.setenv("RAGBOX_INDEX__SEAL_READERS", "false")
    result = run("doctor", "--quick")
    assert result.exit_code == 0, result.output
    assert "readers_network: MISSING - turned off by index.seal_readers = false" in result.output
    assert "sealed           missing here: readers_network, readers_filesystem" in result.output


def test_doctor_warns_about_onnx_runtime_telemetry_left_on_disk(run, indexed, tmp_path, monkeypatch):
    cache = tmp_path / "cache"  # XDG_CACHE_HOME (the ``run`` fixture)
    result = run("doctor", "--quick")
    assert "ok    telemetry state  no telemetry state on disk" in result.output
    left = cache / "Microsoft" / "DeveloperTools" / ".onnxruntime"
    left.mkdir(parents=True)
    (left / "deviceid").write_text("a device id")
    result = run("doctor", "--quick")
    assert result.exit_code == 0, result.output  # a warning, not a failure
    assert f"WARN  telemetry state  ONNX Runtime's device id and queued events at {left}" in result.output
    assert f"fix: rm -r '{left}'" in result.output and "telemetry_state" in result.output
