"""Peak memory of a stage of a bench: this process's, its largest child's and all of them together.

``with StagePeak("indexing") as peak: ...`` resets this process's peak RSS (VmHWM, by writing 5 to
/proc/self/clear_refs, Linux 4.0+) so each stage has its own, and samples every ``interval``
seconds the resident memory of this process and of every process below it (parse children, the
OCR children they start, a model build's child), keeping each child's own peak (its VmHWM) and
the largest sum seen at one sample. Native memory (ONNX Runtime's arenas, Chroma's Rust side,
torch) is counted, which tracemalloc would not see. A child that lives less than an interval may be
missed by the sampler: RUSAGE_CHILDREN's peak, when it grew in the stage, covers it. Reading /proc
costs about a millisecond a sample on a machine with a hundred processes.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

MB = 1024


def _status_kb(pid: int | str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(root: int) -> list[int]:
    """Every live process below ``root`` (children, their children, ...)."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            parents[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state
    below, frontier = [], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        below.extend(frontier)
    return below


def children_peak_mb() -> float:
    """The largest peak RSS of the children this process has waited for so far."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / MB


class StagePeak:
    """The peak memory of the code run inside ``with``: ``own``, ``largest_child`` and ``together``
    (MB); ``own_reset`` says whether this process's peak could be reset (else it is the peak so far)."""

    def __init__(self, name: str, interval: float = 0.25) -> None:
        self.name, self.interval = name, interval
        self.own = self.largest_child = self.together = 0.0
        self.own_reset = False
        self._stop = threading.Event()
        self._child_peaks: dict[int, int] = {}

    def __enter__(self) -> StagePeak:
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.own_reset = True
        except OSError:
            self.own_reset = False
        self._waited_before = children_peak_mb()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._sampler.join()
        self._sample_once()
        self.own = _status_kb("self", "VmHWM") / MB
        waited = children_peak_mb()
        sampled = max(self._child_peaks.values(), default=0) / MB
        self.largest_child = max(sampled, waited if waited > self._waited_before else 0.0)
        # a sample can miss a short-lived child's peak: no sum is less than its largest part
        self.together = max(self.together, self.own, self.largest_child)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample_once()

    def _sample_once(self) -> None:
        total = _status_kb("self", "VmRSS")
        for pid in _descendants(os.getpid()):
            total += _status_kb(pid, "VmRSS")
            self._child_peaks[pid] = max(self._child_peaks.get(pid, 0), _status_kb(pid, "VmHWM"))
        self.together = max(self.together, total / MB)

    def line(self) -> str:
        own = f"{self.own:.0f} MB" + ("" if self.own_reset else " (peak so far: clear_refs not allowed)")
        return (f"peak RSS, {self.name + ':':<22} this process {own}, largest child {self.largest_child:.0f} MB, "
                f"all at once {self.together:.0f} MB")
