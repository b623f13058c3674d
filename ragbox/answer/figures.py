"""A figure of a filing, answered from the cell of its statement: "What was 3M's capex in FY2022?"
-> "$1,749 million (Purchases of property, plant and equipment (PP&E), FY2022, cash-flow
statement, page 52; printed (1,749): cash paid out) [1]".

Asked of a filing (the card of the document the question names is a 10-K, 10-Q or annual report)
for a line item of ``ITEMS`` and a year, the answer is the cell of the row that item is printed as,
in that year's column, read from every statement row of the filing (``statement_rows``). Sure only
when the row's label is one of the item's names as statements print it, the row is in the statement
the item belongs to, the column's period is the year asked (as many cells as the header has
periods) and the unit is printed above it; otherwise the closest rows are shown as unsure; with no
row of the item, or none with the year's column, "not found". Figures computed from cells
(growth, margins, ratios, two-year averages) are in ``metrics``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Sequence

from ragbox.answer.statement_parts import PARTS, summed
from ragbox.answer.statement_rows import Row, rows_of
from ragbox.text import fiscal_years
from ragbox.types import Hit

FILING_KINDS = ("10-k", "10-q", "annual report")
_CACHED_DOCUMENTS = 8
_ROWS_CACHE: OrderedDict[tuple[str, ...], tuple] = OrderedDict()
_CACHE_LOCK = threading.Lock()  # the app asks from worker threads
# A statement shows at most three years (Regulation S-X: three of income and cash flows, two balance
# sheets); a row with more is a five-year summary ("Selected Financial Data"), not the statement.
STATEMENT_YEARS = 3
_WORDS = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)?")


@dataclass(frozen=True)
class Item:
    name: str  # what the answer calls it
    statement: str  # the statement it is a line of (statement_rows.STATEMENTS)
    asked: tuple[str, ...]  # how a question names it
    printed: tuple[str, ...]  # how statements label its row (lower case, words only)


ITEMS = (
    Item("capital expenditure", "cash-flow statement",
         ("capex", "capital expenditure", "capital expenditures", "capital spending", "spend on pp&e",
          "spent on pp&e", "purchases of property plant and equipment", "purchases of pp&e"),
         ("purchases of property plant and equipment", "purchases of property and equipment",
          "purchase of property and equipment", "purchases of property plant and equipment pp&e",
          "payments for property plant and equipment", "additions to property and equipment",
          "capital expenditures", "capital expenditure", "acquisitions of property plant and equipment",
          "purchase of property plant and equipment")),
    Item("revenue", "income statement", ("revenue", "revenues", "net sales", "total revenue", "total net sales",
                                         "total revenues", "net revenue", "net revenues", "sales", "top line"),
         ("total net sales", "net sales", "total revenues", "total revenue", "revenues", "revenue",
          "net revenues", "total net revenue", "total net revenues", "net revenue", "net operating revenues",
          "operating revenues", "total operating revenues", "sales to customers")),
    Item("cost of sales", "income statement", ("cost of sales", "cost of goods sold", "cogs", "cost of revenue",
                                               "cost of revenues", "cost of products sold"),
         ("cost of sales", "cost of goods sold", "total cost of revenue", "cost of revenue", "cost of revenues",
          "cost of products sold", "total cost of sales")),
    Item("gross profit", "income statement", ("gross profit", "gross margin dollars"),
         ("gross profit", "gross margin")),  # Microsoft's income statement prints the amount as "Gross margin"
    Item("operating income", "income statement", ("operating income", "operating profit", "income from operations"),
         ("operating income", "operating profit", "income from operations", "operating income loss",
          "operating loss", "income loss from operations", "loss from operations", "operating earnings",
          "earnings from operations")),
    Item("net income", "income statement", ("net income", "net earnings", "net profit"),
         ("net income", "net earnings", "net income loss", "net income attributable to shareholders", "net loss",
          "net earnings loss", "net loss income", "consolidated net income")),
    Item("operating cash flow", "cash-flow statement",
         ("operating cash flow", "cash flow from operating activities", "cash from operations",
          "cash flow from operations", "net cash provided by operating activities", "operating activities"),
         ("net cash provided by operating activities", "net cash provided by used in operating activities",
          "total cash provided by operating activities", "cash provided by operations",
          "net cash from operating activities", "cash provided by operating activities")),
    Item("depreciation and amortization", "cash-flow statement", ("depreciation and amortization", "d&a"),
         ("depreciation and amortization", "depreciation depletion and amortization",
          "depreciation and amortization expense", "depreciation amortization")),
    Item("inventories", "balance sheet", ("inventories", "inventory"),
         ("inventories", "total inventories", "merchandise inventories", "inventory")),
    Item("total current assets", "balance sheet", ("total current assets", "current assets"),
         ("total current assets",)),
    Item("total current liabilities", "balance sheet", ("total current liabilities", "current liabilities"),
         ("total current liabilities",)),
    Item("total assets", "balance sheet", ("total assets",), ("total assets",)),
    Item("accounts payable", "balance sheet", ("accounts payable", "trade payables"),
         ("accounts payable", "accounts payable trade", "trade payables", "trade accounts payable")),
    Item("cash and cash equivalents", "balance sheet", ("cash and cash equivalents", "cash balance", "cash",
                                                        "cash on hand"),
         ("cash and cash equivalents", "cash and equivalents")),
    Item("shareholders' equity", "balance sheet",
         ("shareholders equity", "stockholders equity", "shareowners equity", "total equity"),
         ("total shareholders equity", "total stockholders equity", "total shareowners equity", "total equity",
          "shareholders equity", "stockholders equity")),
    Item("dividends paid", "cash-flow statement", ("dividends paid", "cash dividends", "dividends to shareholders",
                                                   "dividends", "pay in dividends", "paid in dividends"),
         ("dividends paid", "dividends paid to shareholders", "cash dividends paid", "dividends")),
    Item("pretax income", "income statement",
         ("pretax income", "pre tax income", "income before taxes", "income before income taxes",
          "earnings before income taxes"),
         ("pretax income", "income before income taxes", "income before taxes", "earnings before income taxes",
          "earnings before provision for taxes on income", "income before provision for income taxes",
          "income from continuing operations before income taxes", "income loss before income taxes")),
    Item("income tax expense", "income statement",
         ("income tax expense", "income taxes", "tax expense", "provision for income taxes", "income tax provision"),
         ("income tax provision", "provision for income taxes", "income tax expense", "income taxes",
          "provision for taxes on income", "income tax expense benefit", "provision for benefit from income taxes",
          "income taxes from continuing operations")),
    # the two parts of a balance sheet's debt (``metrics``: total debt); asked alone by their names
    Item("long-term debt", "balance sheet", ("long term debt", "long term borrowings"),
         ("long term debt", "long term debt less current portion", "long term debt excluding current portion",
          "long term debt net of current portion", "long term debt less current maturities", "long term borrowings",
          "long term debt noncurrent")),
    Item("current portion of long-term debt", "balance sheet",
         ("current portion of long term debt", "current maturities of long term debt"),
         ("current portion of long term debt", "current maturities of long term debt", "long term debt due within "
          "one year", "current portion of long term borrowings")),
)
# Labels of an item's row beyond ``printed`` (whole flat labels): the verbs and nouns statements
# combine for one and the same line ("payments to acquire property, plant, and equipment" is
# printed "Additions to property and equipment", "Payments for property and equipment", ...).
_ASSETS = (r"(?:property|properties|plant|equipment|buildings|land|premises|fixed|capital|assets|leasehold|improvements"
           r"|software)")
PATTERNS = {name: re.compile(pattern) for name, pattern in (
    ("capital expenditure", rf"(?:purchases?|payments? (?:for|to acquire)|additions? to|acquisitions? of|"
                            rf"expenditures? for) (?:of )?(?=.*\b(?:property|plant|equipment|buildings)\b)"
                            rf"(?:{_ASSETS}|and|other| )+(?: including (?:internal use )?software.*)?"),
    ("operating cash flow", r"(?:net |total )?cash (?:flows? )?(?:(?:provided|generated|used|from|by|in|for) ?)*"
                            r"(?:operating activities|operations)"),
    ("shareholders' equity", r"total (?!.*\bliabilities\b)(?:[a-z0-9&.]+ ){0,5}(?:shareholders|stockholders|"
                             r"shareowners) equity"),
    ("dividends paid", r"(?:cash )?dividends (?:paid )?(?:to (?:common )?(?:shareholders|stockholders|shareowners)|"
                       r"on common stock)|payments? (?:of|for) (?:cash )?dividends|"
                       r"(?:common stock )?(?:cash )?dividends paid|"
                       r"(?:cash )?dividends (?:paid )?(?:on )?common(?: and preferred)?(?: stock| shares)?"),
    # "Earnings from continuing operations before income tax expense", "Loss before income tax"
    ("pretax income", r"(?:income|earnings|profit|loss)(?: loss| income| earnings)?(?: from continuing operations)? "
                      r"before (?:provision for |benefit from )*(?:income )?tax(?:es)?(?: expense| provision)?"),
)}
# Printed names that hold more than the item asked: "Total equity" adds the non-controlling
# interests to "Total 3M Company shareholders' equity" (3M prints both); a pattern's row as good.
_WIDER = frozenset({"total equity"})
# A question asking for more than a cell: left to the metrics (or to the general answer).
COMPUTED = re.compile(r"\b(?:ratio|margin|turnover|days|dpo|dso|cagr|average|growth|change|increase|decrease|"
                      r"return on|roa|roe|working capital|ebitda|per share|eps|percent|%|compare|drove|why|"
                      r"improv\w*|declin\w*|capital.intensive)\b"
                      r"|^\W*(?:does|do|is|are|has|have|did|was|were)\b", re.IGNORECASE)  # yes/no: asks more

# A figure adjusted from the statements' ("excluding the impact of FX", "organic", "non-GAAP",
# "adjusted"): no cell or formula here is that figure; left to the general answer.
_ADJUSTED = re.compile(r"\b(?:exclud\w*|excluding|ex-\w+|organic\w*|non.?gaap|adjusted|real (?:change|growth))\b",
                       re.IGNORECASE)
# A part of the company or a comparison ("How did JnJ's US sales growth compare to international
# sales growth?"): the consolidated statements' figure is not it.
_PART = re.compile(r"\bcompar\w*|\bsegments?\b|\b(?:international|domestic|foreign) (?:sales|revenues?|segments?|"
                   r"operations|markets?)\b|\b(?:in|from) (?:the )?(?:americas|europe|emea|asia|china|latin america|"
                   r"north america)\b|\bregions?\b|\bgeograph\w*", re.IGNORECASE)
_US = re.compile(r"\b(?:U\.S\.|US)(?=\W|$)")  # upper case only: "help us compute" is no country


def asks_other_figure(question: str) -> bool:
    """Whether ``question`` asks an adjusted figure or a part's (``_ADJUSTED``, ``_PART``)."""
    return bool(_ADJUSTED.search(question) or _PART.search(question) or _US.search(question))


