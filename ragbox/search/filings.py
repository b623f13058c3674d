"""The language of financial filings: synonyms of statement line items, and fiscal periods.

An analyst asks for "capital expenditure" or "the income statement"; a 10-K prints "Purchases of
property, plant and equipment" under "Consolidated Statements of Operations". Neither BM25 nor a
small embedding model links the two, so, as ``abbreviations`` does for clinical and contract
terms, a question naming one form also searches the others. Each group below holds names that
standard US GAAP statements use for one and the same line item or statement; a group is added
only when its names mean the same thing wherever they appear, never to fit a particular question.

Fiscal periods: "FY2018", "FY 18", "fiscal 2018", "fiscal year 2018" and "Q2'2023" all name the
year 2018 (or 2023), which is how reports and their file names write it (``3M_2018_10K.pdf``).
"""

from __future__ import annotations

import re
from typing import Sequence

from ragbox.document_cards import DocumentCard
from ragbox.text import fiscal_years  # in the shared text module: the answers read fiscal years too

SYNONYMS: tuple[tuple[str, ...], ...] = (
    # statements
    ("income statement", "statement of income", "statements of income", "statement of operations",
     "statements of operations", "statement of earnings", "statements of earnings", "profit and loss", "p&l"),
    ("balance sheet", "statement of financial position", "statements of financial position"),
    ("cash flow statement", "statement of cash flows", "statements of cash flows"),
    # line items
    ("capital expenditure", "capital expenditures", "capex", "purchases of property, plant and equipment",
     "payments for property, plant and equipment", "additions to property and equipment",
     "capital spending"),
    ("property, plant and equipment", "pp&e", "ppne", "property and equipment"),
    ("revenue", "revenues", "net sales", "net revenue", "net revenues", "total revenues"),
    ("cost of goods sold", "cogs", "cost of sales", "cost of revenue", "cost of revenues",
     "cost of products sold"),
    ("net income", "net earnings", "net profit"),
    ("operating income", "operating profit", "income from operations", "earnings from operations"),
    ("cash from operations", "operating cash flow", "net cash provided by operating activities",
     "cash provided by operations"),
    ("depreciation and amortization", "d&a"),
    ("earnings per share", "eps"),
    ("selling, general and administrative", "sg&a"),
    ("research and development", "r&d"),
    ("shareholders' equity", "stockholders' equity", "shareowners' equity"),
    ("inventory", "inventories", "merchandise inventories"),
    ("accounts payable", "trade payables"),
    ("accounts receivable", "trade receivables"),
    ("dividends paid", "cash dividends", "dividends to shareholders"),
)

_WORDS = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)?")


def _flat(text: str) -> str:
    """Lower-cased words separated by single spaces ("PP&E" -> "pp&e", "plant, and" -> "plant and")."""
    return " ".join(_WORDS.findall(text.lower().replace("\u2019", "'").replace("'", "")))


_GROUPS = [tuple(_flat(name) for name in group) for group in SYNONYMS]


def synonyms(text: str) -> list[str]:
    """The other names of each statement or line item ``text`` names, in order of appearance."""
    flat = f" {_flat(text)} "
    found: list[tuple[int, str]] = []
    for group in _GROUPS:
        hits = [flat.find(f" {name} ") for name in group]
        present = [h for h in hits if h >= 0]
        if present:
            at = min(present)
            found.extend((at, name) for name, hit in zip(group, hits) if hit < 0)
    seen: list[str] = []
    for _, name in sorted(found):
        if name not in seen:
            seen.append(name)
    return seen


# Cards of filings (``ingest.filing_cards``): which of a company's filings a question names.
_FY = re.compile(r"\b(?i:FY)\s*['\u2019]?\s*((?:19|20)?\d\d)\b")
_FORM_ASKED = re.compile(r"\b(10|8|20)[- ]?([KQF])\b", re.IGNORECASE)  # "10-K", "10K", "8-k"
# A quarter a 10-Q reports (the fourth is in the 10-K): "Q2", "Q2'2023", "the second fiscal quarter".
_QUARTER = re.compile(r"(?i)\bq[1-3](?=\b|['\u2019]|(?:19|20)\d\d)|\b(?:first|second|third)\s+(?:fiscal\s+)?quarter")


def years_apart(question: str) -> str:
    """"FY2018", "FY18" written "FY 2018": the year a word of its own, as file names write it."""
    return _FY.sub(lambda m: f"FY {m.group(1) if len(m.group(1)) == 4 else '20' + m.group(1)}", question)


def filing_years(card: DocumentCard) -> tuple[str, ...]:
    """The fiscal years a filing's card says its statements cover, its own first ("2018", "2017"):
    the "FY2018" of its dates (``ingest.filing_cards``); none for other documents."""
    return tuple(d[2:] for d in card.dates if re.fullmatch(r"FY(?:19|20)\d\d", d))


def of_fiscal_year(cards: Sequence[DocumentCard], question: str) -> list[int]:
    """Which of ``cards`` (documents a question named, "3M's 10-K") are of the fiscal year it
    names, by position: the filing of that year (of the latest year named: "from FY2021 to FY2022"
    is in the 2022 report), else the earliest one whose statements cover it; a form named ("8-K")
    first, and with a quarter named ("Q2", "second quarter") the 10-Qs, else a 10-K before a 10-Q.
    Without a year, or none of theirs, all of them (an 8-K or an earnings release has no year)."""
    form, quarterly = _FORM_ASKED.search(question), bool(_QUARTER.search(question))
    wanted = "-".join(form.groups()).lower() if form else "10-q" if quarterly else ""
    chosen = [i for i, c in enumerate(cards) if wanted and c.kind == wanted] or list(range(len(cards)))
    years = {i: quarter_years(cards, i) if cards[i].kind == "10-q" else filing_years(cards[i]) for i in chosen}
    if len(chosen) < 2 or not any(years.values()):
        return chosen
    for year in sorted(fiscal_years(question, plain=True), reverse=True):
        found = [i for i in chosen if years[i][:1] == (year,)] or \
            sorted((i for i in chosen if year in years[i]), key=lambda i: years[i][0])[:1]
        if found:
            return [i for i in found if (cards[i].kind == "10-q") == quarterly] or found
    return chosen


def quarter_years(cards: Sequence[DocumentCard], i: int) -> tuple[str, ...]:
    """The fiscal year of the 10-Q ``cards[i]``: with its company's 10-K among ``cards``, the one
    year ending on the 10-K's day after the quarter ("Q2 FY2024" of a year ending in February
    ended July 29, 2023; a year ending in the first days of January ends in December), else the
    years its card gives."""
    quarter, company = _end(cards[i]), cards[i].parties[:1]
    annual = next((_end(c) for c in cards if c.kind == "10-k" and c.parties[:1] == company and _end(c)), None)
    if not (quarter and annual and company):
        return filing_years(cards[i])
    year_end = (12, 31) if annual[1:] <= (1, 7) else annual[1:]
    return (str(quarter[0] + (quarter[1:] > year_end)),)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _end(card: DocumentCard) -> tuple[int, int, int] | None:
    """(year, month, day) of the period's end a filing's card gives first ("July 29, 2023")."""
    match = re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4})", card.dates[0]) if card.dates else None
    month = match.group(1).lower() if match else ""
    return (int(match.group(3)), _MONTHS.index(month) + 1, int(match.group(2))) if month in _MONTHS else None
