"""Standard metrics computed from the cells of a filing's statements, the arithmetic shown and each
input cited: "30.8 % (growth of revenue from FY2016 to FY2017: (177,866 - 135,987) / 135,987 =
30.8 %; Total net sales FY2017 177,866 [1], Total net sales FY2016 135,987 [1])".

A small set, each formula in the README ("Figures from filings"):
- growth of an item from one year to a later one: (new - old) / |old|; a CAGR over n years:
  (new / old)^(1/n) - 1;
- a margin: gross profit, operating income or net income over revenue;
- an item as a % of revenue: |item| / revenue;
- current ratio (or working capital ratio): total current assets / total current liabilities;
  working capital: total current assets - total current liabilities;
- a two-year average of an item: (year 1 + year 2) / 2;
- of one year, with last year's balance where an average is needed (``_OF_A_YEAR``): inventory
  and asset turnover, return on assets and on equity, the quick ratio, days payable outstanding,
  EBITDA, its margin, EBITDA less capex, free cash flow;
- an N-year average of a per-year metric: the mean of its values.
Sure only when every input cell is (``figures.find_figure``) and the question asks nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from ragbox.answer.figures import ITEMS, Found, Item, asked_item, asks_other_figure, find_figure, flat, without_caveat
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
_YEARS_AVERAGE = re.compile(r"\b(?:two|2|three|3|four|4|five|5)[- ]year (?:average|avg)\b(?: of)?", re.IGNORECASE)
# Words of a harder request than these formulas: left to the general answer.
# A yes/no question ("Does AMCOR have an improving gross margin?") asks more than the figure.
_OTHER = re.compile(r"\b(?:three|3|five|5)[- ]year\b|\bdso\b|"
                    r"\badjusted\b|\bper share\b|\bdrove\b|\bwhy\b|\bcapital.intensive\b|\bimprov|"
                    r"\bdeclin|^\W*(?:does|do|is|are|has|have|did|was|were|can|could|should|would)\b", re.IGNORECASE)


# Metrics of one year that need last year's balance too (an average of two year-ends) or a cash-flow
# line, as analysts define them (FinanceBench's questions spell these definitions out): (name,
# how a question names it, the inputs as (item, years back), the arithmetic, how it is shown).
_OF_A_YEAR = (
    ("days payable outstanding", r"days payable outstanding|\bdpo\b",
     (("accounts payable", 0), ("accounts payable", 1), ("cost of sales", 0), ("inventories", 0), ("inventories", 1)),
     lambda v: 365 * (v[0] + v[1]) / 2 / (v[2] + v[3] - v[4]), "365 x (({0} + {1}) / 2) / ({2} + {3} - {4})", "days"),
    ("inventory turnover", r"inventory turnover",
     (("cost of sales", 0), ("inventories", 0), ("inventories", 1)),
     lambda v: v[0] / ((v[1] + v[2]) / 2), "{0} / (({1} + {2}) / 2)", "ratio"),
    ("asset turnover", r"asset turnover", (("revenue", 0), ("total assets", 0), ("total assets", 1)),
     lambda v: v[0] / ((v[1] + v[2]) / 2), "{0} / (({1} + {2}) / 2)", "ratio"),
    ("return on assets", r"return on (?:total )?assets|\broa\b", (("net income", 0), ("total assets", 0),
                                                                  ("total assets", 1)),
     lambda v: v[0] / ((v[1] + v[2]) / 2), "{0} / (({1} + {2}) / 2)", "ratio"),
    ("return on equity", r"return on (?:shareholders'? |stockholders'? )?equity|\broe\b",
     (("net income", 0), ("shareholders' equity", 0), ("shareholders' equity", 1)),
     lambda v: v[0] / ((v[1] + v[2]) / 2), "{0} / (({1} + {2}) / 2)", "ratio"),
    ("quick ratio", r"quick ratio|acid.test ratio", (("total current assets", 0), ("inventories", 0),
                                                      ("total current liabilities", 0)),
     lambda v: (v[0] - v[1]) / v[2], "({0} - {1}) / {2}", "ratio"),
    ("EBITDA margin", r"ebitda\s*%?\s*margin", (("operating income", 0), ("depreciation and amortization", 0),
                                                  ("revenue", 0)),
     lambda v: 100 * (v[0] + v[1]) / v[2], "({0} + {1}) / {2}", "percent"),
    ("EBITDA less capex", r"ebitda (?:less|minus) capex", (("operating income", 0),
                                                          ("depreciation and amortization", 0),
                                                          ("capital expenditure", 0)),
     lambda v: v[0] + v[1] - abs(v[2]), "{0} + {1} - |{2}|", "amount"),
    ("free cash flow", r"free cash flow|\bfcf\b", (("operating cash flow", 0), ("capital expenditure", 0)),
     lambda v: v[0] - abs(v[1]), "{0} - |{1}|", "amount"),
    ("EBITDA", r"\bebitda\b", (("operating income", 0), ("depreciation and amortization", 0)),
     lambda v: v[0] + v[1], "{0} + {1}", "amount"),
    ("effective tax rate", r"effective tax rate|\betr\b", (("income tax expense", 0), ("pretax income", 0)),
     lambda v: 100 * v[0] / v[1], "{0} / {1}", "percent"),
    # short-term borrowings and finance leases, printed apart by some, are left out: never sure
    ("total debt", r"(?<!term )\b(?:total )?debt\b(?!\s*(?:-|to\b|securities|ratio|/))",
     (("current portion of long-term debt", 0), ("long-term debt", 0)), lambda v: abs(v[0]) + abs(v[1]),
     "{0} + {1}", "amount"),
)
_APPROXIMATE = {"total debt"}


@dataclass(frozen=True)
class Metric:
    name: str  # what the answer calls it
    items: tuple[Item, ...]  # the inputs' line items
    years: tuple[str, ...]  # the inputs' years, one per input
    compute: Callable[[list[float]], float]
    formula: str  # with {0}, {1}: the inputs as printed
    kind: str  # how the value is shown: "percent", "ratio", "amount" (in the cells' unit) or "days"
    exact: bool = True  # False: an approximation by its definition, never sure (total debt)


def metric_asked(question: str) -> Metric | None:
    """The metric ``question`` asks for, among the small set above, or None."""
    question = without_caveat(question)
    years = sorted(set(fiscal_years(question, plain=True)))
    if not years:
        return None
    if _YEARS_AVERAGE.search(question) and len(years) == 2:  # "FY2018 - FY2020 3 year average of ..."
        return _averaged(_YEARS_AVERAGE.sub(" ", question), years)
    return metric_of(question, years)


def _averaged(question: str, years: list[str]) -> Metric | None:
    """The average of a metric of one year over the years from ``years[0]`` to ``years[-1]``."""
    each = [metric_of(question, [str(year)]) for year in range(int(years[0]), int(years[-1]) + 1)]
    if len(each) > 5 or any(m is None or m.name.startswith(("growth", "CAGR", "average")) for m in each):
        return None
    sizes = [len(m.items) for m in each]
    starts = [sum(sizes[:i]) for i in range(len(each))]

    def compute(values: list[float]) -> float:
        return sum(m.compute(values[at:at + n]) for m, at, n in zip(each, starts, sizes)) / len(each)

    parts = [re.sub(r"\{(\d+)\}", lambda g, at=at: "{%d}" % (int(g.group(1)) + at), m.formula)
             for m, at in zip(each, starts)]
    base = re.sub(r" FY\d{4}$", "", each[0].name)
    name = f"average of {base} over FY{years[0]}-FY{years[-1]}"
    return Metric(name, tuple(i for m in each for i in m.items), tuple(y for m in each for y in m.years), compute,
                  f"({' + '.join(f'[{p}]' for p in parts)}) / {len(each)}", each[0].kind)


def metric_of(question: str, years: list[str]) -> Metric | None:
    """A metric of ``years`` (one, or two for growth and two-year averages)."""
    if _OTHER.search(question) or asks_other_figure(question):
        return None
    of_a_year = _of_a_year(question, years)
    if of_a_year is not None:
        return of_a_year
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
                      (years[-1],) * 2, lambda v: v[0] - v[1], "{0} - {1}", "amount") if len(years) == 1 else None
    item = asked_item(_SHARE_OF_REVENUE.sub(" ", question))
    if item is None:
        return None
    if _SHARE_OF_REVENUE.search(question):
        if len(years) > 1 or item.name == "revenue":
            return None
        return Metric(f"{item.name} as a % of revenue FY{years[-1]}", (item, _ITEM["revenue"]), (years[-1],) * 2,
                      lambda v: 100 * abs(v[0]) / v[1], "|{0}| / {1}", "percent")  # a share: capex's (1,749) too
    return _over_years(question, item, years)


def _of_a_year(question: str, years: list[str]) -> Metric | None:
    """A metric of ``_OF_A_YEAR``, of the latest year named (its definition may name the year before)."""
    for name, pattern, inputs, compute, formula, kind in _OF_A_YEAR:
        if re.search(pattern, question, re.IGNORECASE):
            year = int(years[-1])
            if any(int(y) < year - 1 for y in years):
                return None
            return Metric(f"{name} FY{year}", tuple(_ITEM[item] for item, _ in inputs),
                          tuple(str(year - back) for _, back in inputs), compute, formula, kind,
                          exact=name not in _APPROXIMATE)
    return None


def _ratio(name: str, items: tuple[Item, Item], year: str, percent: bool) -> Metric:
    """``items[0]`` over ``items[1]`` in ``year``."""
    if percent:
        return Metric(name, items, (year, year), lambda v: 100 * v[0] / v[1], "{0} / {1}", "percent")
    return Metric(name, items, (year, year), lambda v: v[0] / v[1], "{0} / {1}", "ratio")


def _over_years(question: str, item: Item, years: list[str]) -> Metric | None:
    """Growth, CAGR or a two-year average of ``item`` (the years asked, else the year before)."""
    if len(years) > 2:
        return None
    old, new = (years[0], years[-1]) if len(years) == 2 else (str(int(years[0]) - 1), years[0])
    span = int(new) - int(old)
    if _CAGR.search(question) and span >= 1:
        return Metric(f"CAGR of {item.name} from FY{old} to FY{new}", (item, item), (new, old),
                      lambda v: 100 * ((v[0] / v[1]) ** (1 / span) - 1), f"({{0}} / {{1}})^(1/{span}) - 1", "percent")
    if _AVERAGE.search(question) and span == 1 and len(years) == 2:
        return Metric(f"average {item.name} of FY{old} and FY{new}", (item, item), (new, old),
                      lambda v: (v[0] + v[1]) / 2, "({0} + {1}) / 2", "amount")
    if _GROWTH.search(question) and span >= 1:
        return Metric(f"growth of {item.name} from FY{old} to FY{new}", (item, item), (new, old),
                      lambda v: 100 * (v[0] - v[1]) / abs(v[1]), "({0} - {1}) / |{1}|", "percent")
    return None


def computed(metric: Metric, document: Sequence[Hit], hits: Sequence[Hit]) -> tuple[list[Found | None], float | None]:
    """Each input's cell (None where not found) and the metric's value (None unless all are)."""
    inputs = [find_figure(item, year, document, hits)[0] for item, year in zip(metric.items, metric.years)]
    if any(found is None for found in inputs):
        return inputs, None
    values = input_values(metric, inputs)
    if len({found.row.unit for found in inputs}) > 1:
        return inputs, None  # different units: no arithmetic across them
    try:
        return inputs, metric.compute(values)
    except (ZeroDivisionError, ValueError):
        return inputs, None


# Costs some statements print as deductions, "(948)" (Lockheed Martin's income tax expense, Amcor's
# cost of sales): a cost, whatever its sign, unless the label says it may be a benefit.
_COSTS = {"cost of sales", "income tax expense"}


def input_values(metric: Metric, inputs: Sequence[Found]) -> list[float]:
    """The inputs' cells as the metric's arithmetic takes them: a cost of ``_COSTS`` printed as a
    deduction is the cost (its magnitude) unless its label says it may be a benefit."""
    return [abs(found.row.cells[found.year].value) if item.name in _COSTS and "benefit" not in found.row.label.lower()
            else found.row.cells[found.year].value for item, found in zip(metric.items, inputs)]


def with_parts(metric: Metric, document: Sequence[Hit], hits: Sequence[Hit]) -> Metric:
    """``metric``, with each gross profit the filing prints no row of computed from its parts,
    revenue - cost of sales (Walmart, Amazon and 3M print no "Gross profit"): the input's place
    takes revenue and cost of sales is added after the others, its arithmetic shown."""
    for i, (item, year) in enumerate(zip(metric.items, metric.years)):
        if item.name == "gross profit" and find_figure(item, year, document, hits)[0] is None:
            return with_parts(_gross_from_parts(metric, i), document, hits)
    return metric


def _gross_from_parts(metric: Metric, i: int) -> Metric:
    n, compute = len(metric.items), metric.compute

    def parts(values: list[float]) -> float:
        return compute([*values[:i], values[i] - values[n], *values[i + 1:n]])

    return replace(metric, items=(*metric.items[:i], _ITEM["revenue"], *metric.items[i + 1:], _ITEM["cost of sales"]),
                   years=(*metric.years, metric.years[i]), compute=parts,
                   formula=metric.formula.replace(f"{{{i}}}", f"({{{i}}} - {{{n}}})"))
