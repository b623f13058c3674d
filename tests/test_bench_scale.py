"""bench/scale.py at its small size (--small, about 3,000 passages), so a change to what ragbox
indexes or searches cannot break the scale benchmark unseen. It runs the real model (the seed
index of the generated contracts), in subprocesses."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, cli_env

PARTIES = [("Acme Tools", "Bolt Freight"), ("Cedar Health", "Delta Labs"), ("Ember Media", "Fjord Capital"),
           ("Granite Foods", "Harbor Retail"), ("Iris Software", "Juniper Energy"), ("Kestrel Air", "Lumen Bank")]
TOPICS = ["governing law", "termination", "payment terms", "confidentiality", "liability cap", "insurance",
          "warranty", "audit rights", "non-compete", "assignment", "renewal term", "notices"]
WORDS = ("shall party agreement term notice days written consent obligation payment invoice delivery goods "
         "services breach remedy cure period damages indemnify claim law court state license territory "
         "exclusive fee quarter year records inspection insurer coverage amount cap limit").split()


def write_contracts(folder: Path) -> None:
    rng = random.Random(22)
    folder.mkdir()
    for first, second in PARTIES:
        clauses = [f"SUPPLY AGREEMENT between {first} and {second}."]
        for n in range(45):
            topic = TOPICS[n % len(TOPICS)]
            words = " ".join(rng.choice(WORDS) for _ in range(55))
            clauses.append(f"{n + 1}. {topic.title()}. As to {topic}, {first} and {second} agree: {words}.")
        (folder / f"{first} - {second} supply agreement.txt").write_text("\n\n".join(clauses))


@pytest.mark.slow
def test_scale_bench_runs_small(tmp_path: Path) -> None:
    docs, queries = tmp_path / "docs", tmp_path / "queries.jsonl"
    write_contracts(docs)
    queries.write_text("".join(
        json.dumps({"query": f'Consider the SUPPLY AGREEMENT between "{a}" and "{b}"; what does it say on {t}?'}) + "\n"
        for (a, b), t in zip(PARTIES * 3, TOPICS + TOPICS[:6])))
    result = subprocess.run([sys.executable, str(REPO / "bench" / "scale.py"), str(docs), str(queries), "--small",
                             "--sizes", "3000,6000", "--grow-from", "3000", "--store", str(tmp_path / "bench")],
                            capture_output=True, text=True, timeout=600, env=cli_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "| passages | index s |" in out and "Where the search time goes" in out
    assert "The same for the slowest queries (p95 and above" in out
    row = next(line for line in out.splitlines() if line.startswith("| 3,") or line.startswith("| 2,"))
    assert "| exact |" in row
    assert "| HNSW |" in out and "| focus / rescoring |" in out
    assert "Through `ragbox serve` (exact search" in out
    assert "No-op re-index, median of 5 runs in a row, each in a new process" in out
    grown = next(line for line in out.splitlines() if line.startswith("| 6,"))  # --grow-from: synthetic
    assert "(synthetic)" in grown and "| exact |" in grown
    assert not any(line.startswith("| | | | | | HNSW") for line in out.split(grown)[1].splitlines()[:2])
    assert "CPU ms a query" in out
