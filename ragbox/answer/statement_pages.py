"""The passages a figure of a filing is read from, for a search to show first.

A search for "3M capex 2022" inside a whole 10-K ranks MD&A paragraphs, the selected-data table and
notes that repeat the words ("capital expenditures", "2022") above the cash-flow statement, whose
row "Purchases of property, plant and equipment (PP&E) | (1,749)" holds few of them. The figure
answer reads every statement row of the filing anyway (``figures``, ``metrics``); the passages of
the rows it reads are the evidence, so a search for the same question lists them first, in the
order the inputs are used. Nothing is added for a question that asks no figure, or whose
document is not a filing, or for which no row is found: the search's own ranking stands.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ragbox.answer.figures import FILING_KINDS, figure_question, find_figure
from ragbox.answer.metrics import computed, metric_asked
from ragbox.answer.trends import trend_asked
from ragbox.types import Hit


def may_ask_figure(question: str) -> bool:
    """Whether ``question`` asks a figure or a metric of some filing (before looking at which):
    cheap, so a search that asks none skips resolving the document it names."""
    return (metric_asked(question) is not None or trend_asked(question) is not None
            or figure_question(question, FILING_KINDS[0]) is not None)


def cited_passages(question: str, kind: str, document: Sequence[Hit], hits: Sequence[Hit]) -> list[Hit]:
    """The passages holding the cells the answer to ``question`` reads, from the ``document``'s
    passages (a filing of card kind ``kind``; ``hits``: the search's, which break ties), each once."""
    if kind not in FILING_KINDS:
        return []
    trend, metric = trend_asked(question), metric_asked(question)
    if trend is not None:  # the later year's inputs first: the filing's own year
        found = computed(trend.new, document, hits)[0] + computed(trend.old, document, hits)[0]
    elif metric is not None:
        found = computed(metric, document, hits)[0]
    else:
        asked = figure_question(question, kind)
        found = [find_figure(asked[0], asked[1], document, hits)[0]] if asked is not None else []
    cited: dict[str, Hit] = {}
    for cell in found:
        if cell is not None:
            cited.setdefault(cell.row.hit.chunk_id, cell.row.hit)
    return list(cited.values())


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

