"""The model worker: ``python -m ragbox.llm.model_worker``, the only process that runs llama.cpp.

ragbox starts it with ``model_process.WorkerGenerator`` and speaks JSON lines with it: the first
line on stdin loads a model, later lines ask for token counts or a generation, or cancel one.
Replies go to the protocol pipe (the original stdout; fd 1 is pointed at stderr so nothing
llama.cpp prints can corrupt the protocol). If llama.cpp crashes here (an illegal instruction,
a segfault, the out-of-memory killer), only this process dies and ragbox reports why.

It seals itself first (``ragbox.sealing``): no network (the model needs none), and it reads only
Python, its packages, the system libraries and the model file named on its command line.

Requests:  {"op": "load", "model_path", "n_ctx", "threads", "temperature", "seed", "prompt_style"}
           {"op": "count", "texts": [...]}
           {"op": "generate", "id", "prompt": {"style", "text", "messages"}, "max_tokens"}
           {"op": "cancel", "id"}
           {"op": "probe", "secret", "port"} (``ragbox doctor``, tests: what a hostile model could do)
Replies:   {"type": "ready", ...model facts} | {"type": "counts", "counts": [...]}
           {"type": "piece", "id", "text"} ... then {"type": "done" | "cancelled", "id", "pieces"}
           {"type": "error", "id", "what", "why"} | {"type": "alive"} (working, nothing to say yet)
"""

from __future__ import annotations

import json
import os
import queue
import re
import resource
import signal
import sys
import threading
import time
from pathlib import Path

from ragbox import sealing
from ragbox.errors import RagboxError
from ragbox.llm import worker_faults

ALIVE_INTERVAL_S = 0.5
SPLIT_MODEL = re.compile(r"(.+)-\d{5}-of-\d{5}\.gguf$")


class Worker:
    def __init__(self, out) -> None:
        self.out = out
        self.writing = threading.Lock()
        self.requests: queue.Queue = queue.Queue()
        self.current: int | None = None  # the generation running now
        self.cancelled: int | None = None  # the last generation a cancel was asked for
        self.busy = False
        self.generator = None
        self.generations = 0
        self.seal: sealing.Seal | None = None

    def send(self, message: dict) -> None:
        line = json.dumps(message, ensure_ascii=False) + "\n"
        with self.writing:
            self.out.write(line)
            self.out.flush()

    # --- threads besides the main one -----------------------------------------------------------
    def read_requests(self) -> None:
        """stdin -> requests; a cancel takes effect at once. EOF: ragbox is gone, so are we."""
        for line in sys.stdin:
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if request.get("op") == "cancel":
                self.cancelled = request.get("id")
            else:
                self.requests.put(request)
        os._exit(0)

    def report_alive(self) -> None:
        """While busy, say so whenever the process used CPU or read the disk since the last look:
        ragbox tells a slow model (a long prompt, a large file paged in) from a hung one by this."""
        last = None
        while True:
            time.sleep(ALIVE_INTERVAL_S)
            usage = resource.getrusage(resource.RUSAGE_SELF)
            now = (round(usage.ru_utime + usage.ru_stime, 2), usage.ru_majflt, usage.ru_inblock)
            if self.busy and now != last:
                self.send({"type": "alive"})
            last = now

    def should_stop(self) -> bool:
        return self.current is not None and self.cancelled == self.current

    # --- requests -------------------------------------------------------------------------------
    def load(self, request: dict) -> None:
        from pathlib import Path

        from ragbox.llm.llama_backend import LlamaCppGenerator, library_version, system_info

        started = time.perf_counter()
        generator = LlamaCppGenerator(Path(request["model_path"]), request["n_ctx"], request.get("threads", 0),
                                      request.get("temperature", 0.0), request.get("seed", 0),
                                      request.get("prompt_style", "auto"))
        generator.should_stop = self.should_stop
        generator.load()
        worker_faults.at("load")
        self.generator = generator
        self.send({"type": "ready", "name": generator.name, "context_size": generator.context_size,
                   "prompt_style": generator.prompt_style(), "chat_template": generator.has_chat_template(),
                   "threads": generator.threads, "load_s": round(time.perf_counter() - started, 3),
                   "system_info": system_info(), "llama_cpp_version": library_version(), "pid": os.getpid(),
                   "sealed": self.seal.as_dict() if self.seal else None})

    def probe(self, request: dict) -> None:
        self.send({"type": "probe", **sealing.escape_attempts(request["secret"], request["port"])})

    def count(self, request: dict) -> None:
        self.send({"type": "counts", "counts": self.generator.count_tokens_many(request["texts"])})

    def generate(self, request: dict) -> None:
        from ragbox.llm.generator import Prompt

        ident = request["id"]
        spec = request["prompt"]
        prompt = Prompt(spec["style"], text=spec.get("text", ""), messages=spec.get("messages", []))
        self.generations += 1
        self.current = ident
        pieces = 0
        try:
            for text in self.generator.stream(prompt, request["max_tokens"]):
                if self.should_stop():
                    break
                self.send({"type": "piece", "id": ident, "text": text})
                pieces += 1
                if pieces == 1:
                    worker_faults.at(f"generate:{self.generations}")
        except RuntimeError:
            if not self.should_stop():  # llama_decode returns 2 when our abort callback stopped it
                raise
        finally:
            stopped = self.should_stop()
            self.current = None
        self.send({"type": "cancelled" if stopped else "done", "id": ident, "pieces": pieces})

    def serve(self) -> None:
        handlers = {"load": self.load, "count": self.count, "generate": self.generate, "probe": self.probe}
        while True:
            request = self.requests.get()
            handler = handlers.get(request.get("op"))
            if handler is None:
                self.send({"type": "error", "id": request.get("id"), "what": "Unknown request",
                           "why": str(request.get("op"))})
                continue
            self.busy = True
            try:
                handler(request)
            except RagboxError as exc:
                self.send({"type": "error", "id": request.get("id"), "what": exc.what, "why": exc.why,
                           "path": exc.path})
            except Exception as exc:  # a bug or a llama.cpp error: report it, stay up
                self.send({"type": "error", "id": request.get("id"), "what": "The LLM failed",
                           "why": f"{type(exc).__name__}: {exc}", "path": request.get("model_path")})
            finally:
                self.busy = False


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is ragbox's to handle; it ends us
    # A crashing model would otherwise leave a core file the size of the model behind.
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    worker = Worker(protocol)
    worker.seal = seal(sys.argv[1:])  # before any thread starts: unshare refuses a threaded process
    worker_faults.at("start")
    threading.Thread(target=worker.read_requests, name="requests", daemon=True).start()
    threading.Thread(target=worker.report_alive, name="alive", daemon=True).start()
    worker.serve()


def seal(model_paths: list[str]) -> sealing.Seal:
    """No network; reads only Python and the model (the file, resolved, and the other files of a
    split model: ``name-00001-of-00003.gguf``), writes nowhere."""
    readable: list[str] = []
    for given in map(Path, model_paths):
        for path in (given, given.resolve()):
            split = SPLIT_MODEL.match(path.name)
            readable += [str(p) for p in path.parent.glob(f"{split.group(1)}-*-of-*.gguf")] if split else [str(path)]
    writable = []
    once = os.environ.get("RAGBOX_WORKER_FAULT_ONCE")
    if once:  # the tests' fault injection marks a fault fired with a file there
        writable.append(os.path.dirname(once))
    return sealing.seal_child(readable, writable)


if __name__ == "__main__":
    main()
