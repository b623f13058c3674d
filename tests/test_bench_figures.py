"""bench/figures.py on two small annual reports, one of a dev company (ACME) and one held out
(NORTHWIND), so a change to how figures are found or answered cannot break the bench unseen, and
the held-out filing is never measured on the dev split; every question is counted, a text gold
without a number as "not graded"."""

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
        "category": "domain-relevant", "gold": [{"file": "ACME_2022_10K.pdf", "page": 2}]}) + "\n" + json.dumps({
        "query": "How much did Acme spend on PP&E in FY2022?", "answer": "Acme spent $1.749 billion in FY 2022.",
        "category": "novel-generated", "gold": [{"file": "ACME_2022_10K.pdf", "page": 4}]}) + "\n" + json.dumps({
        "query": "Who audits Acme's statements?", "answer": "An independent auditor",
        "category": "novel-generated", "gold": [{"file": "ACME_2022_10K.pdf", "page": 1}]}) + "\n")
    result = subprocess.run([sys.executable, str(REPO / "bench" / "figures.py"), "--docs", str(docs),
                             "--queries", str(queries), "--store", str(tmp_path / "store")],
                            env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "split dev, window 6: 1 filings" in out
    assert re.search(r"^all +4 questions  page R@1 \S+  R@5 \S+  R@10 \S+$", out, re.M), out
    assert re.search(r"^ +1 figures    right 1\.000  sure 1  sure precision 1\.000$", out, re.M), out
    assert re.search(r"^ +1 yes/no     right 1\.000  sure 1  sure precision 1\.000$", out, re.M), out
    # the free-text gold's number ("$1.749 billion", in millions 1,749) against the answer's first
    assert re.search(r"^ +1 in text    right 1\.000  sure 1  sure precision 1\.000$", out, re.M), out
    assert re.search(r"^ +3 answers    right 1\.000  sure 3  sure precision 1\.000  \(right of all 4: 0\.750; "
                     r"not graded 1\)$", out, re.M), out
    assert re.search(r"^    novel-generated +2 questions", out, re.M), out
    assert re.search(r"^indexed 1 filings, 4 pages: \d+ s wall, \d+ s CPU, peak RSS \d+ MB$", out, re.M), out
    both = subprocess.run([sys.executable, str(REPO / "bench" / "figures.py"), "--docs", str(docs), "--queries",
                           str(queries), "--store", str(tmp_path / "store"), "--no-index", "--split", "all"],
                          env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=600)
    assert both.returncode == 0, both.stderr  # the dev index searched for every question: each side printed
    assert re.search(r"^store reused: 1 filings, 4 pages, indexed in 1 runs: \d+ s wall$", both.stdout, re.M)
    assert re.search(r"^  dev, dataset phrasing +4 questions", both.stdout, re.M), both.stdout
    assert re.search(r"^  held-out, dataset phrasing +1 questions  page R@1 0\.000", both.stdout, re.M), both.stdout


def test_gold_answers_are_graded_by_the_documented_rule():
    sys.path.insert(0, str(REPO / "bench"))
    from figure_grades import answer_right, gold_of

    bare = gold_of("$0.40", "How much (in USD billions) did it pay out in cash dividends for FY2020?")
    assert (bare["grade"], bare["value"]) == ("figure", 400.0)
    assert answer_right("In Form 10-K (A_2020_10K.pdf): $400 million (Dividends paid, FY2020) [1]", True, bare)
    assert not answer_right("Not found in A_2020_10K.pdf: no statement row.", False, bare)  # a refusal
    yes = gold_of("No. Microsoft decreased its debt by $2.5bn in FY 2023 vs FY 2022.", "")
    assert yes["grade"] == "yes/no" and answer_right("Unsure: No: total debt fell", True, yes)
    text = gold_of("The quick ratio has slightly improved from 0.67 times to 0.69 times between FY 2023 and FY 2022.",
                   "")
    assert text["grade"] == "numbers in text" and [n[0] for n in text["numbers"]] == [0.67, 0.69]
    assert answer_right("Improved: quick ratio rose from 0.67 in FY2022 to 0.69 in FY2023", True, text)
    ebitda = gold_of("AMCOR's Adj. EBITDA was $2,018mn in FY 2023", "")  # "$2,018" an amount, not a year
    assert [n[0] for n in ebitda["numbers"]] == [2018.0]
    dated = gold_of("At the AGM held on May 3, 2023, the proposal won 9% of the votes in Q2", "")
    assert [n[0] for n in dated["numbers"]] == [9.0]  # no day, year or quarter
    assert gold_of("Customer deposits", "")["grade"] == "not graded"
    assert answer_right("Customer deposits [1]", True, gold_of("Customer deposits", "")) is None
