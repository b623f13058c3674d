"""What confining the LLM client to llm.base_url costs a question: time to the first token and to
the whole answer, asked through the sealed client and in ragbox's own process, of a real server.

    python bench/confine.py [--runs 10] [--tokens 16] [--url URL] [--small]

Starts ``python -m llama_cpp.server`` with the bundled chat model on loopback (or uses --url),
builds both clients (``llm.confine_server`` true and false; the sealed one's start, its process and
first connection, is measured once), then asks the same short question --runs times with each,
alternating which goes first, and prints the medians and the difference.

--small is the run CI makes (tests/test_bench_confine.py): 2 runs of 4 tokens.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ragbox.bundled import chat_llm_path  # noqa: E402
from ragbox.config import Settings  # noqa: E402
from ragbox.llm.generator import Prompt  # noqa: E402
from ragbox.llm.server_confinement import BaseUrlClient  # noqa: E402

QUESTION = Prompt("chat", messages=[{"role": "user", "content": "Which law governs a contract signed in Paris?"}])


def start_server(log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(chat_llm_path()), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while not log.read_text().count("Uvicorn running"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit(f"llama_cpp.server did not start: {log.read_text()[-1000:]}")
        time.sleep(0.2)
    return process, url


def ask_once(client: BaseUrlClient, tokens: int) -> tuple[float, float]:
    """Seconds to the first piece of text and to the end of the answer."""
    started = time.perf_counter()
    first = None
    for piece in client.stream(QUESTION, tokens):
        if piece and first is None:
            first = time.perf_counter() - started
    return first or float("nan"), time.perf_counter() - started


def measure(url: str, runs: int, tokens: int) -> dict:
    clients = {}
    start = {}
    for sealed in (False, True):
        client = BaseUrlClient(Settings().replace({"llm.base_url": url, "llm.confine_server": sealed}).llm)
        started = time.perf_counter()
        client.load()
        start[sealed] = time.perf_counter() - started
        clients[sealed] = client
    if not clients[True].protection["active"]:
        print(f"Note: the sealed client is not active here: {clients[True].protection['detail']}")
    ask_once(clients[False], tokens)  # the server's first answer warms its caches: neither pays for it
    times: dict = {False: [], True: []}
    for run in range(runs):
        for sealed in ((False, True) if run % 2 else (True, False)):
            times[sealed].append(ask_once(clients[sealed], tokens))
    for client in clients.values():
        client.close()
    return {"start": start, "times": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tokens", type=int, default=16)
    parser.add_argument("--url", default="")
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    runs, tokens = (2, 4) if args.small else (args.runs, args.tokens)
    with tempfile.TemporaryDirectory(prefix="ragbox-bench-confine-") as scratch:
        server, url = (None, args.url) if args.url else start_server(Path(scratch) / "server.log")
        try:
            found = measure(url, runs, tokens)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
    medians = {sealed: [statistics.median(t[i] for t in found["times"][sealed]) * 1000 for i in (0, 1)]
               for sealed in (False, True)}
    start = {sealed: found["start"][sealed] * 1000 for sealed in (False, True)}
    print(f"LLM client confined to llm.base_url: {runs} questions of {tokens} tokens each way, medians")
    print("| step | in ragbox's process | sealed client | difference |")
    print("|---|---|---|---|")
    print(f"| client start (once) | {start[False]:.1f} ms | {start[True]:.1f} ms "
          f"| {start[True] - start[False]:+.1f} ms |")
    for label, i in (("first token", 0), (f"whole answer ({tokens} tokens)", 1)):
        plain, sealed = medians[False][i], medians[True][i]
        print(f"| {label} | {plain:.1f} ms | {sealed:.1f} ms | {sealed - plain:+.1f} ms |")
    print(f"Per-question cost of the sealed client (first token): {medians[True][0] - medians[False][0]:+.1f} ms")


if __name__ == "__main__":
    main()
