"""The rows of a financial statement read back from passages: a row's label, its cells by period,
the unit and the statement they are printed under.

A passage of a statement (``ingest.page_tables``) carries above its text, as context, the page's
title ("Consolidated Statements of Cash Flows"), the unit line ("(in millions, except per share
data)"), the column headers ("2017 | 2018 | 2019") and the row group; the first passage of a page
holds them in its own text. Both are read in order, so each row line of the text gets the years of
the header above it. Cells are matched to periods from the right (statements align numbers to the
right): a row with as many cells as the header has years is read exactly; one with fewer (a blank
cell), or under a header naming a year twice (three and six months), is marked not aligned: its
periods are a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ragbox.types import Hit

_CELL_GAP = re.compile(r"\s*\|\s*|\t+|[ \u00a0]{2,}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_AMOUNT = re.compile(r"\(?-?\$?\s*\d[\d,]*(?:\.\d+)?\)?%?|[\u2014\u2013-]+")
# A count or an amount ("Shares outstanding - December 31, 2022: 549,245,105"): a line holding
# one is a row or a note, never a header, whatever year it names.
_QUANTITY = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])")
_UNIT = re.compile(r"\b(?:in\s+|dollars\s+in\s+|\$\s*in\s+|\()?(millions|thousands|billions)\b", re.IGNORECASE)
STATEMENTS = (  # (what the answer calls it, how a title names it)
    # a statement's title, not "cash flows" in MD&A's summary table ("our cash flows were as follows")
    ("cash-flow statement", re.compile(r"statements?\s*of\s*(?:consolidated\s*)?cash\s*flows?"
                                       r"|cash\s*flows?\s*statements?", re.IGNORECASE)),
    ("balance sheet", re.compile(r"balance\s*sheets?|financial\s*(?:position|condition)", re.IGNORECASE)),
    ("comprehensive income statement", re.compile(r"comprehensive\s*(?:income|loss)", re.IGNORECASE)),
    ("income statement", re.compile(r"statements?\s*of\s*(?:consolidated\s*)?(?:income|operations|earnings)"
                                    r"|income\s*statements?", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Cell:
    text: str  # as printed: "(1,749)", "5,409", "—"
    span: tuple[int, int]  # in the passage's text

    @property
    def value(self) -> float:
        digits = re.sub(r"[^\d.]", "", self.text)
        if not digits:  # a dash: nothing, printed as a dash
            return 0.0
        number = float(digits)
        return -number if self.text.startswith(("(", "-")) else number

    @property
    def bracketed(self) -> bool:
        return self.text.startswith("(")


@dataclass(frozen=True)
class Row:
    hit: Hit
    line: tuple[int, int]  # the row's line in the passage's text
    label: str  # "Purchases of property, plant and equipment (PP&E)"
    cells: dict[str, Cell]  # period ("2018") -> its cell
    aligned: bool  # as many cells as periods in the header
    unit: str  # "millions", "thousands", "billions" or "" (not printed above the row)
    statement: str  # "cash-flow statement", "balance sheet", "income statement", ... or ""
    title: str  # the title line that names the statement, as printed


def statement_of(text: str) -> str:
    for name, pattern in STATEMENTS:
        if pattern.search(text):
            return name
    return ""


def rows_of(hit: Hit, carried: dict | None = None) -> tuple[list[Row], dict]:
    """The rows of a statement in ``hit``, each with the periods of the header above it, and what
    was read above its last line (``carried`` on to the next passage of the same page: a passage
    whose context lacks the header, as when a title's words are printed one a line, takes the
    page's)."""
    state = dict(carried) if carried else {"years": [], "unit": "", "statement": "", "title": "", "recent": []}
    state["years_run"] = False
    for line in hit.context.splitlines():
        _read_heading(line, state)
    rows = []
    offset, above = 0, ""
    for line in hit.text.split("\n"):
        start = offset + len(line) - len(line.lstrip())
        offset += len(line) + 1
        row = _row(hit, line.strip(), start, state)
        if row is not None:
            rows.append(_wrapped(row, above))
            state["years_run"] = False
        elif line.strip():
            _read_heading(line, state)
        above = "" if row is not None else line.strip()
    return rows, state


def _wrapped(row: Row, above: str) -> Row:
    """A label wrapped over two lines ("Additions to property and equipment, net of $53 ... of
    non-cash capital" / "expenditures  (819)  (688)") is one label: the row's own line starts in
    lower case, and the line above it is words with no cell."""
    if above and row.label[:1].islower() and len(above) <= 200 and not _YEAR.search(above[-6:]) and \
            not _CELL_GAP.search(above) and not above.endswith(":"):
        return replace(row, label=" ".join(f"{above} {row.label}".replace("\u00a0", " ").split()))
    return row


def _read_heading(line: str, state: dict) -> None:
    """A header line gives the periods; a unit line the unit; a title the statement (a title
    printed a word a line, "CONSOLIDATED / BALANCE / SHEETS", is read across its last lines)."""
    line = line.replace("\u00a0", " ").strip()
    cells = [c for c in _CELL_GAP.split(line) if c]
    years = _YEAR.findall(line)
    amounts = [c for c in cells if _AMOUNT.fullmatch(c.replace("$", "").strip()) and not _YEAR.fullmatch(c)]
    if years and not amounts and len(line) <= 200 and not _QUANTITY.search(line):
        # years printed one a line ("2018" / "2017") are one header
        state["years"] = state["years"] + years if state.get("years_run") else years
    state["years_run"] = bool(years) and all(_YEAR.fullmatch(c) for c in cells)
    unit = _UNIT.search(line)
    if unit and len(line) <= 120:
        state["unit"] = unit.group(1).lower()
    state["recent"] = [*state["recent"][-3:], line][-4:] if len(line) <= 120 else []
    joined = " ".join(state["recent"])
    statement = statement_of(joined)
    if statement:
        state["statement"], state["title"] = statement, line if statement_of(line) else joined


def _closed(cells: list[str]) -> list[str]:
    """Cells with a bracket printed apart ("(19,800  )", Microsoft's statements) joined again."""
    joined: list[str] = []
    for cell in cells:
        if cell == ")" and joined and joined[-1].startswith("(") and not joined[-1].endswith(")"):
            joined[-1] += ")"
        else:
            joined.append(cell)
    return joined


def _row(hit: Hit, line: str, start: int, state: dict) -> Row | None:
    cells = _closed([c for c in _CELL_GAP.split(line) if c and c != "$"])
    if len(cells) < 2 or not re.search(r"[A-Za-z]", cells[0]) or not state["years"]:
        return None
    # "(2,491 )": a bracket closed after one space (Coca-Cola's statements) is the cell "(2,491)"
    values = [re.sub(r"\s+\)$", ")", c.replace("$", "").strip()) for c in cells[1:]]
    if not all(_AMOUNT.fullmatch(v) for v in values) or not any(re.search(r"\d", v) for v in values):
        return None
    years = state["years"]
    if len(values) > len(years):
        return None
    spans, at = [], start + len(cells[0])
    for value in values:
        # within the row's line: "(2 )" is not the next line's "(2)"; a bracket may close after a
        # space or a gap ("(2,491 )", "(19,800  )")
        cell = re.compile(r"\s*".join(map(re.escape, value))).search(hit.text, at, start + len(line))
        if cell is None:  # printed otherwise than read (a cell joined across a character it dropped): no row
            return None
        spans.append(cell.span())
        at = cell.end()
    by_year = {year: Cell(value, span) for year, value, span in zip(years[-len(values):], values, spans)}
    # a year twice in the header ("Three Months | Six Months": 2023 2022 2023 2022) names two periods
    exact = len(values) == len(years) == len(set(years))
    return Row(hit, (start, start + len(line)), cells[0].replace("\u00a0", " "), by_year, exact,
               state["unit"], state["statement"], state["title"])
