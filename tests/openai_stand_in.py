"""A real OpenAI-compatible HTTP server on loopback, small enough to start per test: it lists one
model and streams a fixed answer as server-sent events, the way llama-server does. ``hold`` keeps
the rest of an answer back until the test sets it, so a test can see the first piece arrive alone."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = ["The", " agreement", " is", " governed", " by", " New", " York", " law."]


class StandInServer:
    def __init__(self, answer: list[str] = ANSWER, pace_s: float = 0.0) -> None:
        self.answer = answer
        self.pace_s = pace_s  # between pieces, as a model writes them
        self.hold = threading.Event()
        self.hold.set()  # not held unless a test clears it
        self.requests: list[str] = []
        self.peers: list[str] = []  # who connected (always this machine's loopback here)
        self.hung_up = threading.Event()  # a client closed an answer before its end
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def __enter__(self) -> StandInServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.hold.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                stand_in.requests.append(f"GET {self.path}")
                stand_in.peers.append(self.client_address[0])
                self._reply(200, {"object": "list", "data": [{"id": "stand-in", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                stand_in.requests.append(f"POST {self.path}")
                stand_in.peers.append(self.client_address[0])
                if not self.path.endswith("completions"):
                    self._reply(404, {"error": "no tokenizer here"})
                    return
                self._stream(body.get("messages") is not None)

            def _stream(self, chat: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    for number, piece in enumerate(stand_in.answer):
                        choice = {"delta": {"content": piece}} if chat else {"text": piece}
                        self.wfile.write(f"data: {json.dumps({'choices': [choice]})}\n\n".encode())
                        self.wfile.flush()
                        if number == 0:
                            stand_in.hold.wait(30)
                        time.sleep(stand_in.pace_s)
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    stand_in.hung_up.set()

        return Handler
