"""Deterministic faults in the model worker, for the tests of what ragbox does when llama.cpp fails.

``RAGBOX_WORKER_FAULT=<fault>@<point>`` makes the worker fail the way a real crash would, at:
``start`` (before anything is read), ``load`` (the model loaded, before "ready"), or
``generate:N`` (the N-th generation, right after its first piece was sent: mid-answer).
Faults: ``sigill`` (a CPU instruction the machine does not allow), ``sigsegv``, ``sigkill`` (what
the out-of-memory killer sends), ``abort`` (a failed GGML_ASSERT), ``hang`` (stops answering),
``exit`` (exits with status 3).

``RAGBOX_WORKER_FAULT_ONCE=<file>`` fires the fault only while that file does not exist (the
first worker to fire creates it), so the worker ragbox restarts afterwards runs clean.
Unset, a check costs one environment lookup.
"""

from __future__ import annotations

import os
import signal
import sys
import time

SIGNALS = {"sigill": signal.SIGILL, "sigsegv": signal.SIGSEGV, "sigkill": signal.SIGKILL,
           "abort": signal.SIGABRT}


def at(point: str) -> None:
    spec = os.environ.get("RAGBOX_WORKER_FAULT")
    if not spec:
        return
    fault, _, where = spec.partition("@")
    if where != point:
        return
    once = os.environ.get("RAGBOX_WORKER_FAULT_ONCE")
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    if fault == "hang":
        while True:  # sleeps: no CPU used, nothing said, as a deadlocked llama.cpp
            time.sleep(3600)
    if fault == "exit":
        print("worker fault: exit", file=sys.stderr, flush=True)
        os._exit(3)
    if fault == "abort":
        print("GGML_ASSERT(fault) failed (worker fault injected)", file=sys.stderr, flush=True)
    signal.signal(SIGNALS[fault], signal.SIG_DFL)
    os.kill(os.getpid(), SIGNALS[fault])
