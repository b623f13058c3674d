"""The vector store follows other processes' writes by itself: a long-lived reader (``ragbox
serve``, the app) finds vectors another process stored after it opened the store."""

import itertools
import subprocess
import sys
import threading

from ragbox.store.vectors import ChromaVectorStore

from support import REPO

WRITER = """
import sys
from ragbox.store.vectors import ChromaVectorStore
store = ChromaVectorStore(sys.argv[1])
store.upsert(["new:0"], [[0.0, 1.0, 0.0]], ["new"])
"""


def test_a_reader_sees_vectors_written_by_another_process(tmp_path):
    reader = ChromaVectorStore(tmp_path / "chroma")
    reader.upsert(["old:0"], [[1.0, 0.0, 0.0]], ["old"])
    assert [i for i, _ in reader.query([0.0, 1.0, 0.0], 1)] == ["old:0"]  # the store is open, its index loaded
    subprocess.run([sys.executable, "-c", WRITER, str(tmp_path / "chroma")], check=True,
                   env={"PYTHONPATH": str(REPO), "ANONYMIZED_TELEMETRY": "False"})
    assert [i for i, _ in reader.query([0.0, 1.0, 0.0], 1)] == ["new:0"]
    assert reader.count() == 2 and sorted(reader.all_ids()) == ["new:0", "old:0"]


def test_the_store_is_never_reopened_under_a_read_in_flight(tmp_path, monkeypatch):
    store = ChromaVectorStore(tmp_path / "chroma")
    store.upsert(["a:0"], [[1.0, 0.0, 0.0]], ["a"])
    inside, release, closed = threading.Event(), threading.Event(), []
    stamps = itertools.count()
    monkeypatch.setattr(store, "_stamp", lambda: next(stamps))  # another process writes all the time
    real_close = store.close
    monkeypatch.setattr(store, "close", lambda: (closed.append(store._reading), real_close()))

    def slow_read():
        count = store.collection.count()
        inside.set()
        release.wait(10)
        return count

    reader = threading.Thread(target=store._read, args=(slow_read,))
    reader.start()
    inside.wait(10)
    closed.clear()  # the first read reopened the store as it began
    assert store.count() == 1  # a second read meanwhile: the store stays as the first read has it
    assert closed == []
    release.set()
    reader.join(10)
    store.count()  # no read in flight: now it is reopened
    assert closed == [0]
