"""Deterministic crash points for the crash-safety tests.

``RAGBOX_CRASH_AT=name:n`` kills the process with SIGKILL the n-th time the indexer passes the
point called ``name`` — exactly what a power cut there would leave behind. Unset, it costs one
dictionary lookup.
"""

from __future__ import annotations

import os
import signal

_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    spec = os.environ.get("RAGBOX_CRASH_AT")
    if not spec:
        return
    target, _, count = spec.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
