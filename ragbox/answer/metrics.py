"""Standard metrics computed from the cells of a filing's statements, the arithmetic shown and each
input cited: "30.8 % (growth of revenue from FY2016 to FY2017: (177,866 - 135,987) / 135,987 =
30.8 %; revenue FY2017 $177,866 million [1], FY2016 $135,987 million [1])".

A small set, each formula in the README ("Figures from filings"):
- growth of an item from one year to a later one: (new - old) / |old|; a CAGR over n years:
  (new / old)^(1/n) - 1;
- a margin: gross profit, operating income or net income over revenue;
- an item as a % of revenue: item / revenue;
- current ratio (or working capital ratio): total current assets / total current liabilities;
  working capital: total current assets - total current liabilities;
- a two-year average of an item: (year 1 + year 2) / 2.
Sure only when every input cell is (``figures.find_figure``) and the question asks nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from ragbox.answer.figures import ITEMS, Found, Item, asked_item, find_figure, flat
from ragbox.text import fiscal_years
from ragbox.types import Hit

_ITEM = {item.name: item for item in ITEMS}
_MARGINS = {"gross margin": "gross profit", "operating margin": "operating income", "net margin": "net income",
            "net profit margin": "net income", "profit margin": "net income"}
_GROWTH = re.compile(r"\b(?:growth|change|increase|decrease|grow|grew)\b", re.IGNORECASE)
_CAGR = re.compile(r"\bcagr\b|compound(?:ed)? annual growth", re.IGNORECASE)
_SHARE_OF_REVENUE = re.compile(r"\bas an? (?:%|percent(?:age)?) of (?:total )?(?:revenue|net sales|sales)\b",
                               re.IGNORECASE)
_CURRENT_RATIO = re.compile(r"\b(?:current|working capital) ratio\b", re.IGNORECASE)
_WORKING_CAPITAL = re.compile(r"\b(?:net )?working capital\b", re.IGNORECASE)
_AVERAGE = re.compile(r"\baverage\b", re.IGNORECASE)
# Words of a harder request than these formulas: left to the general answer.
# A yes/no question ("Does AMCOR have an improving gross margin?") asks more than the figure.
_OTHER = re.compile(r"\b(?:three|3|five|5)[- ]year\b|\bturnover|\bdays\b|\bdpo\b|\bdso\b|\breturn on\b|\broa\b|"
                    r"\bebitda\b|\badjusted\b|\bper share\b|\bdrove\b|\bwhy\b|\bcapital.intensive\b|\bimprov|"
                    r"\bdeclin|^\W*(?:does|do|is|are|has|have|did|was|were|can|could|should|would)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Metric:
    name: str  # what the answer calls it
    items: tuple[Item, ...]  # the inputs' line items
    years: tuple[str, ...]  # the inputs' years, one per input
    compute: Callable[[list[float]], float]
    formula: str  # with {0}, {1}: the inputs as printed
    percent: bool


def metric_asked(question: str) -> Metric | None:
    """The metric ``question`` asks for, among the small set above, or None."""
    years = sorted(set(fiscal_years(question, plain=True)))
    if not years or _OTHER.search(question):
        return None
    words = f" {flat(question)} "
    margin = next((m for m in sorted(_MARGINS, key=len, reverse=True) if f" {m} " in words), None)
    if margin:
        parts = (_ITEM[_MARGINS[margin]], _ITEM["revenue"])
        return _ratio(margin, parts, years[-1], percent=True) if len(years) == 1 else None
    if _CURRENT_RATIO.search(question):
        return _ratio("current ratio", (_ITEM["total current assets"], _ITEM["total current liabilities"]),
                      years[-1], percent=False) if len(years) == 1 else None
    if _WORKING_CAPITAL.search(question):
        return Metric("working capital", (_ITEM["total current assets"], _ITEM["total current liabilities"]),
                      (years[-1],) * 2, lambda v: v[0] - v[1], "{0} - {1}", False) if len(years) == 1 else None
    item = asked_item(_SHARE_OF_REVENUE.sub(" ", question))
    if item is None:
        return None
    if _SHARE_OF_REVENUE.search(question):
        return _ratio(f"{item.name} as a % of revenue", (item, _ITEM["revenue"]), years[-1], percent=True) \
            if len(years) == 1 and item.name != "revenue" else None
    return _over_years(question, item, years)


def _ratio(name: str, items: tuple[Item, Item], year: str, percent: bool) -> Metric:
    if percent:
        return Metric(name, items, (year, year), lambda v: 100 * v[0] / v[1], "{0} / {1}", True)
    return Metric(name, items, (year, year), lambda v: v[0] / v[1], "{0} / {1}", False)


def _over_years(question: str, item: Item, years: list[str]) -> Metric | None:
    """Growth, CAGR or a two-year average of ``item`` (the years asked, else the year before)."""
    if len(years) > 2:
        return None
    old, new = (years[0], years[-1]) if len(years) == 2 else (str(int(years[0]) - 1), years[0])
    span = int(new) - int(old)
    if _CAGR.search(question) and span >= 1:
        return Metric(f"CAGR of {item.name} from FY{old} to FY{new}", (item, item), (new, old),
                      lambda v: 100 * ((v[0] / v[1]) ** (1 / span) - 1), f"({{0}} / {{1}})^(1/{span}) - 1", True)
    if _AVERAGE.search(question) and span == 1 and len(years) == 2:
        return Metric(f"average {item.name} of FY{old} and FY{new}", (item, item), (new, old),
                      lambda v: (v[0] + v[1]) / 2, "({0} + {1}) / 2", False)
    if _GROWTH.search(question) and span >= 1:
        return Metric(f"growth of {item.name} from FY{old} to FY{new}", (item, item), (new, old),
                      lambda v: 100 * (v[0] - v[1]) / abs(v[1]), "({0} - {1}) / |{1}|", True)
    return None


def computed(metric: Metric, document: Sequence[Hit], hits: Sequence[Hit]) -> tuple[list[Found | None], float | None]:
    """Each input's cell (None where not found) and the metric's value (None unless all are)."""
    inputs = [find_figure(item, year, document, hits)[0] for item, year in zip(metric.items, metric.years)]
    if any(found is None for found in inputs):
        return inputs, None
    values = [found.row.cells[found.year].value for found in inputs]
    if len({found.row.unit for found in inputs}) > 1:
        return inputs, None  # different units: no arithmetic across them
    try:
        return inputs, metric.compute(values)
    except (ZeroDivisionError, ValueError):
        return inputs, None
