"""bench/filing_cards.py on two small 10-K PDFs of one company (consecutive years) and a question
for each, so a change to how filings' cards are read or resolved cannot break the bench unseen."""

from __future__ import annotations

import json
import subprocess
import sys

from support import REPO, cli_env

COVER = ("UNITED STATES SECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\nFORM 10-K\n"
         "ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n"
         "For the fiscal year ended December 31, {year}\nCommission File Number: 1-4321\nNORTHWIND TRADERS, INC.\n"
         "(Exact name of registrant as specified in its charter)\nTitle of each class  Trading Symbol(s)  Name of "
         "each exchange on which registered\nCommon Stock, $0.01 par value  NWT  New York Stock Exchange\n")


def test_filing_cards_bench_runs_small(tmp_path) -> None:
    from fpdf import FPDF

    docs = tmp_path / "docs"
    docs.mkdir()
    for year in (2018, 2019):
        pdf = FPDF(format="A4")
        pdf.set_font("Helvetica", size=10)
        pdf.add_page()
        pdf.multi_cell(0, 6, COVER.format(year=year))
        pdf.output(str(docs / f"NORTHWIND_{year}_10K.pdf"))
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps({"query": f"What was Northwind's FY{year} revenue?",
                                           "gold": [{"file": f"NORTHWIND_{year}_10K.pdf"}]}) + "\n"
                               for year in (2018, 2019)))
    result = subprocess.run([sys.executable, str(REPO / "bench" / "filing_cards.py"), "--docs", str(docs),
                             "--queries", str(queries)], env=cli_env(tmp_path / "store"), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:4] == ["company right:        2/2", "fiscal year right:    2/2  (10-Q's year among its years: 2/2)",
                          "form right:           2/2  (10-K, 10-Q, 8-K; none for earnings)"]
    assert lines[5].endswith("files renamed docNN.pdf: 2/2  (ambiguous: 0)")
    assert lines[6].endswith("files renamed, no filing reader: 0/2  (ambiguous: 0)")
