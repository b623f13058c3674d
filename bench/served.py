"""`ragbox serve` started for a bench: the benches that measure search through the server share it."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def ragbox_server(env: dict, cwd: Path | None = None):
    """A `ragbox serve` of the index ``env`` names, running (it said "ready on") until the block ends.
    ``cwd``: the folder it starts in, whose ragbox package `python -m` imports before PYTHONPATH's
    (a bench comparing checkouts starts each one's server in it)."""
    server = subprocess.Popen([sys.executable, "-m", "ragbox", "serve", "--quiet"], env=env, cwd=cwd,
                              stderr=subprocess.PIPE, text=True)
    try:
        for line in server.stderr:
            if "ready on" in line:
                break
        yield server
    finally:
        server.terminate()
        server.wait(30)
