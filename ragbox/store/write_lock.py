"""One writer per index: the lock an index run, a rebuild or a forget holds."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ragbox.errors import IndexBusyError
from ragbox.privacy import make_private, private_dir, private_umask


@contextmanager
def write_lock(index_dir: Path, index_name: str, wait: bool = False,
               on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the index's write lock: another writer gets the "busy" error, or waits for its turn
    (``wait``; ``on_wait`` is called once when it has to). Everything written meanwhile is private."""
    private_dir(index_dir.parent)
    private_dir(index_dir)
    with private_umask(), open(index_dir / "write.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise IndexBusyError(f"Index '{index_name}' is busy", "another ragbox is indexing it "
                                     "(`ragbox index --wait` waits for it)", index_dir) from None
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            make_private(index_dir)  # whatever a library created with looser modes
