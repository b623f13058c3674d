"""Parsing in worker processes: the same index from one child as from several, no worker outliving
a killed indexing run, and a crashed, slow or bloated file costing that file only, in either mode
(every worker is a capped reader process)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ragbox.bundled import embedding_model_dir
from ragbox.ingest import parsing
from ragbox.ingest.chunking import Chunker
from ragbox.ingest.loaders import ReadLimits
from ragbox.ingest.parsing import Parser, auto_processes
from ragbox.store.tokens import ModelTokenizer

from support import NDA, REPO, assert_consistent, flate_pdf, store_state, text_page, write_annual_report

MB = 2**20


def test_worker_processes_build_the_same_index_as_a_thread(make_engine, docs):
    in_thread = make_engine(**{"store.index": "thread", "index.parse_processes": 0})
    in_processes = make_engine(**{"store.index": "processes", "index.parse_processes": 2})
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


def test_small_runs_parse_in_a_thread_big_ones_in_processes(monkeypatch):
    assert auto_processes(0, 10_000) == 0
    assert auto_processes(3, 10) == 3  # as configured
    by_cores = {}
    for cores in (1, 2, 3, 8, 16):  # one process per two cores, at least one, at most MAX_AUTO_PROCESSES
        monkeypatch.setattr(parsing.os, "sched_getaffinity", lambda pid, n=cores: set(range(n)))
        by_cores[cores] = auto_processes(0, 50 * 2**20)
    assert by_cores == {1: 1, 2: 1, 3: 1, 8: 4, 16: 4}


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
print(result.pages, *parser.pids(), flush=True)
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


def chunker() -> Chunker:
    return Chunker(ModelTokenizer(embedding_model_dir()), 96)


def slow_pdf() -> bytes:
    return flate_pdf([text_page(f"page {n}", padding=20_000_000) for n in range(8)])  # minutes of parsing


def test_a_worker_that_dies_costs_only_its_file():
    parser = Parser(chunker(), 2, limits=ReadLimits(50 * MB, 512 * MB, 120))
    try:
        doomed = parser.submit(Path("slow.pdf"), slow_pdf())
        fine = parser.submit(NDA, NDA.read_bytes())
        assert fine().pages == 4  # read by the other worker while the first is busy
        # on a loaded machine the first worker may not have the slow file yet: a child killed before
        # it has a file dies of something else, and the file goes to a fresh child (sandbox._hand_over)
        started = time.monotonic()
        while Path("slow.pdf") not in parser.reading().values() and time.monotonic() - started < 60:
            time.sleep(0.05)
        assert list(parser.reading().values()) == [Path("slow.pdf")]
        for pid in parser.pids():
            os.kill(pid, signal.SIGKILL)  # as a crash in a C parser, or the OOM killer, would
        assert doomed().skip_reason == "the reader process died on this file (SIGKILL)"
        # the idle one may still be dying (its threads exiting) when the next file is sent: that
        # file goes to a fresh worker, not down with the dead one
        for _ in range(2):
            result = parser.submit(NDA, NDA.read_bytes())()
            assert (result.pages, result.skip_reason) == (4, "")
    finally:
        parser.close()
    assert not parser.pids()


@pytest.mark.parametrize("processes", [0, 1])
def test_every_worker_runs_under_the_caps(processes):
    """The time limit and the memory cap hold for the pool and for the small-run child alike."""
    bomb = flate_pdf([text_page(f"page {n}", padding=70_000_000) for n in range(3)])  # each under pypdf's limit
    parser = Parser(chunker(), processes, limits=ReadLimits(50 * MB, 150 * MB, 2))
    try:
        assert parser.submit(NDA, NDA.read_bytes())().pages == 4
        [reading] = parser.pids()
        assert parser.submit(Path("slow.pdf"), slow_pdf())().skip_reason == (
            "took longer than 2 s to read (index.max_read_seconds)")
        assert not Path(f"/proc/{reading}").exists() and not parser.pids()  # killed at the limit, not left reading
        assert parser.submit(Path("bomb.pdf"), bomb)().skip_reason == (
            "needs more than 150 MB of memory to read (a decompression bomb?)")
        result = parser.submit(NDA, NDA.read_bytes())()
        assert result.pages == 4 and result.chunks and not result.skip_reason
        [pid] = parser.pids()
        limits = Path(f"/proc/{pid}/limits").read_text()
        data_line = next(line for line in limits.splitlines() if line.startswith("Max data size"))
        assert data_line.split()[3] == str(150 * MB)
    finally:
        parser.close()


def test_files_come_out_as_their_parsing_ends(tmp_path):
    """A file parsed for long in one child (a scan read by OCR) holds back neither the files the
    other child parses nor the embedder waiting for them: they come out first."""
    from ragbox.ingest.read_ahead import Prepared, prepared_ahead
    from ragbox.ingest.summary import IndexProgress

    slow = tmp_path / "slow.pdf"
    slow.write_bytes(slow_pdf())
    parser = Parser(chunker(), 2, limits=ReadLimits(50 * MB, 512 * MB, 8))

    def prepare(path: Path) -> Prepared:
        data = path.read_bytes()
        return Prepared(str(path), size=len(data), parsed=parser.submit(path, data))

    try:
        out = [(Path(item.path).name, item.pages, item.skip_reason)
               for item in prepared_ahead([slow, NDA, NDA], prepare, IndexProgress(), None)]
    finally:
        parser.close()
    assert out == [(NDA.name, 4, ""), (NDA.name, 4, ""),
                   ("slow.pdf", 0, "took longer than 8 s to read (index.max_read_seconds)")]
