"""bench/confine.py at its small size (--small: 2 questions of 4 tokens each way), so a change to
the sealed LLM client cannot break its benchmark unseen. A real llama_cpp.server with the bundled
chat model, the real sealed client, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, cli_env


@pytest.mark.slow
def test_confine_bench_runs_small(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "confine.py"), "--small"],
                            capture_output=True, text=True, timeout=600, env=cli_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if not line.startswith("Note: ")]
    assert lines[0] == "LLM client confined to llm.base_url: 2 questions of 4 tokens each way, medians"
    for step in ("| client start (once) |", "| first token |", "| whole answer (4 tokens) |"):
        row = next(line for line in lines if line.startswith(step))
        assert row.count(" ms") == 3
    assert lines[-1].startswith("Per-question cost of the sealed client (first token): ")