# "If inventory management is not meaningful for the company, then state that and explain why": a
# fallback the question allows, not more it asks (the metric is the answer where it can be computed).
_CAVEAT = re.compile(r"[;,.]?\s*\bif\b[^.?!;]*?\bnot\b[^.?!;]*?\b(?:useful|meaningful|relevant|applicable|"
                     r"something)\b[^.?!]*[.?!]?", re.IGNORECASE)


def without_caveat(question: str) -> str:
    return _CAVEAT.sub(" ", question)


@dataclass(frozen=True)
class Found:
    row: Row
    year: str
    sure: bool
    reason: str  # why not sure: "" when sure


def flat(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower().replace("\u2019", "'").replace("'", "")))


def _phrase(text: str) -> str:
    """``flat`` words between spaces, "cash flow" one word: the bare "cash" (the balance) is not in it."""
    return re.sub(r" cash flows? ", " cash-flow ", f" {flat(text)} ")


def asked_item(question: str) -> Item | None:
    """The line item a question names (its longest name written in it), or None."""
    words = _phrase(question)
    named = [(len(form), item) for item in ITEMS for form in item.asked if _phrase(form) in words]
    return max(named, key=lambda pair: pair[0])[1] if named else None


def label_match(label: str, item: Item) -> int:
    """2: the row is labelled with one of the item's printed names (or ``PATTERNS``); 1: it starts with one
    ("Net income attributable to 3M"); 0: neither."""
    return min(2, _label_level(label, item))


