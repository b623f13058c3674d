"""bench/encryption.py at its small size (--small: sample_docs and 300 generated passages), so a
change to how an index is stored or searched cannot break the encryption benchmark unseen. It
runs the real model, in subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, cli_env


@pytest.mark.slow
def test_encryption_bench_runs_small(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "encryption.py"), "--small",
                             "--store", str(tmp_path / "bench")],
                            capture_output=True, text=True, timeout=600, env=cli_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| folder | index | passages | index s | index peak RSS MB | search p50 ms |")
    rows = [line.split(" | ") for line in lines if line.startswith(("| sample_docs |", "| 300 generated |"))]
    assert [(row[0], row[1]) for row in rows] == [("| sample_docs", "plain"), ("| sample_docs", "encrypted"),
                                                  ("| 300 generated", "plain"), ("| 300 generated", "encrypted")]
    assert rows[0][2] == rows[1][2] == "120" and rows[2][2] == rows[3][2]  # the same passages either way
    assert not list((tmp_path / "bench" / "indexes" / "sample_docs-encrypted").glob("chroma"))
    assert "  sample_docs: index time x" in result.stdout and "search p95 x" in result.stdout
