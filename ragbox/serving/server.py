"""The server side of ``ragbox serve``: warm engines behind a Unix socket, one thread a client.

Each request carries the client's settings; the server keeps one ``Engine`` per distinct
settings (an index, a model flag) and one loaded LLM per model configuration, shared by the
engines that use it. Generation is serialised per model (llama.cpp answers one prompt at a
time); searches run side by side. An engine notices writes made by other processes (an index
run, the app) through the catalog's generation and reopens its vector store for them.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socketserver
import threading
from pathlib import Path
from typing import Callable

from ragbox.config import Settings, as_flat_dict
from ragbox.engine import Engine
from ragbox.errors import RagboxError, StoreError
from ragbox.paths import data_dir
from ragbox.serving import protocol

WORKERS = 32  # requests answered at once (each in a thread kept for the next ones)
MAX_ENGINES = 8  # distinct client settings kept warm; the least recently used is closed first
MAX_SETTINGS = 64  # distinct settings kept validated (clients of other configs, flags)


class Warm:
    """The engines and LLMs kept loaded, keyed by the settings that shape them."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}
        self._generators: dict[str, object] = {}
        self._embedders: dict[tuple, object] = {}
        self.generation_locks: dict[int, threading.Lock] = {}
        self._settings: dict[str, Settings] = {}
        self._lock = threading.Lock()

    def settings(self, flat: dict) -> Settings:
        """The settings a request carries, validated once for each distinct set: building them
        anew took 0.6 ms of every request (1-2 ms on a busy machine). Settings are immutable."""
        key = json.dumps(flat, sort_keys=True)
        with self._lock:
            found = self._settings.get(key)
        if found is None:
            found = Settings().replace(flat)  # a bad value raises here, and is not kept
            with self._lock:
                if len(self._settings) >= MAX_SETTINGS:
                    self._settings.clear()
                self._settings[key] = found
        return found

    def engine(self, settings: Settings) -> Engine:
        flat = {k: v for k, v in as_flat_dict(settings).items() if not k.startswith("serve.")}
        key = json.dumps(flat, sort_keys=True)
        llm_key = json.dumps({k: v for k, v in flat.items() if k.startswith("llm.")}, sort_keys=True)
        with self._lock:
            engine = self._engines.pop(key, None)
            if engine is None:
                engine = Engine(settings)
                # Engines of the same model (another index, another k) share one loaded embedder.
                shared = self._embedders.get(engine.embedder_key())
                if shared is not None:
                    engine.use_embedder(shared)
                else:
                    self._embedders[engine.embedder_key()] = engine.embedder
            self._engines[key] = engine  # most recently used last
            if len(self._engines) > MAX_ENGINES:
                oldest = next(iter(self._engines))
                self._engines.pop(oldest).close()
            if llm_key in self._generators:
                if not engine.llm.built():
                    engine.llm.use(self._generators[llm_key])
            else:
                self._generators[llm_key] = engine.llm.generator
            self.generation_locks.setdefault(id(engine.llm.generator), threading.Lock())
        return engine

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()


class _Handler(socketserver.StreamRequestHandler):
    engines: Warm  # the warm engines this server answers with
    on_request: Callable[[str], None] | None = None  # sees each request but pings

    def handle(self) -> None:
        if protocol.peer_uid(self.connection) != os.getuid():
            return  # the socket is 0600 already; this only guards a socket made readable by hand
        for request in protocol.receive(self.rfile):
            if self.on_request and request.get("op") != "ping":
                self.on_request(request.get("op", ""))
            try:
                self._serve(request)
            except (BrokenPipeError, ConnectionResetError):
                return
            except RagboxError as exc:
                protocol.send(self.wfile, protocol.error_event(exc))
            except Exception as exc:  # a bug: reported to the client, the server stays up
                protocol.send(self.wfile, protocol.error_event(
                    RagboxError("ragbox serve failed", f"{type(exc).__name__}: {exc}")))

    def _serve(self, request: dict) -> None:
        op, args = request.get("op"), request.get("args") or {}
        if op == "ping":
            protocol.send(self.wfile, {"event": "result", "value": {"protocol": protocol.PROTOCOL,
                                                                    "pid": os.getpid()}})
            return
        engine = self.engines.engine(self.engines.settings(request.get("settings") or {}))
        if op == "search":
            hits = engine.search(args["query"], args.get("k"), args.get("where"))
            protocol.send(self.wfile, {"event": "result", "value": protocol.encode(hits)})
        elif op == "ask":
            self._ask(engine, args)
        else:
            raise RagboxError("Unknown request", f"op {op!r}")

    def _ask(self, engine: Engine, args: dict) -> None:
        cancel = threading.Event()

        def on_token(text: str) -> None:
            try:
                protocol.send(self.wfile, {"event": "token", "text": text})
            except (BrokenPipeError, ConnectionResetError):
                cancel.set()  # the client went away (Ctrl-C): stop generating for it

        with self.engines.generation_locks[id(engine.llm.generator)]:
            answer = engine.ask(args["question"], args.get("k"), args.get("where"), on_token=on_token,
                                cancel=cancel, retrieval_query=args.get("retrieval_query"))
        if not cancel.is_set():
            protocol.send(self.wfile, {"event": "result", "value": protocol.encode(answer)})


