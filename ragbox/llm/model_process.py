"""The LLM in a child process: ``WorkerGenerator`` is the engine's generator, ``model_worker`` runs it.

A crash of llama.cpp (an illegal instruction on a CPU the build was not made for, a segfault on a
damaged file, the out-of-memory killer) or a hang ends the worker, not ragbox: the question fails
with a one-line ``ModelError`` that names the cause and the fix, and the next question starts a
new worker. Closing a stream tells the worker to stop at once (it polls for that inside
llama.cpp's compute), so a cancelled answer frees the model within milliseconds.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Iterator

from ragbox.errors import ModelError
from ragbox.llm import crash_reports
from ragbox.llm.generator import Generator, Prompt

POLL_S = 0.1  # a quiet stream yields "" this often, so the caller can notice a cancel
STOP_WAIT_S = 3.0  # how long a closing worker gets to exit before it is killed
TOKEN_CACHE = 4096  # token counts kept: follow-up questions count the same sources again
_EOF = None


class _Process:
    """One worker process: its pipes, a thread reading its replies, the tail of its stderr."""

    def __init__(self, command: list[str], env: dict, pass_fds: tuple[int, ...] = ()) -> None:
        self.popen = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=env, close_fds=True, pass_fds=pass_fds)
        self.replies: queue.Queue = queue.Queue()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self.info: dict | None = None  # the "ready" reply
        self.last_heard = time.monotonic()  # its last reply, or the request it was sent since
        threading.Thread(target=self._read_replies, daemon=True, name="llm-replies").start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True, name="llm-stderr")
        self._stderr_reader.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def _read_replies(self) -> None:
        for line in self.popen.stdout:
            try:
                self.replies.put(json.loads(line))
            except ValueError:
                self.stderr_tail.append(line.decode("utf-8", "replace").strip())
        self.replies.put(_EOF)

    def _read_stderr(self) -> None:
        for line in self.popen.stderr:
            text = line.decode("utf-8", "replace").strip()
            if text:
                self.stderr_tail.append(text)

    def last_words(self) -> list[str]:
        """Its stderr's last lines, once it has exited (what a failed assert printed, say)."""
        self._stderr_reader.join(timeout=1.0)
        return list(self.stderr_tail)

    def send(self, message: dict) -> bool:
        if self.replies.empty():
            self.last_heard = time.monotonic()  # a new request: the silence counts from now
        try:
            self.popen.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
            self.popen.stdin.flush()
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False  # it died; reading its replies says how

    def exit_status(self, wait: float = 5.0) -> int | None:
        try:
            return self.popen.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """Ask it to exit (EOF on its stdin), then kill it if it does not."""
        if self.popen.poll() is None:
            try:
                self.popen.stdin.close()
            except OSError:
                pass
            if self.exit_status(STOP_WAIT_S) is None:
                self.kill()
        for pipe in (self.popen.stdout, self.popen.stderr):
            try:
                pipe.close()
            except OSError:
                pass

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait()


def _stop_quietly(process: _Process) -> None:
    try:
        process.stop()
    except Exception:  # interpreter shutdown: nothing more to do
        pass


def worker_command(model_path: Path) -> list[str]:
    """The worker's command line: it seals itself to read this model file only."""
    return [sys.executable, "-P", "-m", "ragbox.llm.model_worker", str(model_path)]


def worker_env() -> dict:
    root = str(Path(__file__).resolve().parents[2])  # so the child imports this very ragbox
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))


def probe_worker(model_path: Path, secret: Path, port: int, timeout: float = 30.0) -> dict:
    """What a model worker (sealed as for ``model_path``) gets trying to read ``secret`` and to
    connect to ``port`` on 127.0.0.1: ``sealing.escape_attempts``' answer."""
    process = _Process(worker_command(model_path), worker_env())
    try:
        process.send({"op": "probe", "secret": str(secret), "port": port})
        reply = {"type": "alive"}
        while reply and reply.get("type") == "alive":  # said while it works on it
            reply = process.replies.get(timeout=timeout)
    finally:
        process.stop()
    if not reply or reply.get("type") != "probe":
        raise ModelError("The model worker did not answer the probe", " ".join(process.last_words()[-1:]))
    return reply


