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

# Fitted by bench/calibrate_answers.py on dev CUAD contracts (answerable and unanswerable
# questions of the same contracts); see the README's "Answers" section for the figures.
WEIGHTS = {
    "typed": {"bias": -1.0, "question": 1.0, "cue": 1.5, "introduced": 2.0, "similarity": 1.0, "top_score": 1.0},
    "open": {"bias": -3.0, "question": 1.5, "cover": 1.0, "in_document": 1.0, "similarity": 3.0, "top_score": 1.0},
}


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
    weights = WEIGHTS["typed" if kind.facts else "open"]
    z = weights["bias"] + sum(weight * values.get(name, 0.0) for name, weight in weights.items() if name != "bias")
    return 1 / (1 + math.exp(-z))


def decide(kind: QuestionKind, candidate: Candidate | None, top_score: float, min_confidence: float) -> Decision:
    values = features(candidate, top_score)
    value = confidence(kind, values)
    return Decision(candidate is not None and value >= min_confidence, value, values)
