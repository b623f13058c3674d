"""bench/answer_kinds.py end to end at a tiny size, as its docstring runs it: a sample of the small
evaluation folder's contracts, indexed, answered by `ragbox eval --answers --hits`, then right and
sure per category, so a change to the answers, `eval --hits` or the bench cannot break it unseen."""

from __future__ import annotations

import subprocess
import sys

from small_evaldata import write_small_evaldata

from support import REPO, cli_env


def test_answer_kinds_bench_from_sample_to_table(tmp_path) -> None:
    evaldata = write_small_evaldata(tmp_path / "evaldata")
    out, env = tmp_path / "sample", cli_env(tmp_path / "store")

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    bench = str(REPO / "bench" / "answer_kinds.py")
    assert run(bench, "--sample", "2", "--cuad", str(evaldata / "cuad"), "--out", str(out)).strip() == \
        f"2 contracts, 10 questions in {out}"
    run("-m", "ragbox", "--index", "kinds", "index", str(out / "docs"))
    run("-m", "ragbox", "--index", "kinds", "eval", "--answers", "--hits", str(tmp_path / "answers.jsonl"),
        str(out / "queries.jsonl"))
    table = run(bench, str(tmp_path / "answers.jsonl"), str(out / "queries.jsonl")).splitlines()
    rows = {line[:40].strip(): line[40:].split() for line in table[1:]}
    assert table[0].split() == ["category", "n", "right", "sure", "sure", "right", "sure", "prec"]
    assert rows["Governing Law"] == ["2", "1.00", "2", "2", "1.00"]
    assert rows["Agreement Date"] == ["2", "1.00", "2", "2", "1.00"]
    assert rows["Renewal Term (none)"] == ["2", "1.00", "0", "0", "-"]  # no renewal clause: only "not found" is right
