"""bench/seal.py at its small size (--small: 12 files, 2 rounds), so a change to the readers or
their seal cannot break the sealing benchmark unseen. Real reader children and the real model,
in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, cli_env


@pytest.mark.slow
def test_seal_bench_runs_small(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "seal.py"), "--small"],
                            capture_output=True, text=True, timeout=600, env=cli_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0] == "Sealed readers: 12 small files (txt, md, html, docx), 2 rounds, medians"
    for step in ("| reader child start (first file) |", "| read + cut 12 files in one child |",
                 "| index 12 files (fresh index) |"):
        row = next(line for line in lines if line.startswith(step))
        assert row.count(" ms") == 3
    assert lines[-1].startswith("Indexing overhead of sealing: ") and lines[-1].endswith("(target: at most +5 %)")
