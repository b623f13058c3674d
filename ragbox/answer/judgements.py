"""Yes/no questions that judge a company from its figures: "Is 3M a capital-intensive business
based on FY2022 data?", "Are JnJ's FY2022 financials that of a high growth company?".

The filing states no such verdict; analysts reach it from a few standard metrics. The answer
computes those metrics from the statements' cells (``metrics``), shows each with its arithmetic
and cited cells, and says Yes or No by a rule of thumb written out in the answer and the README:
- capital-intensive: capital expenditure is at least 10 % of revenue, or return on assets (net
  income / average total assets) is below 0.05;
- high growth: revenue grew at least 20 % from the year before (the OECD's measure of a
  high-growth enterprise uses 20 % a year).
A rule of thumb is no fact of the filing: the answer is never sure (``judgement``). With none of
its metrics computed, the question is left to the general answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ragbox.answer.metrics import Metric, metric_of
from ragbox.text import fiscal_years


@dataclass(frozen=True)
class Judgement:
    name: str  # "capital-intensive"
    metrics: tuple[Metric, ...]  # what it is judged from, each shown
    yes: tuple[Callable[[float], bool], ...]  # per metric: whether its value says Yes
    rule: str  # the rule of thumb, as the answer states it


# (name, how a question asks it, the metrics as a question would ask them, when each says Yes, the rule)
_JUDGEMENTS = (
    ("capital-intensive", re.compile(r"\bcapital[- ]intensive\b", re.IGNORECASE),
     ("capex as a % of revenue", "return on assets"), (lambda v: v >= 10, lambda v: v < 0.05),
     "capital-intensive when capital expenditure is at least 10 % of revenue or return on assets is below 0.05"),
    ("high growth", re.compile(r"\bhigh[- ]growth\b", re.IGNORECASE),
     ("revenue growth",), (lambda v: v >= 20,),
     "high growth when revenue grew at least 20 % from the year before"),
)
_YES_NO = re.compile(r"^\W*(?:is|are|was|were|does|do|has|have)\b", re.IGNORECASE)


def judgement_asked(question: str) -> Judgement | None:
    """The judgement a yes/no ``question`` asks of one fiscal year, or None."""
    first = question.split("?")[0]
    years = sorted(set(fiscal_years(first, plain=True)))
    if not _YES_NO.match(first) or len(years) != 1:
        return None
    for name, pattern, asked, yes, rule in _JUDGEMENTS:
        if pattern.search(first):
            metrics = tuple(metric_of(f"{phrase} FY{years[0]}", years) for phrase in asked)
            if any(m is None for m in metrics):
                return None
            return Judgement(name, metrics, yes, rule)  # type: ignore[arg-type]
    return None


def judged(judgement: Judgement, values: list[float | None]) -> str:
    """"Yes" or "No" from the metrics computed (None: not computed)."""
    return "Yes" if any(v is not None and says(v) for v, says in zip(values, judgement.yes)) else "No"
