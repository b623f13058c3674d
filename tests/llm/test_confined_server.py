"""llm.base_url is the only address the model side can reach (issue 24, item 1): the requests are
made by a sealed child whose every connection ragbox opens, to base_url's host and port only.
Real child processes and a real HTTP server on loopback (tests/openai_stand_in.py)."""

from __future__ import annotations

import socket

import pytest

from ragbox.config import Settings
from ragbox.doctor import protections
from ragbox.llm.generator import Prompt
from ragbox.llm.model_service import make_generator
from ragbox.llm.server_backend import ServerGenerator
from ragbox.llm.server_confinement import BaseUrlClient, SealedServerClient, probe_client

from openai_stand_in import ANSWER, StandInServer

CHAT = Prompt("chat", messages=[{"role": "user", "content": "Which law governs the agreement?"}])


def namespaces_here() -> bool:
    """Whether this machine lets an unprivileged process have namespaces (checked in a child)."""
    import subprocess
    import sys

    probe = "from ragbox.sealing import seal_network; print(seal_network().active)"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "True"


needs_namespaces = pytest.mark.skipif(not namespaces_here(), reason="no unprivileged namespaces here: "
                                      "test_where_the_client_cannot_be_sealed_it_falls_back covers this machine")


def base_url_settings(url: str, **flags) -> Settings:
    return Settings().replace({"llm.base_url": url, **flags})


@needs_namespaces
def test_answers_stream_from_the_server_through_the_sealed_client():
    with StandInServer() as server:
        client = make_generator(base_url_settings(server.url).llm, None, [])
        try:
            server.hold.clear()  # the server sends one piece, then waits
            pieces = client.stream(CHAT, 16)
            first = next(piece for piece in pieces if piece)
            assert first == ANSWER[0]  # streamed: it arrived while the rest was still held back
            server.hold.set()
            answer = first + "".join(pieces)
            assert isinstance(client, BaseUrlClient) and isinstance(client._chosen, SealedServerClient)
            assert client.protection["active"] is True
            assert client._chosen.seal["network"]["active"] is True
            assert client.count_tokens_many(["New York law"]) == [4]  # no tokenizer: the estimate
        finally:
            client.close()
    assert answer == "".join(ANSWER)
    assert server.requests[0] == "GET /v1/models" and "POST /v1/chat/completions" in server.requests
    assert set(server.peers) == {"127.0.0.1"}  # ragbox opened each connection, to that address


@needs_namespaces
def test_closing_the_stream_hangs_up_on_the_server():
    with StandInServer(pace_s=0.2) as server:
        client = make_generator(base_url_settings(server.url).llm, None, [])
        try:
            server.hold.clear()
            pieces = client.stream(CHAT, 16)
            assert next(piece for piece in pieces if piece) == ANSWER[0]
            pieces.close()  # the sealed client is told to stop: it closes its connection
            server.hold.set()
            assert server.hung_up.wait(10), "the server was left writing its answer"
            again = "".join(client.stream(CHAT, 16))  # the client is ready for the next question
        finally:
            client.close()
    assert again == "".join(ANSWER)


@needs_namespaces
def test_the_sealed_client_cannot_connect_anywhere_else_or_read_a_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the vault opens with 4417")
    with StandInServer() as server, socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        other.setblocking(False)
        found = probe_client(server.url, str(secret), other.getsockname()[1])
        with pytest.raises(BlockingIOError):
            other.accept()  # nobody connected
    assert found["seal"]["network"]["active"] is True
    assert found["connect"] is None and found["connect_error"] in ("PermissionError", "OSError")
    if found["seal"]["filesystem"]["active"]:
        assert found["read"] is None and found["read_error"] == "PermissionError"


@needs_namespaces
def test_doctor_proves_base_url_is_the_only_address():
    with StandInServer() as server:
        report = protections(base_url_settings(server.url))
    only = report["base_url_only"]
    host_port = server.url.split("//")[1].removesuffix("/v1")
    assert only["active"] is True and f"reaches only {host_port} (llm.base_url)" in only["detail"]
    assert report["model_network"]["active"] is True and report["model_network"]["escaped"] is False
    assert "base_url_only" not in report["detail"]


def test_turned_off_the_client_runs_in_ragbox_and_doctor_says_so():
    with StandInServer() as server:
        settings = base_url_settings(server.url, **{"llm.confine_server": False})
        client = make_generator(settings.llm, None, [])
        try:
            answer = "".join(client.stream(CHAT, 16))
        finally:
            client.close()
        report = protections(settings)
    assert answer == "".join(ANSWER) and isinstance(client._chosen, ServerGenerator)
    assert client.protection == {"active": False, "detail": "turned off by llm.confine_server = false"}
    assert report["base_url_only"]["active"] is False
    assert report["base_url_only"]["detail"] == ("turned off by llm.confine_server = false, so ragbox's own "
                                                 "process asks llm.base_url and can reach any address")
    assert report["status"] == "warn" and "base_url_only" in report["detail"]


class UnsealableChild:
    """A child that reports what a machine without namespaces or seccomp gives it (the decision
    around it is what is tested: the real child on such a machine reports the same way)."""

    closed = False
    seal = {"network": {"active": False, "detail": "unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: EPERM"}}

    def close(self) -> None:
        self.closed = True


def test_where_the_client_cannot_be_sealed_it_falls_back_and_says_why():
    with StandInServer() as server:
        client = BaseUrlClient(base_url_settings(server.url).llm)
        client._sealed.close()
        client._sealed = child = UnsealableChild()
        try:
            answer = "".join(client.stream(CHAT, 16))
        finally:
            client.close()
    assert answer == "".join(ANSWER) and child.closed and isinstance(client._chosen, ServerGenerator)
    assert client.protection == {"active": False, "detail": "the LLM client could not be sealed here "
                                 "(unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: EPERM), so ragbox's own process asks"}
