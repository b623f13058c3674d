"""``llm.base_url`` as the only address the model side can reach.

ragbox's own process keeps its network (a team Chroma server, say), so the HTTP client that asks
the LLM server runs in a sealed child instead (``server_worker``): no network namespace device,
no ``socket()`` or ``connect()`` (seccomp), Landlock reads of Python only. Its one way out is a Unix
socket pair to ``ServerConnector`` here, which opens a TCP connection to base_url's host and port,
and to nothing else, each time the child asks, and hands the connected socket over (SCM_RIGHTS).

Why not a forwarder that copies bytes, or a filter: seccomp cannot read the address a
``connect()`` is given, and Landlock limits TCP by port, not address. Handing over connected
sockets enforces the same rule with nothing to copy: the child cannot create a socket, and one
connected to the server cannot be reconnected. Streaming costs what it costs in-process.

Where the child cannot be sealed (no namespace and no seccomp: not Linux, or a container that
forbids both), ``BaseUrlClient`` falls back to the in-process client and says why; so does
``llm.confine_server = false``.
"""

from __future__ import annotations

import socket
import sys
import threading
from urllib.parse import urlsplit

from ragbox.config import LLMSettings
from ragbox.errors import ModelError
from ragbox.llm.generator import Generator, Prompt
from ragbox.llm.model_process import WorkerGenerator, _Process, worker_env

CONNECT_TIMEOUT_S = 5.0
TIMEOUT_MARGIN_S = 10.0  # the client's own timeout fires first and says which request timed out


