"""An OpenAI-compatible server as the LLM: a real `python -m llama_cpp.server` on loopback with the
bundled chat GGUF, started by these tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ragbox.bundled import chat_llm_path
from ragbox.config import load_settings
from ragbox.engine import Engine
from ragbox.errors import ConfigError, ModelError
from ragbox.llm.generator import Prompt
from ragbox.llm.server_backend import ServerGenerator

pytestmark = pytest.mark.slow


class ServerURL(str):
    def __new__(cls, url: str, log: Path):
        made = super().__new__(cls, url)
        made.log = log
        return made


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server's URL; its output is in ``server.log``."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(chat_llm_path()), "--model_alias",
               "smollm2", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    yield ServerURL(url, log)
    process.terminate()
    process.wait(timeout=10)


def server_engine(sample_index, url: str, **flags) -> Engine:
    settings = sample_index.settings.replace({"llm.base_url": url, **flags})
    return Engine(settings, embedder=sample_index.embedder)


def test_answers_stream_from_the_server_with_citations(sample_index, server):
    engine = server_engine(sample_index, server)
    tokens = []
    answer = engine.ask("Which law governs the master services agreement?", on_token=tokens.append)
    engine.close()
    # The server's model wrote it (greedy: the same words every run) and each sentence was checked:
    # smollm2 135M invents a law, so none is supported and none reaches the user; the answer is the
    # one taken from the evidence.
    assert answer.model_text.startswith("The law governing the master services agreement is the Federal Law 142-A")
    assert len(answer.sentences) == 2 and not any(s.supported for s in answer.sentences)
    named = "In Master Services Agreement (services_agreement_acme_globex.pdf): New York [1]"  # the question names it
    assert (answer.found, answer.style, answer.text, "".join(tokens)) == (True, "extracted", named, named)
    assert answer.model == f"smollm2 @ {server.split('/')[2]}"
    assert Path(answer.sources[0].path).name == "services_agreement_acme_globex.pdf"


def test_token_counts_are_the_models_own(server):
    from llama_cpp import Llama

    generator = ServerGenerator(server)
    tokenizer = Llama(model_path=str(chat_llm_path()), vocab_only=True, verbose=False)
    texts = ["hello world", "[1] (nda.pdf, page 3) Either party may terminate with thirty (30) days' notice.", ""]
    expected = [len(tokenizer.tokenize(t.encode(), add_bos=False, special=True)) for t in texts]
    assert generator.count_tokens_many(texts) == expected and generator.token_counts_exact


def test_closing_the_stream_stops_the_servers_generation(server):
    generator = ServerGenerator(server, "smollm2")
    story = Prompt("chat", messages=[{"role": "user", "content": "Write a very long story about a lighthouse."}])
    stream = generator.stream(story, 400)
    first = next(piece for piece in stream if piece)
    said_before = server.log.read_text().count("Disconnected from client")
    closed = time.perf_counter()
    stream.close()
    # llama_cpp.server notices the closed connection at its next token and stops writing.
    while server.log.read_text().count("Disconnected from client") == said_before:
        assert time.perf_counter() - closed < 10, "the server went on generating"
        time.sleep(0.05)
    short = "".join(generator.stream(Prompt("chat", messages=[{"role": "user", "content": "Say hi."}]), 4))
    assert first and short


def test_server_errors_are_one_line(server):
    with pytest.raises(ModelError) as wrong:
        ServerGenerator(server, "qwen3:4b").load()
    assert wrong.value.one_line() == "The LLM server has no model 'qwen3:4b': it serves smollm2 (llm.model)"
    closed = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError) as down:
        ServerGenerator(closed).load()
    assert down.value.one_line().startswith(f"Cannot reach the LLM server: {closed}/models: ")
    assert down.value.one_line().endswith("; is it running? (llm.base_url)")


def test_a_url_off_this_machine_is_refused_unless_allowed():
    def settings(**flags):
        return load_settings(environ={}, flags={f"llm.{k}": v for k, v in flags.items()})

    with pytest.raises(ConfigError) as refused:
        settings(base_url="http://192.168.1.20:11434/v1")
    assert refused.value.one_line() == (
        "Refusing 'llm.base_url': 192.168.1.20 is not this machine, and the passages of your documents would be "
        "sent there with every question; set llm.allow_remote = true if that is what you want")
    with pytest.raises(ConfigError, match="is not this machine"):
        settings(base_url="https://models.example.com/v1")
    assert settings(base_url="http://192.168.1.20:11434/v1", allow_remote=True).llm.allow_remote
    for local in ("http://localhost:8080/v1", "http://127.0.0.2:1234/v1", "http://[::1]:8080/v1"):
        assert settings(base_url=local).llm.base_url == local
    with pytest.raises(ConfigError, match="expected an http:// or https:// URL"):
        settings(base_url="127.0.0.1:8080")
    env = load_settings(environ={"RAGBOX_LLM__BASE_URL": "http://10.0.0.5/v1", "RAGBOX_LLM__ALLOW_REMOTE": "true"})
    assert env.llm.base_url == "http://10.0.0.5/v1" and os.environ.get("RAGBOX_LLM__BASE_URL") is None