class WorkerGenerator(Generator):
    """The ``Generator`` the engine uses: same interface as ``LlamaCppGenerator``, model in a child."""

    def __init__(self, model_path: Path, n_ctx: int, threads: int = 0, temperature: float = 0.0,
                 seed: int = 0, prompt_style: str = "auto", timeout_s: float = 60.0,
                 check_memory: bool = True, name: str | None = None) -> None:
        if not Path(model_path).is_file():
            raise ModelError("LLM model file not found", "set llm.model_path or --model to a .gguf file", model_path)
        self.model_path = Path(model_path)
        self.name = name or self.model_path.name
        self._setup(n_ctx, threads, temperature, seed, prompt_style, timeout_s, check_memory)

    def _setup(self, n_ctx: int, threads: int, temperature: float, seed: int, prompt_style: str,
               timeout_s: float, check_memory: bool) -> None:
        self.context_size = n_ctx
        self.threads = threads
        self.temperature = temperature
        self.seed = seed
        self.timeout_s = timeout_s
        self.check_memory = check_memory
        self._style = prompt_style
        self._process: _Process | None = None
        self._lock = threading.RLock()  # one request at a time; a stream holds it while it runs
        self._next_id = 0
        self._token_counts: collections.OrderedDict[str, int] = collections.OrderedDict()
        self.memory: dict | None = None  # what the model needs, when checked
        self.starts = 0  # workers started: more than one after a crash, a hang or a close

    # --- the process ----------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        """Whether a worker is running with the model loaded (False after a crash, until reload)."""
        process = self._process
        return process is not None and process.info is not None and process.popen.poll() is None

    @property
    def restarts(self) -> int:
        return max(0, self.starts - 1)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def info(self) -> dict:
        """The worker's report on loading: threads, load time, llama.cpp version and CPU features."""
        return dict(self._ready().info)

    def start(self) -> None:
        """Start the worker and its model load without waiting (it loads while ragbox searches)."""
        with self._lock:
            if self._process is None or self._process.popen.poll() is not None:
                self._spawn()

    def load(self) -> None:
        self._ready()

    def close(self) -> None:
        """Stop the worker (the model's memory is freed); a later request starts a new one."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            process.stop()

    def _spawn(self) -> None:
        if self.check_memory:
            self.memory = crash_reports.check_fits(self.model_path, self.name, self.context_size)
        self.starts += 1
        process = self._start_process()
        weakref.finalize(self, _stop_quietly, process)
        self._process = process
        process.send(self._load_request())

    def _start_process(self) -> _Process:
        return _Process(worker_command(self.model_path), worker_env())

    def _load_request(self) -> dict:
        return {"op": "load", "model_path": str(self.model_path), "n_ctx": self.context_size,
                "threads": self.threads, "temperature": self.temperature, "seed": self.seed,
                "prompt_style": self._style}

    def _ready(self) -> _Process:
        """The running worker with the model loaded: started (again, after a crash) if need be."""
        with self._lock:
            # A worker that died after loading is replaced; one that died loading is reported below.
            if self._process is None or (self._process.popen.poll() is not None and self._process.info):
                self._spawn()
            process = self._process
            if process.info is None:
                message = self._receive(process)
                if message["type"] != "ready":
                    self._discard(process)
                    raise ModelError(message.get("what") or "Cannot load LLM", message.get("why", ""),
                                     message.get("path") or self.model_path)
                process.info = message
            return process

    def _discard(self, process: _Process) -> None:
        if self._process is process:
            self._process = None
        process.kill()

    def _receive(self, process: _Process, poll: float | None = None) -> dict | None:
        """The worker's next reply. With ``poll``, None when that long passes quietly. A worker
        that dies, or shows no sign of work for ``timeout_s``, raises ``ModelError``."""
        while True:
            left = self.timeout_s - (time.monotonic() - process.last_heard)
            try:
                message = process.replies.get(timeout=max(0.0, min(left, poll) if poll else left))
            except queue.Empty:
                if time.monotonic() - process.last_heard >= self.timeout_s:
                    self._discard(process)
                    raise crash_reports.hang_error(self.model_path, self.timeout_s) from None
                if poll:
                    return None
                continue
            if message is _EOF:
                self._discard_dead(process)
            process.last_heard = time.monotonic()
            if message["type"] != "alive":
                return message

    def _discard_dead(self, process: _Process) -> None:
        status = process.exit_status()
        if self._process is process:
            self._process = None
        raise crash_reports.crash_error(self.model_path, self.name, status, process.last_words(),
                                        self.memory, self.context_size)

    # --- the Generator interface ----------------------------------------------------------------
    def prompt_style(self) -> str:
        if self._style != "auto":
            return self._style
        return self._ready().info["prompt_style"]

    def has_chat_template(self) -> bool:
        return bool(self._ready().info["chat_template"])

    def count_tokens(self, text: str) -> int:
        return self.count_tokens_many([text])[0]

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        """Exact counts by the model's own tokenizer, all of them in one round trip to the worker."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._token_counts))
            if missing:
                process = self._ready()
                process.send({"op": "count", "texts": missing})
                reply = self._receive(process)
                if reply["type"] != "counts":
                    raise ModelError(reply.get("what", "Cannot count tokens"), reply.get("why", ""),
                                     reply.get("path"))
                self._token_counts.update(zip(missing, reply["counts"]))
                while len(self._token_counts) > TOKEN_CACHE:
                    self._token_counts.popitem(last=False)
            return [self._token_counts[t] for t in texts]

    def stream(self, prompt: Prompt, max_tokens: int) -> Iterator[str]:
        with self._lock:
            process = self._ready()
            self._next_id += 1
            ident = self._next_id
            process.send({"op": "generate", "id": ident, "max_tokens": max_tokens,
                          "prompt": {"style": prompt.style, "text": prompt.text, "messages": prompt.messages}})
            finished = False
            try:
                while True:
                    message = self._receive(process, poll=POLL_S)
                    if message is None:
                        yield ""  # still reading the prompt: the caller may cancel now
                        continue
                    if message.get("id") != ident:
                        continue  # the end of an earlier, cancelled generation
                    if message["type"] == "piece":
                        yield message["text"]
                    elif message["type"] in ("done", "cancelled"):
                        finished = True
                        return
                    else:
                        finished = True
                        raise ModelError(message.get("what", "The LLM failed"), message.get("why", ""),
                                         message.get("path"))
            finally:
                if not finished and self._process is process:
                    self._cancel(process, ident)

    def _cancel(self, process: _Process, ident: int) -> None:
        """Stop generation ``ident`` and wait until the worker is idle again (it stays loaded)."""
        if not process.send({"op": "cancel", "id": ident}):
            return
        try:
            while True:
                message = self._receive(process)
                if message.get("id") == ident and message["type"] in ("done", "cancelled", "error"):
                    return
        except ModelError:
            return  # it died or hung meanwhile: it is discarded, the next request starts another
