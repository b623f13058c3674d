"""The sealed LLM client: ``python -m ragbox.llm.server_worker FD``, the process that asks the
server of ``llm.base_url`` for answers when ragbox is confined to that one address.

It seals itself first (``ragbox.sealing``): a network namespace of its own with no device up, a
seccomp filter under which ``socket()`` and ``connect()`` fail, Landlock reads of Python only. It
then cannot open any connection at all. Its one way out is FD, a Unix socket pair inherited from
ragbox: each time its HTTP client needs a connection it sends one byte there, and ragbox sends
back a TCP socket it has connected itself to base_url's host and port (``server_confinement``),
whatever this process asked for. A connected TCP socket cannot be pointed elsewhere, so even a
compromised client reaches nothing but that server. The bytes go straight from this process to
the server: there is no copy through ragbox, so streaming costs what it costs in-process.

It speaks the model worker's protocol (``model_worker``): the "load" line names the server
instead of a model file (and carries the API key, which never appears on a command line).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time

from ragbox import sealing
from ragbox.llm.model_worker import Worker

# Where TLS finds the system's certificate authorities (certifi's sit with the packages).
CERTIFICATES = ("/etc/ssl", "/etc/pki", "/etc/ca-certificates")


class ParentConnections:
    """An httpcore network backend whose connections all come from ragbox, connected already."""

    def __init__(self, channel: socket.socket) -> None:
        self.channel = channel
        self.lock = threading.Lock()  # one request and its reply at a time

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        import httpcore
        from httpcore._backends.sync import SyncStream  # httpcore's own stream (TLS included)

        with self.lock:
            self.channel.send(b"c")  # what to connect to is not ours to say
            message, fds, _, _ = socket.recv_fds(self.channel, 512, 1)
        if not fds:  # as httpcore's own failure, so the client reports it as one (a one-line error)
            raise httpcore.ConnectError(message.decode("utf-8", "replace") or "ragbox is gone")
        connection = socket.socket(fileno=fds[0])
        connection.settimeout(timeout)
        return SyncStream(connection)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        import httpcore

        raise httpcore.ConnectError("a Unix socket is not llm.base_url")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def confined_transport(channel: socket.socket):
    """An httpx transport over ``ParentConnections``: httpx has no setting for httpcore's network
    backend, so its pool is replaced by one built the way ``HTTPTransport`` builds it."""
    import httpcore
    import httpx

    transport = httpx.HTTPTransport(trust_env=False)  # no proxy: the server is reached directly
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                              network_backend=ParentConnections(channel))
    return transport


class ServerClientWorker(Worker):
    """The model worker's loop, with ``ServerGenerator`` in place of llama.cpp."""

    def __init__(self, out, channel: socket.socket) -> None:
        super().__init__(out)
        self.channel = channel

    def load(self, request: dict) -> None:
        from ragbox.llm.server_backend import ServerGenerator

        started = time.perf_counter()
        generator = ServerGenerator(request["base_url"], request.get("model", ""), request.get("api_key", ""),
                                    request["n_ctx"], request.get("temperature", 0.0), request.get("seed", 0),
                                    request.get("prompt_style", "auto"), request.get("timeout_s", 60.0),
                                    transport=confined_transport(self.channel))
        generator.load()
        self.generator = generator
        self.send({"type": "ready", "name": generator.name, "model": generator.model,
                   "context_size": generator.context_size, "prompt_style": generator.prompt_style(),
                   "chat_template": True, "load_s": round(time.perf_counter() - started, 3), "pid": os.getpid(),
                   "sealed": self.seal.as_dict() if self.seal else None})


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is ragbox's to handle; it ends us
    channel = socket.socket(fileno=int(sys.argv[1]))  # inherited: no socket() call, which is refused
    worker = ServerClientWorker(protocol, channel)
    # Before any thread starts (unshare refuses a threaded process); it writes nowhere.
    worker.seal = sealing.seal_child(list(CERTIFICATES), [])
    threading.Thread(target=worker.read_requests, name="requests", daemon=True).start()
    threading.Thread(target=worker.report_alive, name="alive", daemon=True).start()
    worker.serve()


if __name__ == "__main__":
    main()