def _label_level(label: str, item: Item) -> int:
    """``label_match``, with 3 for a printed name: "Total shareholders' equity" before the
    pattern's "Total Amcor plc shareholders' equity" (without the non-controlling interests)."""
    words = flat(re.sub(r"\s*\((?:pp&e|net|notes? [^()]*)\)", "", label, flags=re.IGNORECASE))
    words = re.sub(r"\s+net(?: of .*)?$", "", words)
    if words in item.printed:
        return 2 if words in _WIDER else 3
    if item.name in PATTERNS and PATTERNS[item.name].fullmatch(words):
        return 2
    return 1 if any(words.startswith(f"{form} ") for form in item.printed) else 0


def find_figure(item: Item, year: str, document: Sequence[Hit], ranked: Sequence[Hit]) -> tuple[Found | None,
                                                                                                 list[Row]]:
    """The row and column of ``item`` in ``year`` among the ``document``'s passages (``ranked``: the
    retrieved ones, best first, which break ties), and the closest rows when none is sure. A row of
    the statement the item belongs to comes first, then its label: a cash-flow statement's
    "Depreciation and amortization of property and equipment" is the D&A asked, not a note's
    "Depreciation and amortization" column."""
    rank = {hit.chunk_id: i for i, hit in enumerate(ranked)}
    scored, rows = [], _rows(document, ranked)
    for row in rows:
        match = _label_level(row.label, item)
        if match and year in row.cells and not row.cells[year].text.endswith("%"):  # an amount, not a rate
            scored.append(((row.statement == item.statement and len(row.cells) <= STATEMENT_YEARS,
                            match,
                            row.aligned, bool(row.unit), -rank.get(row.hit.chunk_id, len(rank))), row))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    parts = _parts_first(item, year, rows, scored[0] if scored else None)
    if parts is not None:
        return Found(parts, year, False, "sum_of_parts"), [parts, *[r for _, r in scored[:2]]]
    if not scored:
        return None, []
    best_key, best = scored[0]
    rivals = [r for k, r in scored[1:] if k[:4] == best_key[:4] and r.cells[year].value != best.cells[year].value]
    reason = ("other_statement" if not best_key[0] else "row_not_exact" if best_key[1] < 2
              else "period_not_exact" if not best_key[2] else "unit_not_stated" if not best_key[3]
              else "close_second" if rivals else "")
    return Found(best, year, not reason, reason), [r for _, r in scored[:3]]


