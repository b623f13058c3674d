"""bench/table_cuad.py and bench/query.py on a tiny index of the shared schema's contracts
(tests/small_evaldata.py), so a change to the review table, search or the benches cannot break
them unseen. Real index, real embedding model."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from small_evaldata import write_small_evaldata

from support import REPO, cli_env


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    evaldata = write_small_evaldata(root / "evaldata")
    store = root / "store"
    subprocess.run([sys.executable, "-m", "ragbox", "--index", "cuad-txt", "index", str(evaldata / "cuad/docs/txt")],
                   env=cli_env(store), check=True, capture_output=True, timeout=300)
    return evaldata, store


def test_table_bench_scores_the_labelled_cells(indexed, tmp_path) -> None:
    evaldata, store = indexed
    result = subprocess.run([sys.executable, str(REPO / "bench" / "table_cuad.py"), "--store", str(store),
                             "--evaldata", str(evaldata), "--contracts", "2", "--out", str(tmp_path / "cells.jsonl")],
                            env=cli_env(store), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    at = lines.index("extracted, the default bars (not found below 0.50, found at 0.80):")
    assert lines[at + 1] == "short answers: right 1.000 of 4 labelled cells; of the 4 shown as found, right 1.000; " \
                            "unsure 0, not found 0"
    assert lines[at + 2].startswith("clauses: not found precision 1.000, recall 1.000 (2 not found, 2 without the "
                                    "clause, 0 with it)")
    assert "Governing Law                        right 1.000 (n=2)" in lines
    assert "Agreement Date                       right 1.000 (n=2)" in lines


def test_query_bench_prints_the_latencies(indexed) -> None:
    evaldata, store = indexed
    result = subprocess.run([sys.executable, str(REPO / "bench" / "query.py"), "--store", str(store), "--index",
                             "cuad-txt", "--n", "4", "--queries", str(evaldata / "cuad/queries.jsonl")],
                            env=cli_env(store), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-4:-2] == ["index:        cuad-txt (6 chunks)", "search:       4 queries, k=10"]
    assert re.fullmatch(r"search p50: +\d+\.\d ms", lines[-2]) and re.fullmatch(r"search p95: +\d+\.\d ms", lines[-1])
