"""Yes/no questions about the trend of a filing's figure between two years, answered from the cells:
"Does AMCOR have an improving gross margin profile as of FY2023?" -> "No: gross margin fell from
... in FY2022 to ... in FY2023", each year's value computed as ``metrics`` computes it, every input
cited.

A trend question names a direction (improving, increased, declined, ...) and a figure of
``metrics`` or a line item of ``figures.ITEMS``, for two years, or one year against the one before
("as of FY2023"). It is asked as a yes/no question ("Does", "Has", "Is", ...) or as a choice ("Has
the quick ratio improved or declined between FY2023 and FY2022?"). "Improving" and "worse" judge:
they are read only of margins and ratios, where higher is better (not of days payable, not of an
amount such as costs). A quarter named ("Q2 of FY2023") is not a year: left to the general answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragbox.answer.figures import asked_item, asks_other_figure
from ragbox.answer.metrics import Metric, metric_of
from ragbox.text import fiscal_years

_UP = re.compile(r"\b(?:improv\w*|increas\w*|grow(?:n|s|ing)?|grew|ris(?:e|en|ing)|rose|higher|better)\b",
                 re.IGNORECASE)
_DOWN = re.compile(r"\b(?:declin\w*|decreas\w*|fell|fall(?:en|ing)?|drop\w*|deteriorat\w*|lower|worse)\b",
                   re.IGNORECASE)
_JUDGING = re.compile(r"\b(?:improv\w*|deteriorat\w*|better|worse)\b", re.IGNORECASE)
_YES_NO = re.compile(r"^\W*(?:does|do|is|are|has|have|did|was|were)\b", re.IGNORECASE)
_CHANGED = re.compile(r"\bchanged\b", re.IGNORECASE)  # not "change in revenue": that is growth (``metrics``)
_QUARTER = re.compile(r"\bq[1-4]\b|\bquarter", re.IGNORECASE)


@dataclass(frozen=True)
class Trend:
    old: Metric  # the figure in the earlier year
    new: Metric  # in the later year
    direction: str  # the direction a yes/no question asks about: "up" or "down"; "" for a choice
    judging: bool  # "improving", "worse": said of a figure where higher is better


def trend_asked(question: str) -> Trend | None:
    """The trend ``question`` asks about (its first sentence), or None."""
    first = question.split("?")[0]
    up, down = _UP.search(first), _DOWN.search(first)
    if _CHANGED.search(first):  # "How much has the effective tax rate changed?": either way, a choice
        up, down = up or _CHANGED.search(first), down or _CHANGED.search(first)
    yes_no = bool(_YES_NO.match(first))
    if not (up or down) or not (yes_no or (up and down)) or _QUARTER.search(first) or asks_other_figure(first):
        return None
    years = sorted(set(fiscal_years(first, plain=True)))
    years = [str(int(years[0]) - 1), years[0]] if len(years) == 1 else years
    if len(years) != 2:
        return None
    plain = _YES_NO.sub(" ", _CHANGED.sub(" ", _DOWN.sub(" ", _UP.sub(" ", first))))
    old, new = (metric_of(plain, [year]) or _item_of(plain, year) for year in years)
    if old is None or new is None or old.kind == "days" or (old.kind == "amount" and _JUDGING.search(first)):
        return None
    return Trend(old, new, "" if up and down else "up" if up else "down", bool(_JUDGING.search(first)))


def _item_of(question: str, year: str) -> Metric | None:
    item = asked_item(question)
    if item is None:
        return None
    return Metric(f"{item.name} FY{year}", (item,), (year,), lambda v: v[0], "{0}", "amount")


def verdict(trend: Trend, old: float, new: float) -> str:
    """"Yes" or "No" to a yes/no question; the direction to a choice ("Improved", "Decreased")."""
    if old == new:
        return "Unchanged"
    rose = new > old
    if trend.direction:
        return "Yes" if rose == (trend.direction == "up") else "No"
    if trend.judging:
        return "Improved" if rose else "Declined"
    return "Increased" if rose else "Decreased"