def _parts_first(item: Item, year: str, rows: Sequence[Row], best: tuple | None) -> Row | None:
    """The item summed from its parts under its heading (``statement_parts``), when its statement
    prints no row of it before that heading (Amcor's "Inventories, net" over two parts, and a
    note's condensed balance sheet with an "Inventories" row pages later)."""
    if item.name not in PARTS:
        return None
    own = [r for r in rows if r.statement == item.statement and len(r.cells) <= STATEMENT_YEARS]
    found = summed(item.name, item.printed, year, own)
    if found is None or (best is not None and best[0][0] and best[1].hit.page <= found[0].hit.page):
        return None  # the statement prints the item's row ("Total inventories") on that page or before
    return found[0]


def statement_start(statement: str, document: Sequence[Hit]) -> Hit | None:
    """The first passage holding a row of the filing's ``statement`` ("income statement"): where
    to look for a line item the statement labels otherwise (a bank prints no "Operating income")."""
    return next((row.hit for row in _rows(document, ())
                 if row.statement == statement and len(row.cells) <= STATEMENT_YEARS), None)


def _rows(document: Sequence[Hit], ranked: Sequence[Hit]) -> list[Row]:
    """The statement rows of the document's passages, read in order (a passage goes on with what
    the one before it on its page printed above), and of retrieved passages of other parts."""
    rows = list(_document_rows(document))
    seen = {hit.chunk_id for hit in document}
    for hit in ranked:
        if hit.chunk_id not in seen:
            rows += rows_of(hit)[0]
    return rows


