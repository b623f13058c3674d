"""bench/calibrate_answers.py --sure on answers the real eval wrote, at a tiny size: the sure bars
fitted on one part of the contracts and the tables printed for the part they never saw, so a change
to the answers' signals or to `eval --hits` cannot break the calibration unseen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import REPO, SAMPLE_DOCS, cli_env

QUESTIONS = [  # (id, question, file, label): asked of the sample documents
    ("msa-law", "What is the governing law of the services agreement?", "services_agreement_acme_globex.pdf",
     "New York"),
    ("nda-law", "Which state's law governs the mutual non-disclosure agreement?", "mutual_nda_northwind_bluefin.pdf",
     "Delaware"),
    ("nda-notice", "How much notice is needed to terminate the Northwind Bluefin NDA?",
     "mutual_nda_northwind_bluefin.pdf", "30 days"),
    ("msa-renewal", "How does the master services agreement renew after the initial term?",
     "services_agreement_acme_globex.pdf", "successive 1 year"),
]


def test_calibrate_sure_fits_bars_and_reports_the_untouched_part(tmp_path: Path):
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps({"id": i, "query": q, "gold": [{"file": f, "text": None}], "answer": a,
                                           "category": "Governing Law" if "law" in i else i}) + "\n"
                               for i, q, f, a in QUESTIONS))
    env = cli_env(tmp_path / "store")
    run = [sys.executable, "-m", "ragbox", "--index", "s"]
    subprocess.run(run + ["index", str(SAMPLE_DOCS)], env=env, check=True, capture_output=True)
    hits = tmp_path / "hits.jsonl"
    subprocess.run(run + ["eval", "--answers", "--hits", str(hits), str(queries)], env=env, check=True,
                   capture_output=True)
    rows = [json.loads(line) for line in hits.read_text().splitlines()]
    assert [row["id"] for row in rows] == [q[0] for q in QUESTIONS]
    assert all({"sure", "unsure_because", "signals", "parts"} <= set(row) for row in rows)
    shown = subprocess.run([sys.executable, str(REPO / "bench" / "calibrate_answers.py"), "--sure",
                            f"{hits}:{queries}", "--notes", f"{hits}:{queries}"], env=env, check=True,
                           capture_output=True, text=True).stdout
    assert shown.startswith("4 questions of 2 contracts: ")
    assert "SURE_BARS = {" in shown and "in use: {" in shown
    for title in ("calibration part", "untouched part", "clinical notes"):
        assert title in shown
    assert "Governing Law" in shown and "ALL short answers" in shown