def server_address(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


class ServerConnector:
    """ragbox's end of the child's one way out: a connection to the server per request, and only that."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.connections = 0
        self.ours, self.childs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        threading.Thread(target=self._serve, daemon=True, name="llm-connector").start()

    def _serve(self) -> None:
        host, port = self.address
        while True:
            try:
                if not self.ours.recv(16):  # what the child asks is ignored: it gets the server or nothing
                    return  # the child is gone
                with socket.create_connection(self.address, timeout=CONNECT_TIMEOUT_S) as connection:
                    socket.send_fds(self.ours, [b"+"], [connection.fileno()])
                self.connections += 1
            except OSError as exc:
                try:
                    self.ours.send(f"{host}:{port}: {exc.strerror or exc}".encode()[:500])
                except OSError:
                    return

    def handed_to_child(self) -> None:
        self.childs.close()  # the child holds it now: its exit ends ``_serve``


def start_client_process(base_url: str) -> _Process:
    connector = ServerConnector(server_address(base_url))
    try:
        fd = connector.childs.fileno()
        process = _Process([sys.executable, "-P", "-m", "ragbox.llm.server_worker", str(fd)], worker_env(),
                           pass_fds=(fd,))
    finally:
        connector.handed_to_child()
    return process


class SealedServerClient(WorkerGenerator):
    """The server's answers, asked by the sealed child; the model worker's protocol and handling."""

    def __init__(self, llm: LLMSettings, model: str = "") -> None:
        self.base_url = llm.base_url.rstrip("/")
        self.model_path = None
        self._name = f"{model or llm.model or 'default model'} @ {urlsplit(self.base_url).netloc}"
        self._setup(llm.n_ctx, 0, llm.temperature, llm.seed, llm.prompt_style, llm.timeout_s + TIMEOUT_MARGIN_S,
                    False)
        self._request = {"op": "load", "base_url": self.base_url, "model": model or llm.model,
                         "api_key": llm.api_key, "n_ctx": llm.n_ctx, "temperature": llm.temperature,
                         "seed": llm.seed, "prompt_style": llm.prompt_style, "timeout_s": llm.timeout_s}

    def _start_process(self) -> _Process:
        return start_client_process(self.base_url)

    def _load_request(self) -> dict:
        return self._request

    def _discard_dead(self, process: _Process) -> None:
        status = process.exit_status()
        if self._process is process:
            self._process = None
        last = (process.last_words() or ["no message"])[-1]
        raise ModelError("The sealed LLM client stopped", f"exit status {status}: {last}")

    @property
    def name(self) -> str:
        """The server's model once the client has asked which it serves (``llm.model`` may be unset)."""
        process = self._process
        return process.info["name"] if process is not None and process.info else self._name

    @property
    def info(self) -> dict:
        return {}  # no llama.cpp here: no threads or CPU features to report

    @property
    def seal(self) -> dict:
        """The child's own account of its seal (``sealing.Seal.as_dict``)."""
        return self._ready().info.get("sealed") or {}


class BaseUrlClient(Generator):
    """The generator for ``llm.base_url``: the sealed client where the child can be sealed, else the
    in-process one. ``protection`` says which, and why, once the first request has decided."""

    model_path = None

    def __init__(self, llm: LLMSettings, model: str = "") -> None:
        self.llm = llm
        self.model = model
        self._name = f"{model or llm.model or 'default model'} @ {urlsplit(llm.base_url).netloc}"
        self.context_size = llm.n_ctx
        self.protection: dict | None = None  # {"active", "detail"}
        self._off = off_reason(llm)
        self._sealed = None if self._off else SealedServerClient(llm, model)
        self._chosen: Generator | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._chosen.name if self._chosen is not None else self._name

    def _client(self) -> Generator:
        with self._lock:
            if self._chosen is None:
                self._chosen = self._choose()
            return self._chosen

    def _choose(self) -> Generator:
        if self._sealed is not None:
            network = self._sealed.seal.get("network") or {"active": False, "detail": "the child did not say"}
            if network["active"]:
                self.protection = {"active": True, "detail": only_address_detail(self.llm.base_url)}
                return self._sealed
            self._sealed.close()
            self.protection = {"active": False, "detail": f"the LLM client could not be sealed here "
                                                          f"({network['detail']}), so ragbox's own process asks"}
        else:
            self.protection = {"active": False, "detail": self._off}
        from ragbox.llm.server_backend import ServerGenerator

        llm = self.llm
        return ServerGenerator(llm.base_url, self.model or llm.model, llm.api_key, llm.n_ctx, llm.temperature,
                               llm.seed, llm.prompt_style, llm.timeout_s)

    def start(self) -> None:
        if self._chosen is None and self._sealed is not None:
            self._sealed.start()  # connects while ragbox searches

    def load(self) -> None:
        self._client().load()

    def close(self) -> None:
        for client in {id(c): c for c in (self._sealed, self._chosen) if c is not None}.values():
            client.close()

    @property
    def loaded(self) -> bool:
        return self._chosen is not None and self._chosen.loaded

    def prompt_style(self) -> str:
        return self._client().prompt_style()

    def count_tokens(self, text: str) -> int:
        return self._client().count_tokens(text)

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        return self._client().count_tokens_many(texts)

    def stream(self, prompt: Prompt, max_tokens: int):
        return self._client().stream(prompt, max_tokens)


def off_reason(llm: LLMSettings) -> str:
    """Why the client is not to be sealed at all ('' when it is to be)."""
    if not llm.confine_server:
        return "turned off by llm.confine_server = false"
    if not sys.platform.startswith("linux"):
        return f"a sealed LLM client is a Linux feature (this is {sys.platform})"
    return ""


def only_address_detail(base_url: str) -> str:
    host, port = server_address(base_url)
    return (f"the LLM client runs sealed (no network of its own) and reaches only {host}:{port} (llm.base_url): "
            "ragbox opens each of its connections, to that address and no other")


def probe_client(base_url: str, secret: str, port: int, timeout: float = 30.0) -> dict:
    """What the sealed LLM client gets trying to read ``secret`` and to connect to ``port`` on
    127.0.0.1: ``sealing.escape_attempts``' answer (``ragbox doctor``, the tests)."""
    process = start_client_process(base_url)
    try:
        process.send({"op": "probe", "secret": secret, "port": port})
        reply = {"type": "alive"}
        while reply and reply.get("type") == "alive":
            reply = process.replies.get(timeout=timeout)
    finally:
        process.stop()
    if not reply or reply.get("type") != "probe":
        raise ModelError("The sealed LLM client did not answer the probe", " ".join(process.last_words()[-1:]))
    return reply
