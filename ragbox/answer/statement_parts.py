"""A line item a statement prints as a heading over its parts, with no total: Amcor's balance sheet
prints "Inventories, net" and under it "Raw materials and supplies  992  1,114" and "Work in
process and finished goods  1,221  1,325", no "Total inventories". The item is the sum of the
parts, read only where each part's label names a part of that item (``PARTS``), and never sure:
no cell holds it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ragbox.answer.statement_rows import Cell, Row

# The parts statements split an item into (lower case words a part's label holds).
PARTS = {"inventories": ("raw material", "work in process", "work-in-process", "finished goods", "finished products",
                         "supplies", "merchandise", "spare parts")}
_HEADING_END = re.compile(r"[\s,:]*(?:net)?[\s:]*$", re.IGNORECASE)


def summed(item_name: str, printed: Sequence[str], year: str, rows: Sequence[Row]) -> tuple[Row, int] | None:
    """The first heading of ``item_name`` (one of its ``printed`` names, alone on its line) whose
    rows below it are its parts, as one row: their cells of ``year`` added, the first part's
    place as its evidence, and where in ``rows`` its first part is; None when there is no such heading."""
    parts = PARTS.get(item_name)
    if not parts:
        return None
    for i, row in enumerate(rows):
        if not _under_heading(row, printed):
            continue
        run = [row]
        for later in rows[i + 1:]:  # on the same page: a passage may end between two parts
            if (later.hit.path, later.hit.page) != (row.hit.path, row.hit.page) or not _is_part(later.label, parts):
                break
            if (later.label, later.cells.get(year)) not in {(r.label, r.cells.get(year)) for r in run}:
                run.append(later)  # passages that overlap repeat a line: counted once
        if all(_is_part(r.label, parts) and year in r.cells for r in run) and len(run) >= 2:
            total = sum(r.cells[year].value for r in run)
            first = run[0].cells[year]
            label = f"{_heading(row)} (sum of {', '.join(r.label for r in run)})"
            return replace(row, label=label, cells={year: Cell(f"{total:,.0f}", first.span)},
                           aligned=all(r.aligned for r in run)), i
    return None


def _heading(row: Row) -> str:
    """The line above ``row`` in its passage."""
    above = row.hit.text[:row.line[0]].rstrip("\n")
    return above.rsplit("\n", 1)[-1].strip()


def _under_heading(row: Row, printed: Sequence[str]) -> bool:
    heading = _HEADING_END.sub("", _heading(row)).lower()
    return bool(heading) and heading in printed


def _is_part(label: str, parts: Sequence[str]) -> bool:
    return any(part in label.lower() for part in parts)
