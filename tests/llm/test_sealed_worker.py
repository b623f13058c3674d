"""The model worker runs sealed (issue 24, item 1): llama.cpp in a process with no network and no
file but Python and the model to read, proven by asking the real worker to try; where a protection
is not available here, ``ragbox doctor`` reports it missing."""

from __future__ import annotations

import socket

import pytest

from ragbox.config import Settings
from ragbox.doctor import protections
from ragbox.llm.generator import Prompt
from ragbox.llm.model_files import bundled_llm_path
from ragbox.llm.model_process import WorkerGenerator, probe_worker

pytestmark = pytest.mark.slow


def test_the_model_worker_cannot_open_a_socket_or_read_a_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the vault opens with 4417")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        found = probe_worker(bundled_llm_path(), secret, server.getsockname()[1])
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
    seal = found["seal"]
    if seal["network"]["active"]:
        assert found["connect"] is None and found["connect_error"] in ("PermissionError", "OSError")
    else:  # no namespaces here: doctor says so
        assert protections(Settings())["model_network"]["active"] is False
    if seal["filesystem"]["active"]:
        assert found["read"] is None and found["read_error"] == "PermissionError"
    else:
        assert found["read"] == "the vault opens with 4417"
        assert protections(Settings())["model_filesystem"]["active"] is False


def test_the_sealed_worker_answers_and_says_how_it_is_sealed():
    worker = WorkerGenerator(bundled_llm_path(), n_ctx=2048)
    try:
        answer = "".join(worker.stream(Prompt("completion", text="Question: What is the capital of France?\nAnswer:"),
                                       8))
        sealed = worker._process.info["sealed"]
    finally:
        worker.close()
    assert "Paris" in answer
    assert set(sealed) == {"network", "filesystem"} and all(item["detail"] for item in sealed.values())


def test_with_a_server_the_model_protections_are_the_sealed_clients():
    """No model worker then: the client asking llm.base_url is probed instead (no server needed),
    and reaches only that address (tests/llm/test_confined_server.py)."""
    settings = Settings().replace({"llm.base_url": "http://127.0.0.1:9/v1"})
    report = protections(settings)
    network, only = report["model_network"], report["base_url_only"]
    assert network["escaped"] is False if network["active"] else "could not be sealed here" in only["detail"]
    assert only["active"] is network["active"]
    assert ("reaches only 127.0.0.1:9 (llm.base_url)" in only["detail"]) is only["active"]
