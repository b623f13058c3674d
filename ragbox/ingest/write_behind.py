"""The indexer's writer thread: storing one batch of documents while the next one is embedded.

Writing a document (its catalog rows and vectors, each in its own transaction, in the order the
crash-safety rules need) waits on fsyncs and on the vector store, time the embedder can use. The
writes stay in the order they were handed over, one at a time; at most one batch waits behind the
one being written (its vectors are the only thing held), and the first error a write raises is
raised to the indexing thread at its next hand-over or when it waits for the writes to end.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable


class WriteBehind:
    """Runs the writes handed over (``submit``) in order, in a thread started by the first one and
    ended by ``close`` (``on_end`` runs in it last: the catalog closes that thread's connection)."""

    def __init__(self, on_end: Callable[[], None] = lambda: None) -> None:
        self._on_end = on_end
        self._jobs: queue.Queue = queue.Queue(maxsize=1)  # one batch waiting, one being written
        self._idle = threading.Condition()
        self._pending = 0
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def submit(self, write: Callable[[], None]) -> None:
        """Hand over ``write``; waits while a batch is already waiting behind the one being written."""
        if self._error is not None:
            self.wait()  # the writes left are dropped; raises the error
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ragbox-writer", daemon=True)
            self._thread.start()
        with self._idle:
            self._pending += 1
        self._jobs.put(write)

    def wait(self, raise_error: bool = True) -> None:
        """Return once every write handed over is done; raise the first error one raised (or
        forget it: ``raise_error`` False, when the run is failing for another reason)."""
        with self._idle:
            while self._pending:
                self._idle.wait()
        error, self._error = self._error, None
        if error is not None and raise_error:
            raise error

    def close(self) -> None:
        """Wait for the writes handed over (their errors forgotten: the caller raised its own or
        called ``wait``), then end the thread."""
        if self._thread is not None:
            self.wait(raise_error=False)
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            write = self._jobs.get()
            if write is None:
                self._on_end()
                return
            try:
                if self._error is None:  # after a failure the rest are dropped: the run is failing
                    write()
            except BaseException as exc:  # surfaced in the indexing thread, never lost here
                self._error = exc
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()
