"""Common abbreviations of clinical notes and contracts, so keyword search finds "BP 152/94" for
a question about the blood pressure (and "blood pressure" for a question about the BP).

Embeddings of a small model tie an abbreviation to its long form only weakly, and BM25 not at
all. The list is short on purpose: only abbreviations that mean one thing in these documents.
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "bp": "blood pressure",
    "hr": "heart rate",
    "rr": "respiratory rate",
    "sob": "shortness of breath",
    "htn": "hypertension",
    "mi": "myocardial infarction",
    "chf": "congestive heart failure",
    "copd": "chronic obstructive pulmonary disease",
    "uti": "urinary tract infection",
    "gerd": "gastroesophageal reflux disease",
    "ckd": "chronic kidney disease",
    "nda": "non-disclosure agreement",
    "msa": "master services agreement",
    "sow": "statement of work",
}
_WORDS = re.compile(r"[a-z]+")


def expansions(text: str) -> list[str]:
    """The other form of each abbreviation or long form in ``text``, in order of appearance."""
    flat = " ".join(_WORDS.findall(text.lower().replace("-", " ")))
    found: list[tuple[int, str]] = []
    for short, long in ABBREVIATIONS.items():
        if match := re.search(rf"\b{short}\b", flat):
            found.append((match.start(), long))
        if match := re.search(rf"\b{re.escape(long.replace('-', ' '))}\b", flat):
            found.append((match.start(), short))
    return [form for _, form in sorted(found)]
