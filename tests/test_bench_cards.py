"""bench/cards.py on a tiny evaluation folder of the shared schema (two contracts with CUAD-style
Document Name, Agreement Date and Parties labels, one clinical note), so a change to the card reader
or the bench cannot break the bench unseen."""

from __future__ import annotations

import subprocess
import sys

from small_evaldata import write_small_evaldata

from support import REPO, cli_env


def test_cards_bench_runs_small(tmp_path) -> None:
    evaldata = write_small_evaldata(tmp_path / "evaldata")
    result = subprocess.run([sys.executable, str(REPO / "bench" / "cards.py"), "--evaldata", str(evaldata)],
                            env=cli_env(tmp_path / "store"), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "CUAD dev contracts: 2 with labels",
        "title right (label span ⊆ title, ≤ max(16, label + 8) words): 2/2 = 1.000; exact 1.000; kind non-empty 1.000",
        "parties recall over 8 labelled names/short names of 2 contracts: exact 1.000, loose (one contains the "
        "other) 1.000",
        "card party names that are a labelled name (loose): 4/4 = 1.000",
        "agreement date found among card dates: 2/2 = 1.000"]
    assert "MTSamples notes: 1; non-empty kind 1, non-empty title 0" in result.stdout
