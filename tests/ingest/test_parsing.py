"""Parsing in worker processes: the same index as parsing in a thread, no worker outliving a
killed indexing run, and a crashed worker costing one file at most."""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from ragbox.ingest import parsing
from ragbox.ingest.parsing import Parsed, Parser, auto_processes

from support import NDA, REPO, assert_consistent, store_state, write_annual_report


def test_worker_processes_build_the_same_index_as_a_thread(make_engine, docs):
    in_thread = make_engine(**{"store.index": "thread", "indexing.parse_processes": 0})
    in_processes = make_engine(**{"store.index": "processes", "indexing.parse_processes": 2})
    first = in_thread.index([docs])
    second = in_processes.index([docs])
    assert first.chunks == second.chunks == 120 and second.pages == first.pages
    assert store_state(in_thread) == store_state(in_processes)
    assert_consistent(in_processes)
    assert in_processes.index([docs]).unchanged == 7


@pytest.mark.slow
def test_a_worker_cuts_a_statement_with_its_context_as_a_thread_does(tmp_path):
    from ragbox.bundled import embedding_model_dir
    from ragbox.ingest.chunking import Chunker
    from ragbox.store.tokens import ModelTokenizer

    report = write_annual_report(tmp_path / "Northwind_2022_10K.pdf")
    chunker = Chunker(ModelTokenizer(embedding_model_dir()), 40, 10)
    parser = Parser(chunker, 1)
    try:
        in_worker = parser.submit(report, report.read_bytes())()
    finally:
        parser.close()
    assert in_worker.chunks == parsing.parse(chunker, report, report.read_bytes()).chunks
    assert any("Consolidated Statement of Cash Flows" in c.context for c in in_worker.chunks)


def test_small_runs_parse_in_a_thread_big_ones_in_processes():
    assert auto_processes(0, 10_000) == 0
    assert auto_processes(3, 10) == 3  # as configured
    assert 1 <= auto_processes(0, 50 * 2**20) <= parsing.MAX_AUTO_PROCESSES


WORKER_SCRIPT = """
import sys, time
from pathlib import Path
from ragbox.bundled import embedding_model_dir
from ragbox.ingest.chunking import Chunker
from ragbox.ingest.parsing import Parser
from ragbox.store.tokens import ModelTokenizer

parser = Parser(Chunker(ModelTokenizer(embedding_model_dir()), 96), 1)
path = Path(sys.argv[1])
result = parser.submit(path, path.read_bytes())()
print(result.pages, *parser._pool._processes, flush=True)
time.sleep(120)
"""


def test_workers_die_with_a_killed_indexing_process():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(NDA)], stdout=subprocess.PIPE, text=True,
                               env=env)
    pages, *workers = process.stdout.readline().split()
    assert int(pages) == 4 and workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the indexing process"
        time.sleep(0.1)


def _zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def test_a_crashed_worker_costs_one_retry_then_the_file(monkeypatch):
    parser = Parser(chunker=None, processes=1)
    calls = []

    def broken(path, data):
        calls.append(path)
        future = Future()
        future.set_exception(BrokenProcessPool("killed"))
        return future

    monkeypatch.setattr(parser, "_submit", broken)
    result = parser._result(broken(Path("a.pdf"), b""), Path("a.pdf"), b"")
    assert result == Parsed(skip_reason="reading it crashed the parser process")
    assert len(calls) == 2  # the first try and one retry in a fresh pool

    recovered = Future()
    recovered.set_result(Parsed(pages=1))
    monkeypatch.setattr(parser, "_submit", lambda path, data: recovered)
    assert parser._result(broken(Path("b.pdf"), b""), Path("b.pdf"), b"").pages == 1

