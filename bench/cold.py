"""Whole-process timings of `ragbox search` and `ragbox ask` as a user runs them: cold, warm (with
`ragbox serve` running), and on the torch path ragbox used before, in one run; and the app's first
paint.

    python bench/cold.py [FOLDER] [--runs 5] [--store DIR]

Indexes FOLDER (default sample_docs/) once, then runs each command --runs times as a new process
and prints medians: wall seconds to exit, seconds to the first byte of the answer (ask), peak RSS.
"torch path" runs the same commands with embedding.backend = torch and retrieval.exact_up_to = 0
(sentence-transformers for the query, Chroma for the vectors), as before ONNX Runtime. Then one
fresh process times each stage of a cold search and ask separately. The app's first paint is the
time until its main screen is mounted (headless), from the process's start and from the app's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from served import ragbox_server  # bench/, the script's own folder

REPO = Path(__file__).resolve().parent.parent
QUESTION = "How does the master services agreement renew after the initial term?"
SEARCH = ["search", "governing law", "--k", "5"]
ASK = ["ask", QUESTION]
TORCH_PATH = {"RAGBOX_EMBEDDING__BACKEND": "torch", "RAGBOX_RETRIEVAL__EXACT_UP_TO": "0"}


def run(args: list[str], env: dict) -> tuple[float, float | None, float]:
    """(seconds to exit, seconds to the first byte of stdout, peak RSS MB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "ragbox", *args], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    first = None
    while True:
        byte = process.stdout.read(1)
        if not byte:
            break
        if first is None and not byte.isspace():
            first = time.perf_counter() - started
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"ragbox {' '.join(args)} failed with status {status}")
    return wall, first, usage.ru_maxrss / 1024


def medians(args: list[str], env: dict, runs: int) -> str:
    results = [run(args, env) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    firsts = [r[1] for r in results if r[1] is not None]
    rss = statistics.median(r[2] for r in results)
    first = f", first byte {statistics.median(firsts):.2f} s" if args[0] == "ask" and firsts else ""
    return f"{wall:.2f} s{first}, peak RSS {rss:.0f} MB (median of {runs}: {', '.join(f'{r[0]:.2f}' for r in results)})"


STAGES = r"""
import time, sys
marks = [("start", time.perf_counter())]
def mark(name): marks.append((name, time.perf_counter()))
from ragbox.config import load_settings; from ragbox.engine import Engine; import ragbox.cli
mark("import ragbox, click")
import onnxruntime, tokenizers
mark("import onnxruntime + tokenizers")
import numpy
mark("import numpy")
engine = Engine(load_settings())
engine.embedder.load()
mark("load the ONNX session")
engine.embedder.embed(["governing law"])
mark("embed one query")
engine.search("governing law", k=5)
mark("first search (catalog, vectors read, fusion, focus)")
engine.search("termination notice", k=5)
mark("a second search")
import llama_cpp
mark("import llama_cpp")
engine.llm.load()
mark("load the GGUF")
answer = engine.ask(sys.argv[1])
mark("ask: retrieval + prompt + generation")
print("chromadb imported:", "chromadb" in sys.modules, "| torch imported:", "torch" in sys.modules)
previous = marks[0][1]
for name, at in marks[1:]:
    print(f"  {name:<52}{at - previous:7.3f} s")
    previous = at
print(f"  ask timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in answer.timings.items()))
"""


FIRST_PAINT = r"""
import asyncio, time
from ragbox.config import load_settings
from ragbox.engine import Engine
from ragbox.tui.app import RagboxApp

async def paint():
    app = RagboxApp(Engine(load_settings()))
    opened = time.perf_counter()
    async with app.run_test(size=(100, 30)) as pilot:
        while app.main_screen is None or not app.main_screen.is_mounted:
            await pilot.pause(0.01)
        print(time.perf_counter() - opened, flush=True)

asyncio.run(paint())
"""


def first_paint(env: dict, runs: int) -> str:
    """Medians of the app's first paint (headless), from the process's start and from the app's."""
    results = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", FIRST_PAINT], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        line = process.stdout.readline()
        results.append((time.perf_counter() - started, float(line or "nan")))
        if process.wait() != 0 or not line:
            raise SystemExit(f"the app's first paint failed (status {process.returncode})")
    whole, app = (statistics.median(r[i] for r in results) for i in (0, 1))
    return f"{whole:.2f} s from the process's start, {app:.2f} s from the app's (median of {runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "sample_docs")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", type=Path)
    args = parser.parse_args()
    store = args.store or Path(tempfile.mkdtemp(prefix="ragbox-bench-cold-"))
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "RAGBOX_STORE__DIR": str(store),
           "RAGBOX_SERVE__USE": "false"}
    env.pop("RAGBOX_CONFIG", None)
    subprocess.run([sys.executable, "-m", "ragbox", "index", str(args.folder)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    run(SEARCH, env)  # the first run after indexing warms the page cache, like any later one
    run(["search", "warm", "--k", "1"], {**env, **TORCH_PATH})

    print(f"ragbox --help:                 {medians(['--help'], env, args.runs)}")
    print(f"app, first paint:              {first_paint(env, args.runs)}")
    print(f"search, cold:                  {medians(SEARCH, env, args.runs)}")
    print(f"search, cold, torch path:      {medians(SEARCH, {**env, **TORCH_PATH}, args.runs)}")
    print(f"ask, cold:                     {medians(ASK, env, args.runs)}")
    print(f"ask, cold, torch path:         {medians(ASK, {**env, **TORCH_PATH}, args.runs)}")

    with ragbox_server(env):
        served = {**env, "RAGBOX_SERVE__USE": "true"}
        print(f"search, warm (ragbox serve):   {medians(SEARCH, served, args.runs)}")
        print(f"ask, warm (ragbox serve):      {medians(ASK, served, args.runs)}")

    print("stages of a cold search and ask, in one fresh process:")
    stages = subprocess.run([sys.executable, "-c", STAGES, QUESTION], env=env, capture_output=True, text=True)
    print(stages.stdout.rstrip() or stages.stderr[-2000:])


if __name__ == "__main__":
    main()
