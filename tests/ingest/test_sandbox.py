"""The reader process: a file costs at most its memory cap and time limit, and only the child."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import ReaderProcess, ReadLimits

from support import NDA, flate_pdf, text_page

MB = 2**20


def limits(memory_mb: int = 512, seconds: float = 60) -> ReadLimits:
    return ReadLimits(max_bytes=50 * MB, reader_memory_bytes=memory_mb * MB, seconds=seconds)


def skip_reason(reader: ReaderProcess, name: str, data: bytes) -> str:
    with pytest.raises(DocumentError) as info:
        reader.pages(Path(name), data)
    return info.value.why


def test_pages_come_back_from_the_child():
    with ReaderProcess(limits()) as reader:
        pages = reader.pages(NDA, NDA.read_bytes())
        assert [p.number for p in pages] == [1, 2, 3, 4]
        assert "thirty (30) days' written notice" in pages[2].text
        assert skip_reason(reader, "empty.txt", b"") == "empty file"  # the reader's own reasons come through


def test_a_stream_that_inflates_past_pypdf_s_limit_is_a_bomb():
    bomb = flate_pdf([text_page("hello", padding=300_000_000)])  # 300 kB that inflate to 300 MB
    assert len(bomb) < 400_000
    with ReaderProcess(limits()) as reader:
        assert skip_reason(reader, "bomb.pdf", bomb) == (
            "unreadable PDF (LimitReachedError: a compressed stream inflates past the safety limit "
            "(a decompression bomb?))")


def test_streams_under_pypdf_s_limit_stop_at_the_memory_cap_and_the_next_file_is_read():
    bomb = flate_pdf([text_page(f"page {n}", padding=70_000_000) for n in range(3)])  # each just under 75 MB
    with ReaderProcess(limits(memory_mb=150)) as reader:
        assert skip_reason(reader, "bomb.pdf", bomb) == (
            "needs more than 150 MB of memory to read (a decompression bomb?)")
        assert len(reader.pages(NDA, NDA.read_bytes())) == 4  # a fresh child took over


def test_the_child_runs_under_the_memory_cap():
    with ReaderProcess(limits(memory_mb=321)) as reader:
        reader.pages(Path("a.txt"), b"start the child")
        text = Path(f"/proc/{reader._proc.pid}/limits").read_text()
    data_line = next(line for line in text.splitlines() if line.startswith("Max data size"))
    assert data_line.split()[3:5] == [str(321 * MB), str(321 * MB)]


def test_a_slow_file_is_skipped_after_the_time_limit():
    slow = flate_pdf([text_page(f"page {n}", padding=20_000_000) for n in range(8)])  # minutes of parsing
    with ReaderProcess(limits(seconds=2)) as reader:
        reader.pages(Path("a.txt"), b"start the child")
        reading = reader.pid
        assert skip_reason(reader, "slow.pdf", slow) == "took longer than 2 s to read (index.max_read_seconds)"
        assert not Path(f"/proc/{reading}").exists() and reader.pid is None  # killed at the limit, not left reading
        assert len(reader.pages(NDA, NDA.read_bytes())) == 4


def test_a_child_that_dies_costs_only_its_file():
    slow = flate_pdf([text_page(f"page {n}", padding=20_000_000) for n in range(8)])
    with ReaderProcess(limits()) as reader:
        reader.pages(Path("a.txt"), b"start the child")
        victim = reader._proc.pid
        threading.Timer(1.0, os.kill, (victim, signal.SIGSEGV)).start()  # as a crash in a C parser would
        assert skip_reason(reader, "crash.pdf", slow) == "the reader process died on this file (SIGSEGV)"
        assert len(reader.pages(NDA, NDA.read_bytes())) == 4


def test_a_child_killed_between_two_files_costs_neither():
    """Killed while idle (the OOM killer, an impatient user), the child may still be dying when the
    next file is sent: that file goes to a fresh child, whatever the moment of the kill."""
    with ReaderProcess(limits()) as reader:
        for _ in range(10):
            reader.pages(Path("a.txt"), b"start the child")
            os.kill(reader.pid, signal.SIGKILL)
            assert len(reader.pages(NDA, NDA.read_bytes())) == 4


def test_the_child_dies_with_its_parent(tmp_path):
    """A killed indexing run (SIGKILL: no clean-up runs) leaves no reader behind."""
    code = ("import sys; from pathlib import Path; from ragbox.ingest.loaders import ReaderProcess; "
            "r = ReaderProcess(); r.pages(Path('a.txt'), b'x'); print(r._proc.pid, flush=True); "
            "import time; time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    child = int(parent.stdout.readline())
    assert Path(f"/proc/{child}").exists()
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and _state(child) != "Z" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists() or _state(child) == "Z"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.parametrize("processes", [0, 2])
def test_the_indexer_parses_every_file_in_the_reader_process(make_engine, tmp_path, processes):
    """Only the child's cap can stop this file (no stream is over pypdf's limit), and the run goes on,
    whether the run parses in one child or in several."""
    from ragbox.ingest.indexer import Indexer

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bomb.pdf").write_bytes(flate_pdf([text_page(f"page {n}", padding=70_000_000) for n in range(3)]))
    (folder / "note.txt").write_text("The boiler was serviced in March and passed its safety check.")
    engine = make_engine()
    indexer = Indexer(engine.catalog, engine.vectors, engine.embedder, engine.chunker, processes,
                      limits=limits(memory_mb=150))
    summary = indexer.run([folder])
    assert summary.skipped == {str(folder / "bomb.pdf"): "needs more than 150 MB of memory to read "
                                                         "(a decompression bomb?)"}
    assert summary.indexed == [str(folder / "note.txt")]