def _document_rows(document: Sequence[Hit]) -> tuple[Row, ...]:
    """``_rows`` of the document alone, kept for the last few documents: reading a whole 10-K's
    rows takes about half a second, and a metric looks up to ten cells in them."""
    key = tuple(hit.chunk_id for hit in document)  # a re-indexed document has other chunk ids
    with _CACHE_LOCK:
        if key in _ROWS_CACHE:
            _ROWS_CACHE.move_to_end(key)
            return _ROWS_CACHE[key]
    rows: list[Row] = []
    state, page = None, None
    for hit in document:
        found, state = rows_of(hit, state if (hit.path, hit.page) == page else None)
        page = (hit.path, hit.page)
        rows += found
    with _CACHE_LOCK:
        _ROWS_CACHE[key] = tuple(rows)
        while len(_ROWS_CACHE) > _CACHED_DOCUMENTS:
            _ROWS_CACHE.popitem(last=False)
    return tuple(rows)


def figure_question(question: str, kind: str) -> tuple[Item, str] | None:
    """(item, year) when ``question``, asked of a filing (``kind`` of its card), asks for one cell."""
    question = without_caveat(question)
    if kind not in FILING_KINDS or COMPUTED.search(question) or asks_other_figure(question):
        return None
    item, years = asked_item(question), fiscal_years(question, plain=True)
    return (item, years[0]) if item is not None and len(years) == 1 else None


def figure_text(found: Found, number: int, item: Item) -> str:
    """"$1,749 million (Purchases of property, plant and equipment (PP&E), FY2022, cash-flow
    statement, page 52; printed (1,749): cash paid out) [1]"."""
    row, cell = found.row, found.row.cells[found.year]
    amount = cell.text.strip("()-$ ")
    outflow = cell.bracketed and row.statement == "cash-flow statement"
    sign = "" if outflow or cell.value >= 0 else "-"
    unit = {"millions": " million", "thousands": " thousand", "billions": " billion"}.get(row.unit, "")
    value = f"{sign}${amount}{unit}"
    if row.unit == "thousands":
        value += f" ({sign}${abs(cell.value) / 1000:,.1f} million)"
    where = ", ".join(p for p in (row.label, f"FY{found.year}", row.statement or row.title,
                                  f"page {row.hit.page}" if row.hit.page else "") if p)
    notes = [f"printed {cell.text}: cash paid out" if outflow else f"printed {cell.text}: a negative amount"
             if cell.bracketed else ""]
    if not row.unit:
        notes.append("no unit printed above the row")
    note = "; ".join(n for n in notes if n)
    return f"{value} ({where}{'; ' + note if note else ''}) [{number}]"


def row_quote(row: Row, number: int) -> str:
    cells = ", ".join(f"FY{year} {cell.text}" for year, cell in row.cells.items())
    where = ", ".join(p for p in (row.statement, f"page {row.hit.page}" if row.hit.page else "") if p)
    return f"“{row.label}”: {cells} ({where}) [{number}]"

