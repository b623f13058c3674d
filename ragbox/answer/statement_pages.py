"""The passages a figure of a filing is read from, for a search to show first.

A search for "3M capex 2022" inside a whole 10-K ranks MD&A paragraphs, the selected-data table and
notes that repeat the words ("capital expenditures", "2022") above the cash-flow statement, whose
row "Purchases of property, plant and equipment (PP&E) | (1,749)" holds few of them. The figure
answer reads every statement row of the filing anyway (``figures``, ``metrics``); the passages of
the rows it reads are the evidence, so a search for the same question lists them first, in the
order the inputs are used; for an input no row is labelled as, the statement it belongs to (a
bank's income statement prints no "Operating income"). Nothing is added for a question that asks
no figure, or whose document is not a filing: the search's own ranking stands.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ragbox.answer.figures import FILING_KINDS, Item, figure_question, find_figure, statement_start
from ragbox.answer.judgements import judgement_asked
from ragbox.answer.metrics import Metric, metric_asked, metric_of
from ragbox.answer.trends import trend_asked
from ragbox.text import fiscal_years
from ragbox.types import Hit

# "What drove operating margin change as of FY2022 for 3M?": the why is in MD&A's words, which the
# search ranks; the margin's rows in both years are the other evidence, listed after its first hit.
_DRIVERS = re.compile(r"\bwhat (?:drove|drives|caused|explains)\b", re.IGNORECASE)


def may_ask_figure(question: str) -> bool:
    """Whether ``question`` asks a figure or a metric of some filing (before looking at which):
    cheap, so a search that asks none skips resolving the document it names."""
    return (metric_asked(question) is not None or trend_asked(question) is not None
            or judgement_asked(question) is not None or figure_question(question, FILING_KINDS[0]) is not None
            or bool(_driven(question)))


def _driven(question: str) -> list[Metric]:
    """The metric whose change ``question`` asks the drivers of, in its year and the year before."""
    first = question.split("?")[0]
    years = fiscal_years(first, plain=True)
    if not _DRIVERS.search(first) or len(years) != 1:
        return []
    plain = _DRIVERS.sub(" ", first)
    metrics = [metric_of(plain, [year]) for year in (years[0], str(int(years[0]) - 1))]
    return [m for m in metrics if m is not None] if all(metrics) else []


def cited_passages(question: str, kind: str, document: Sequence[Hit], hits: Sequence[Hit]) -> list[Hit]:
    """The passages holding the cells the answer to ``question`` reads, from the ``document``'s
    passages (a filing of card kind ``kind``; ``hits``: the search's, which break ties), each once;
    for a cell not found, the first passage of the statement its line item belongs to."""
    cited: dict[str, Hit] = {}
    if kind in FILING_KINDS and hits and _driven(question):
        cited[hits[0].chunk_id] = hits[0]  # the search's first passage stays first: the drivers are words
    for item, year in asked_cells(question, kind):
        found = find_figure(item, year, document, hits)[0]
        hit = found.row.hit if found is not None else statement_start(item.statement, document)
        if hit is not None:
            cited.setdefault(hit.chunk_id, hit)
    return list(cited.values())


def asked_cells(question: str, kind: str) -> list[tuple[Item, str]]:
    """The (line item, year) of each cell ``question`` asks of a filing of card kind ``kind``: of
    a trend, the later year's first (the filing's own year)."""
    if kind not in FILING_KINDS:
        return []
    judgement, trend, metric = judgement_asked(question), trend_asked(question), metric_asked(question)
    driven = _driven(question)
    if driven:
        return [cell for m in driven for cell in zip(m.items, m.years)]
    if judgement is not None:
        return [cell for m in judgement.metrics for cell in zip(m.items, m.years)]
    if trend is not None:
        return [*zip(trend.new.items, trend.new.years), *zip(trend.old.items, trend.old.years)]
    if metric is not None:
        return list(zip(metric.items, metric.years))
    asked = figure_question(question, kind)
    return [asked] if asked is not None else []


def cells_first(cited: Sequence[Hit], hits: Sequence[Hit], k: int) -> list[Hit]:
    """``hits`` with the ``cited`` passages first (each once), cut to ``k``. A cited passage keeps
    the score the search gave it, else the best score of the search (it is the evidence)."""
    if not cited:
        return list(hits[:k])
    scores = {h.chunk_id: h.score for h in hits}
    best = max(scores.values(), default=0.0)
    first = [replace(h, score=scores.get(h.chunk_id, best)) for h in cited]
    ids = {h.chunk_id for h in first}
    return (first + [h for h in hits if h.chunk_id not in ids])[:k]

