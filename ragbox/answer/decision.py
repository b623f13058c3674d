"""Deciding "not found": whether the best evidence really answers the question.

A contract folder always holds something similar to any question, so one cosine threshold never
says "not found". The decision looks at the best answering sentence instead: how much of the
question it covers, whether it states the kind of fact asked for right after the words that
introduce such a fact, how similar it is to the question, and how well its passage ranked. A
logistic model turns these into a confidence; its weights were fitted on the development
contracts (`bench/calibrate_answers.py`), and `answer.min_confidence` sets the bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ragbox.answer.extract import Candidate
from ragbox.answer.questions import QuestionKind

# "open" (yes/no and clause questions): fitted by bench/calibrate_answers.py (class-balanced
# logistic regression, C=1) on 784 dev CUAD questions, answerable and unanswerable ones of the
# same contracts. "typed" (a date, a duration, a place...): set by hand and checked with the same
# script; fitted on the 108 typed dev questions they came out unstable across the two halves and
# showed fewer right answers. Figures in the README's "Answers" section.
WEIGHTS = {
    "typed": {"bias": -1.0, "question": 1.0, "cue": 1.5, "introduced": 2.0, "similarity": 1.0, "top_score": 1.0},
    "open": {"bias": -3.18, "question": 1.39, "cover": 0.32, "in_document": 0.4, "similarity": 2.8, "top_score": 1.4},
}


# A section under the heading of what was asked ("ALLERGIES:") states it: as sure as a title.
SECTION_CONFIDENCE = 0.95
# The parties of the card named in the opening: as sure as a section when at least two (a contract
# has two sides), found but unsure when only one.
PARTIES_FOR_SURE = 2
PARTIAL_PARTIES_CONFIDENCE = 0.5
# A clause under a heading that names what was asked ("Non-Competition: ... shall not ..."), for
# "Is there a non-compete?": plainly that clause (extract.plain_clause), so at least this sure.
CLAUSE_CONFIDENCE = 0.9
# A sentence that states the clause asked about (answer.clauses: "shall not compete", "liability
# shall not exceed"): found, though not sure, however few of the question's words it shares.
EXPRESSED_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Decision:
    found: bool
    confidence: float
    features: dict[str, float]


def features(candidate: Candidate | None, top_score: float) -> dict[str, float]:
    if candidate is None:
        return {}
    values = dict(candidate.features)
    values["top_score"] = top_score
    return values


def confidence(kind: QuestionKind, values: dict[str, float]) -> float:
    """The chance that the evidence answers, from the fitted logistic model (0 without evidence)."""
    if not values:
        return 0.0
    if kind.name == "title":
        return 1.0 if values.get("title") else 0.0
    if values.get("section"):  # the document's own section for what was asked (answer.sections)
        return SECTION_CONFIDENCE
    if values.get("parties"):  # the card's parties, named in the opening (answer.parties); one is a part
        return SECTION_CONFIDENCE if values["parties"] >= PARTIES_FOR_SURE else PARTIAL_PARTIES_CONFIDENCE
    value = logistic(WEIGHTS["typed" if kind.facts else "open"], values)
    if values.get("plain"):
        return max(value, CLAUSE_CONFIDENCE)
    return max(value, EXPRESSED_CONFIDENCE) if values.get("expressed") else value


def logistic(weights: dict[str, float], values: dict[str, float]) -> float:
    """The logistic model ``weights`` (a "bias" and one weight per signal) applied to ``values``."""
    z = weights["bias"] + sum(weight * values.get(name, 0.0) for name, weight in weights.items() if name != "bias")
    return 1 / (1 + math.exp(-z))


def decide(kind: QuestionKind, candidate: Candidate | None, top_score: float, min_confidence: float) -> Decision:
    values = features(candidate, top_score)
    value = confidence(kind, values)
    return Decision(candidate is not None and value >= min_confidence, value, values)
