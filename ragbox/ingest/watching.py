"""Following folders as they change: the operating system's file events (``watchfiles``: inotify,
FSEvents, ReadDirectoryChangesW), gathered into batches.

A batch ends once the folders have been quiet for ``quiet_ms`` (an editor's save, a copy or an
unzip is a burst of events) or after ``MAX_BATCH_MS`` of continuous change. Each batch is
answered by an ordinary incremental ``index`` run of the whole folders: what is indexed is then
what a fresh ``index`` would give, renames are recognised by content, and a run killed half way
is repaired by the next, exactly as for ``index``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ragbox.errors import DocumentError, IndexBusyError

QUIET_MS = 800
MAX_BATCH_MS = 10_000
RETRY_S = 2.0  # wait this long when another ragbox is indexing the same index


def keep_indexed(index: Callable[[], object], roots: Sequence[Path], on_run: Callable[[object], None],
                 stop: threading.Event, on_error: Callable[[Exception], None] | None = None,
                 ignore: Sequence[Path] = (), quiet_ms: int = QUIET_MS) -> None:
    """Run ``index()`` once the watcher is up (catching up) and after every batch of changes
    under ``roots``, until ``stop`` is set; ``on_run`` sees each run's summary. A run that finds
    the index busy is retried; a file error (a watched folder gone) goes to ``on_error`` and
    watching goes on; any other error ends it."""
    for _changed in batches(roots, stop, ignore, quiet_ms):
        while not stop.is_set():
            try:
                on_run(index())
                break
            except IndexBusyError as exc:
                if on_error:
                    on_error(exc)
                stop.wait(RETRY_S)
            except DocumentError as exc:
                if on_error:
                    on_error(exc)
                break


def batches(roots: Sequence[Path], stop: threading.Event, ignore: Sequence[Path] = (),
            quiet_ms: int = QUIET_MS) -> Iterator[set[str]]:
    """The paths changed under ``roots``, a set per batch, until ``stop`` is set. The first batch
    comes as soon as the operating system reports changes to the watcher (possibly empty): the
    catch-up run then misses nothing that changes while it runs. Hidden files and folders (as
    ``index`` skips them) and anything under ``ignore`` (the index itself, when it lies inside a
    watched folder) cause no batch."""
    from watchfiles import watch

    roots = [Path(r).absolute() for r in roots]
    ignored = [Path(p).absolute() for p in ignore]

    def relevant(_change, path: str) -> bool:
        p = Path(path)
        if any(p == i or i in p.parents for i in ignored):
            return False
        root = next((r for r in roots if p == r or r in p.parents), None)
        inside = p.relative_to(root).parts if root is not None else p.parts
        return not any(part.startswith(".") for part in inside)

    first = True
    # yield_on_timeout: an empty set once a second; the first one says the watcher is running.
    for changes in watch(*roots, watch_filter=relevant, debounce=MAX_BATCH_MS, step=quiet_ms, stop_event=stop,
                         rust_timeout=1000, yield_on_timeout=True, raise_interrupt=False):
        if changes or first:
            yield {path for _, path in changes}
        first = False
