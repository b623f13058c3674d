"""bench/coverage.py on a small folder (the lease PDF with a page of each kind), so a change to
how pages are judged cannot break the coverage bench unseen."""

from __future__ import annotations

import subprocess
import sys

from make_files import write_lease
from support import REPO, cli_env


def test_coverage_bench_runs_small(tmp_path) -> None:
    write_lease(tmp_path / "docs" / "lease.pdf")
    result = subprocess.run([sys.executable, str(REPO / "bench" / "coverage.py"), str(tmp_path / "docs")],
                            env=cli_env(tmp_path / "store"), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["files:", "1"] and lines[1].startswith("pages:                  5 (")
    assert lines[2:6] == ["pages by state:         1 empty, 1 failed, 2 sparse, 1 text",
                          "sent to OCR, old rule:  2 (fewer than 16 characters)",
                          "sent to OCR, new rule:  3 (sparse or failed)",
                          "pages whose fate changed: 3"]
    assert [line.split(", page ")[1].split(":")[0] for line in lines[6:]] == ["2", "3", "4"]
