"""How many CPU cores are free: a thread pool larger than the idle cores slows everyone down."""

from __future__ import annotations

import os
import time


def free_cores(sample_seconds: float = 0.1) -> int:
    """Cores idle right now. llama.cpp with more threads than free cores slows to a crawl, and so
    does torch: on a busy machine one thread embeds three times faster than two."""
    total = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        def snapshot() -> tuple[int, int]:
            with open("/proc/stat") as f:
                values = [int(v) for v in f.readline().split()[1:]]
            return values[3] + values[4], sum(values)  # idle + iowait, all

        idle1, all1 = snapshot()
        time.sleep(sample_seconds)
        idle2, all2 = snapshot()
        busy_cores = (1 - (idle2 - idle1) / max(1, all2 - all1)) * (os.cpu_count() or total)
    except (OSError, ValueError, IndexError):
        busy_cores = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return max(1, min(total, round(total - busy_cores)))