def handler(warm: Warm, on_request: Callable[[str], None] | None = None) -> type[_Handler]:
    """The request handler class serving ``warm``'s engines; ``on_request(op)`` sees each request but pings."""
    return type("Handler", (_Handler,), {"engines": warm, "on_request": staticmethod(on_request)})


class _Server(socketserver.UnixStreamServer):
    """Each request (a client's connection) handled by a pool of long-lived daemon threads, at
    most ``WORKERS`` at once, not by a new thread each: the catalog keeps one SQLite connection
    per thread, open until the engine closes, so a thread a request opened a connection (and its
    memory map) for every search and left them all open, and the keyword search started without
    the term statistics it keeps."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers = self._idle = 0

    def process_request(self, request, client_address) -> None:
        self._requests.put((request, client_address))
        with self._lock:  # an idle worker takes it, else a new one: a search never waits behind an ask
            if self._idle:
                self._idle -= 1
            elif self._workers < WORKERS:
                self._workers += 1
                threading.Thread(target=self._work, name=f"ragbox-request-{self._workers}", daemon=True).start()

    def server_close(self) -> None:
        super().server_close()
        for _ in range(self._workers):
            self._requests.put(None)  # each worker ends when it takes one (after its request)

    def _work(self) -> None:
        while True:
            taken = self._requests.get()
            if taken is None:
                return
            request, client_address = taken
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)
                with self._lock:
                    self._idle += 1


def serve(settings: Settings, on_ready: Callable[[Path], None] | None = None,
          on_request: Callable[[str], None] | None = None, warm_up: bool = True,
          stop: threading.Event | None = None) -> None:
    """Serve the store of ``settings`` until ``stop`` is set (or SIGTERM or SIGINT, in the main
    thread). One server per store: a second one finds the socket answering and stops with a
    ``StoreError``."""
    path = protocol.socket_path(data_dir(settings))
    protocol.private_dir(path.parent)
    from ragbox.serving.client import ping

    if ping(path) is not None:
        raise StoreError("ragbox serve is already running for this store", "", path)
    path.unlink(missing_ok=True)  # a socket left by a server that was killed
    old_umask = os.umask(0o177)  # the socket is created 0600: only its owner can connect
    try:
        server = _Server(str(path), handler(Warm(), on_request))
    finally:
        os.umask(old_umask)
    try:
        if warm_up:
            _warm_up(server, settings)
        stop = stop or threading.Event()
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        thread = threading.Thread(target=server.serve_forever, name="ragbox-serve", daemon=True)
        thread.start()
        if on_ready:
            on_ready(path)
        stop.wait()
        server.shutdown()
    finally:
        server.server_close()
        path.unlink(missing_ok=True)


def _warm_up(server, settings: Settings) -> None:
    """Load the embedding model, the store and the LLM of the server's own settings now, so the
    first client with the same settings is answered warm."""
    engine = server.RequestHandlerClass.engines.engine(settings)
    engine.embedder.embed(["warm up"])
    if engine.exists() and engine.catalog.has_documents():
        engine.search("warm up", k=1)
        engine.catalog.warm_keywords()  # else the first question of many words reads them (2 s at 1M passages)
    engine.llm.load()
