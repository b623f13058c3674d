"""A tiny evaluation folder in the shared schema (``../shared/evaldata``'s README): two contracts
with CUAD-style labels and questions, and one clinical note, for the benches' small CI runs."""

from __future__ import annotations

import json
from pathlib import Path

SUPPLY = ("SUPPLY AGREEMENT\n\nThis Supply Agreement (the \"Agreement\") is made as of June 21, 1999 by and between "
          "Acme Widgets Corp., a Delaware corporation (\"Acme\"), and Globex Retail LLC, a New York limited liability "
          "company (\"Globex\").\n\n1. Supply. Acme shall supply widgets to Globex at the prices in Exhibit A.\n\n"
          "2. Governing Law. This Agreement shall be governed by the laws of the State of California.\n\n"
          "3. Payment. Globex shall pay each invoice within thirty (30) days of receipt.\n")
LICENSE = ("SOFTWARE LICENSE AGREEMENT\n\nThis Software License Agreement (the \"Agreement\") is entered into on "
           "March 3, 2005 between Initech Software, Inc., a Texas corporation (\"Initech\"), and Hooli Media Corp., "
           "a Nevada corporation (\"Hooli\").\n\n1. License. Initech grants Hooli a license to use the Software.\n\n"
           "2. Law. This Agreement shall be governed by and construed under the laws of the State of New York.\n\n"
           "3. Audit. Initech may audit Hooli's use of the Software once a year.\n")
NOTE = ("REASON FOR VISIT: Knee pain after a fall.\n\nALLERGIES: Penicillin.\n\nMEDICATIONS: Ibuprofen 400 mg.\n\n"
        "ASSESSMENT: Sprain of the left knee.\n")
CONTRACTS = {"ACMEWIDGETS_06_21_1999-EX-10.1-SUPPLY AGREEMENT.txt": (
                 SUPPLY, "Consider the Supply Agreement between Acme Widgets Corp. (\"Acme\"); Globex Retail LLC "
                         "(\"Globex\")", "California"),
             "INITECH_03_03_2005-EX-10.2-SOFTWARE LICENSE AGREEMENT.txt": (
                 LICENSE, "Consider the Software License Agreement between Initech Software, Inc. (\"Initech\"); "
                          "Hooli Media Corp. (\"Hooli\")", "New York")}

LABELS = {"ACMEWIDGETS_06_21_1999-EX-10.1-SUPPLY AGREEMENT.txt": ("SUPPLY AGREEMENT", "June 21, 1999", "6/21/99"),
          "INITECH_03_03_2005-EX-10.2-SOFTWARE LICENSE AGREEMENT.txt": ("SOFTWARE LICENSE AGREEMENT", "March 3, 2005",
                                                                         "3/3/05")}


def write_small_evaldata(root: Path) -> Path:
    """``root``/cuad (docs/txt, queries.jsonl with governing law, document name and agreement date,
    queries_unanswerable.jsonl with a non-compete neither contract has) and ``root``/mtsamples/docs."""
    (root / "cuad/docs/txt").mkdir(parents=True)
    (root / "mtsamples/docs").mkdir(parents=True)
    labelled, missing = [], []
    for n, (file, (text, preamble, law)) in enumerate(CONTRACTS.items(), 1):
        (root / "cuad/docs/txt" / file).write_text(text)
        title, date, date_label = LABELS[file]
        labelled += [{"id": f"cuad-{n:03d}-Governing Law", "query": f"{preamble}; What is the governing law?",
                      "gold": [{"file": file, "text": law}], "answer": law, "category": "Governing Law"},
                     {"id": f"cuad-{n:03d}-Document Name", "query": f"{preamble}; What is the name of the contract?",
                      "gold": [{"file": file, "text": title}], "answer": title, "category": "Document Name"},
                     {"id": f"cuad-{n:03d}-Agreement Date", "query": f"{preamble}; What is the date of the contract?",
                      "gold": [{"file": file, "text": date}], "answer": date_label, "category": "Agreement Date"}]
        missing.append({"id": f"cuad-{n:03d}-Non-Compete", "query": f"{preamble}; Is there a non-compete?",
                        "gold": [], "category": "Non-Compete"})
    (root / "cuad/queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in labelled))
    (root / "cuad/queries_unanswerable.jsonl").write_text("".join(json.dumps(q) + "\n" for q in missing))
    (root / "mtsamples/docs/0001_Knee_Injury.txt").write_text(NOTE)
    return root
