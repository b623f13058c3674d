"""The indexer's writer thread: writes done in the order handed over, an error in one surfaced to
the indexing thread, the thread (and its catalog connection) gone when a run ends."""

import threading
import time

import pytest

from ragbox.ingest.write_behind import WriteBehind


def test_writes_run_in_order_behind_the_caller():
    done: list[int] = []
    ended = threading.Event()
    writer = WriteBehind(ended.set)

    def write(n: int) -> None:
        time.sleep(0.01)
        done.append(n)

    for n in range(6):
        writer.submit(lambda n=n: write(n))
    writer.wait()
    assert done == list(range(6))
    writer.close()
    assert ended.is_set() and not any(t.name == "ragbox-writer" for t in threading.enumerate())


def test_an_error_in_a_write_reaches_the_caller_and_drops_the_rest():
    done: list[str] = []
    writer = WriteBehind()

    def fail() -> None:
        raise OSError("disk full")

    writer.submit(fail)
    writer.submit(lambda: done.append("after"))
    with pytest.raises(OSError, match="disk full"):
        writer.wait()
    assert done == []  # the run is failing: nothing is written behind the failed write
    writer.close()


def test_a_run_leaves_no_writer_thread_or_connection(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    connections = len(engine.catalog._connections)
    (docs / "new-note.md").write_text("# Plan\nStart vitamin D 1000 IU daily.\n")
    assert engine.index([docs]).indexed
    assert len(engine.catalog._connections) == connections
    assert not any(t.name == "ragbox-writer" for t in threading.enumerate())
