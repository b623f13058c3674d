"""bench/backends.py (one embedding backend, two contracts) and bench/llm.py (the bundled chat
model, a few tokens) at a tiny size, so a change to the embedders, the model runtime or the
benches cannot break them unseen."""

from __future__ import annotations

import re
import subprocess
import sys

from small_evaldata import write_small_evaldata

from support import REPO, cli_env


def test_backends_bench_prints_a_row_per_backend(tmp_path) -> None:
    """--gold-only indexes a folder of the evidence files (once symbolic links, which indexing skips)."""
    evaldata = write_small_evaldata(tmp_path / "evaldata")
    result = subprocess.run([sys.executable, str(REPO / "bench" / "backends.py"), str(evaldata / "cuad/docs/txt"),
                             str(evaldata / "cuad/queries.jsonl"), "--limit-queries", "2", "--sample", "8",
                             "--backends", "onnx-int8", "--gold-only", "--store", str(tmp_path / "store")],
                            env=cli_env(tmp_path / "store"), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    row = result.stdout.splitlines()[-1].split(" | ")
    # backend, chunks (the one contract the first two questions are about), index s, rates, then evidence
    # in budget, R@10, MRR@10
    assert row[0] == "| onnx-int8 (onnx-int8)" and row[1] == "3" and row[5:8] == ["1.000", "1.000", "1.000"]


def test_llm_bench_times_the_bundled_model(tmp_path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "llm.py"), "--model", "smollm2", "--runs", "1",
                             "--prompt-tokens", "16", "--gen-tokens", "4", "--threads", "1"],
                            env=cli_env(tmp_path / "store"), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^  installed  pp +\d+\.\d tok/s   tg +\d+\.\d tok/s   load \d+\.\d\d s   \(1/1 runs",
                     result.stdout, re.M)
