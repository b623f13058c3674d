"""bench/cold.py with one run of each command, so a change to how ragbox starts, searches, asks or
serves cannot break the cold-start benchmark unseen (it had no CI run before). Real models, in
subprocesses, on sample_docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, cli_env

LINES = ["ragbox --help:", "app, first paint:", "search, cold:", "search, cold, torch path:", "ask, cold:",
         "ask, cold, torch path:", "search, warm (ragbox serve):", "ask, warm (ragbox serve):"]


@pytest.mark.slow
def test_cold_bench_runs_once_each(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "cold.py"), "--runs", "1",
                             "--store", str(tmp_path / "bench")],
                            capture_output=True, text=True, timeout=600, env=cli_env(tmp_path / "store"))
    assert result.returncode == 0, result.stderr[-3000:]
    printed = result.stdout.splitlines()
    for label in LINES:  # each measured, in seconds, with its median
        line = next(line for line in printed if line.startswith(label))
        assert re.search(r"\d+\.\d\d s.*\(median of 1", line), line
    assert "stages of a cold search and ask, in one fresh process:" in printed
    assert "chromadb imported: False | torch imported: False" in printed
