"""bench/figures.py on two small annual reports, one of a dev company (ACME) and one held out
(NORTHWIND), so a change to how figures are found or answered cannot break the bench unseen, and
the held-out filing is never measured on the dev split."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from ten_k import write_10k

from support import REPO, cli_env


def test_figures_bench_runs_small_on_the_dev_split_only(tmp_path) -> None:
    docs = tmp_path / "docs"
    write_10k(docs / "ACME_2022_10K.pdf", 2022, company="Acme Corp.")
    write_10k(docs / "NORTHWIND_2022_10K.pdf", 2022)
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps({
        "query": f"What is {name}'s FY2022 capital expenditure in USD millions?", "answer": "$1749.00",
        "category": "metrics-generated", "gold": [{"file": f"{file}_2022_10K.pdf", "page": 4}]}) + "\n"
        for name, file in (("Acme", "ACME"), ("Northwind", "NORTHWIND"))) + json.dumps({
        "query": "Does Acme have an improving operating margin profile as of FY2022?", "answer": "No, it fell.",
        "category": "domain-relevant", "gold": [{"file": "ACME_2022_10K.pdf", "page": 2}]}) + "\n")
    result = subprocess.run([sys.executable, str(REPO / "bench" / "figures.py"), "--docs", str(docs),
                             "--queries", str(queries), "--store", str(tmp_path / "store")],
                            env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "split dev, window 6: 1 filings" in out
    assert re.search(r"^all +2 questions  page R@1 1\.000  R@5 1\.000  R@10 1\.000$", out, re.M), out
    assert re.search(r"^ +1 figures    right 1\.000  sure 1  sure precision 1\.000$", out, re.M), out
    assert re.search(r"^ +1 yes/no     right 1\.000  sure 1  sure precision 1\.000$", out, re.M), out
    assert re.search(r"^indexed 1 filings, 4 pages: \d+ s wall, \d+ s CPU, peak RSS \d+ MB$", out, re.M), out
