"""bench/named.py on a tiny evaluation folder of the shared schema (two contracts with CUAD-style
labels, one clinical note), so a change to naming, cards, answers or the bench's own grading cannot
break the bench unseen. Real engine, real embedding model."""

from __future__ import annotations

import json
import subprocess
import sys

from small_evaldata import write_small_evaldata

from support import REPO, cli_env


def test_named_bench_runs_small(tmp_path) -> None:
    evaldata = write_small_evaldata(tmp_path / "evaldata")
    result = subprocess.run([sys.executable, str(REPO / "bench" / "named.py"), "--evaldata", str(evaldata),
                             "--contracts", "2", "--notes", "1", "--store", str(tmp_path / "store"),
                             "--out", str(tmp_path / "out.jsonl")],
                            env=cli_env(tmp_path / "store"), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    # contracts: 2 governing-law, 2 date, 2 non-compete (neither has one) and 2 parties questions; notes: 2
    assert "contracts: 8 questions" in lines and "notes: 2 questions" in lines
    assert lines.count("resolved right (the documents the name fits, several flagged ambiguous) 1.000") == 2
    contracts, notes = lines[lines.index("contracts: 8 questions"):], lines[lines.index("notes: 2 questions"):]
    assert contracts[4:6] == ["answers from another document     0 (0 shown as sure; 6 found)",
                              "value right                       1.000 (6 with a label)"]  # laws, dates, parties
    assert notes[4:6] == ["answers from another document     0 (0 shown as sure; 2 found)",
                          "value right                       1.000 (2 with a label)"]
    # sure precision and coverage of the labelled answers found: a note's own section is sure
    assert notes[6] == "sure (labelled answers found)     precision 1.000, coverage 1.000 (2 of 2)"
    assert contracts[6].startswith("sure (labelled answers found)     precision 1.000, coverage ")
    assert "not found in <document>: precision 1.000, recall 1.000 (2 clauses the contract lacks)" in lines
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    parties = [r for r in results if r["kind"] == "Parties"]
    assert len(parties) == 2 and all(r["right"] for r in parties)


def test_party_grading_forgives_a_typed_label_but_not_another_name() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from party_grades import is_a_definition, names_party

    answer = 'Howmedica Osteonics Corp. ("Stryker") and CORAL GOLD RESOURCES LTD. [1]'
    assert names_party(answer, "Howmedica Ostenonics") and names_party(answer, "CORAL GOLD RESOURCED")
    assert not names_party(answer, "Howmedica Orthopedics") and not names_party(answer, "Coral Gold Mining")
    assert not names_party("Acme Inc. and Best Corp.", "Acme and Bext")  # short words must be exact
    # a label's descriptors: the name it trades under, its affiliates
    museum = 'NATIONAL FOOTBALL MUSEUM, INC. ("PFHOF") and Qualigen, Inc. ("Qualigen") [1]'
    assert names_party(museum, "NATIONAL FOOTBALL MUSEUM, INC. d/b/a Pro Football Hall of Fame")
    assert names_party(museum, "Qualigen, Inc. and its Affiliates")
    assert not names_party(museum, "National Soccer Museum d/b/a Soccer Hall of Fame")
    assert names_party("VerticalNet Enterprises LLC and Tradeum, Inc. [1]",
                       "Vertical Enterprises LLC formerly known as Tradeum, Inc. which d/b/a VerticalNet Solutions")
    parties = [("Lightbridge Corporation", "Lightbridge"), ("Lloyds Register FNMA", "Lloyds"),
               ('"Lloyds" and together with "Lightbridge", the "Parties"', ""), ("Lightbridge and Lloyds", ""),
               ("Lloyds", "Lloyds")]
    assert [is_a_definition(name, parties) for name, _ in parties] == [False, False, True, True, False]


def test_a_contract_is_not_named_by_a_redaction_or_by_individually() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from named import ways_of_naming

    redacted = ways_of_naming("SUPPLY AGREEMENT", [("Acme Corp.", "Acme"), ("[]", "")], "supply.txt")
    assert set(redacted) == {"title", "file name"}  # the last party names it; "the [] agreement" nobody types
    person = ways_of_naming("CONSULTING AGREEMENT", [("Acme Corp.", "Company"), ("John Smith, individually", "")],
                            "consulting.txt")
    assert (person["party short name"], person["party full name"]) == ("John agreement", "agreement with John Smith")
