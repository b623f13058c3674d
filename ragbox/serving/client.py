"""The client side of ``ragbox serve``: ``connect()`` and the ``RemoteEngine`` it returns.

Any front end (the CLI, the MCP server) calls ``connect(settings)``: a ``RemoteEngine`` when a
server runs for the settings' store, else None and the caller builds its own ``Engine``. The
remote engine offers the question-answering part of the engine's interface (``search``, ``ask``,
``index_name``, ``settings``) with the same arguments, results and errors. Importing this module
loads no model library: a client process stays small and starts in a tenth of a second.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any, Callable

from ragbox.config import Settings, as_flat_dict
from ragbox.errors import StoreError
from ragbox.serving import protocol
from ragbox.types import Answer, Hit, Where

CONNECT_TIMEOUT_S = 0.5
# Settings holding a path: made absolute before they travel, the server runs in another folder.
PATH_SETTINGS = ("store.dir", "embedding.model", "llm.model_path", "retrieval.reranker")


def connect(settings: Settings) -> "RemoteEngine | None":
    """A remote engine on the ``ragbox serve`` of this store, or None when none answers."""
    from ragbox.paths import data_dir

    path = protocol.socket_path(data_dir(settings))
    if not path.exists():
        return None
    hello = ping(path)
    # A server of another ragbox version may speak another protocol: answer locally then.
    return RemoteEngine(settings, path) if hello and hello.get("protocol") == protocol.PROTOCOL else None


def ping(path: Path) -> dict | None:
    """The server's hello, or None when nothing (of this user's) answers at ``path``."""
    try:
        with _open(path) as conn:
            return _exchange(conn, {"op": "ping"})
    except (OSError, StoreError, ValueError):
        return None


class RemoteEngine:
    """Answers like ``Engine`` does, computed by the server."""

    remote = True

    def __init__(self, settings: Settings, path: Path) -> None:
        self.settings = settings
        self.index_name = settings.store.index
        self.socket = path

    def search(self, query: str, k: int | None = None, where: Where = None) -> list[Hit]:
        value = self._request("search", {"query": query, "k": k, "where": _plain(where)})
        return protocol.decode(list[Hit], value)

    def ask(self, question: str, k: int | None = None, where: Where = None,
            on_token: Callable[[str], None] | None = None, cancel: threading.Event | None = None,
            retrieval_query: str | None = None) -> Answer:
        value = self._request("ask", {"question": question, "k": k, "where": _plain(where),
                                      "retrieval_query": retrieval_query}, on_token, cancel)
        return protocol.decode(Answer, value)

    def close(self) -> None:
        """Nothing to release: every request has its own connection."""

    def _request(self, op: str, args: dict, on_token=None, cancel: threading.Event | None = None) -> Any:
        request = {"op": op, "settings": _portable(self.settings), "args": args}
        try:
            with _open(self.socket) as conn:
                conn.settimeout(None)  # an answer takes as long as the model writes
                return _exchange(conn, request, on_token, cancel)
        except OSError as exc:
            raise StoreError("Lost the connection to ragbox serve", f"{type(exc).__name__}: {exc}",
                             self.socket) from exc


def _open(path: Path) -> socket.socket:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(CONNECT_TIMEOUT_S)
    try:
        conn.connect(str(path))
        if protocol.peer_uid(conn) != os.getuid():  # never send a question to another user's server
            raise StoreError("The ragbox socket belongs to another user", "", path)
    except BaseException:
        conn.close()
        raise
    return conn


def _exchange(conn: socket.socket, request: dict, on_token=None, cancel: threading.Event | None = None) -> Any:
    with conn.makefile("rwb") as stream:
        protocol.send(stream, request)
        for event in protocol.receive(stream):
            kind = event.get("event")
            if kind == "token":
                if cancel is not None and cancel.is_set():
                    return None  # closing the connection stops the server's generation
                if on_token:
                    on_token(event["text"])
            elif kind == "result":
                return event.get("value")
            elif kind == "error":
                protocol.raise_error(event)
    raise StoreError("ragbox serve stopped before answering")


def _portable(settings: Settings) -> dict:
    flat = as_flat_dict(settings)
    for key in PATH_SETTINGS:
        if flat.get(key):
            flat[key] = str(Path(flat[key]).expanduser().absolute())
    return flat


def _plain(where: Where):
    return list(where) if where is not None and not isinstance(where, str) else where
