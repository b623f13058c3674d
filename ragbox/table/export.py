"""A review table written out: as JSON, as CSV for a spreadsheet, as Markdown for a memo.

Shared by the CLI (``ragbox table --csv/--md/--json``) and the app's export, so both write the
same file. Every cell keeps its citation: the file, page and section of the quoted sentence and
its exact offsets (into the file's text for .txt/.md, into the page's text for a PDF), and the
offsets of the answer span within it.

A document's text is untrusted: a clause may read ``=cmd|"/C calc"!A0``. The CSV neutralises every
cell a spreadsheet would run as a formula, and the Markdown escapes what would break the table or
render as a link, an image or HTML. The JSON is exact: it is data for programs, not a formula carrier.
"""

from __future__ import annotations

import csv
import io
from typing import Callable

from ragbox.text import fold_spaces, inert_markdown, quote
from ragbox.types import Table, TableCell

PathShown = Callable[[str], str]
CSV_FIELDS = ("answer", "state", "confidence", "quote", "page", "section", "quote_start", "quote_end", "span_start",
              "span_end")
STATE_MARKS = {"found": "", "unsure": " (unsure)", "not found": "not found"}
# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"), with the full-width
# forms some spreadsheets fold into them
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell_dict(cell: TableCell, table: Table) -> dict:
    """One cell with its citation, for JSON and CSV."""
    offsets = cell.file_offsets() or dict.fromkeys(("quote_start", "quote_end", "span_start", "span_end"))
    source = cell.source
    return {"column": table.columns[cell.column], "question": table.questions[cell.column], "state": cell.state,
            "answer": cell.text, "confidence": round(cell.confidence, 4), "quote": cell.quote,
            "page": source.page if source else None, "section": source.section if source else "",
            **offsets, "model_answer": cell.model_text, "kind": cell.kind, "seconds": round(cell.seconds, 3)}


def table_json(table: Table, shown: PathShown = str) -> dict:
    """Every cell exactly as found: JSON is read by programs, never run as a formula, so nothing is
    neutralised (a quote stays the file's text at its offsets)."""
    return {"columns": table.columns, "questions": table.questions, "style": table.style,
            "searched": table.searched, "counts": table.counts(), "seconds": round(table.seconds, 2),
            "rows": [{"path": path, "file": shown(path), "cells": [cell_dict(c, table) for c in row]}
                     for path, row in zip(table.documents, table.cells)]}


def table_csv(table: Table, shown: PathShown = str) -> str:
    """One row per document: its file, then for each question the fields of ``CSV_FIELDS``."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["file"] + [f"{column}: {name}" for column in table.columns for name in CSV_FIELDS]
    writer.writerow([csv_safe(name) for name in header])
    for path, row in zip(table.documents, table.cells):
        values = [shown(path)]
        for cell in row:
            fields = cell_dict(cell, table)
            values += ["" if fields[name] is None else fields[name] for name in CSV_FIELDS]
        writer.writerow([csv_safe(value) for value in values])
    return out.getvalue()


def csv_safe(value):
    """A text cell a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return, after any leading white space) with a ``'`` in front, which makes
    it text; numbers (pages, offsets, confidence) and every other text as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_summary(cell: TableCell, limit: int = 60) -> str:
    """The answer as a one-line cell: the value (a sentence cut short), "(unsure)", or "not found"."""
    if cell.state == "not found":
        return STATE_MARKS["not found"]
    return quote(cell.text, limit) + STATE_MARKS[cell.state]


def table_markdown(table: Table, shown: PathShown = str) -> str:
    """A Markdown table (answers with a [n] note each), then the notes: where each answer is quoted
    from, and the sentence."""
    lines = ["| File | " + " | ".join(escape(c) for c in table.columns) + " |",
             "|---|" + "---|" * len(table.columns)]
    notes: list[str] = []
    for path, row in zip(table.documents, table.cells):
        cells = []
        for cell in row:
            text = escape(cell_summary(cell))
            if cell.source is not None and cell.evidence is not None:
                notes.append(f"[{len(notes) + 1}] {escape(shown(path))}{_where(cell)}: “{escape(cell.quote)}”")
                text += f" [{len(notes)}]"
            cells.append(text)
        lines.append(f"| {escape(shown(path))} | " + " | ".join(cells) + " |")
    questions = [f"- {escape(c)}: {escape(q)}" for c, q in zip(table.columns, table.questions) if c != q]
    out = "\n".join(lines) + "\n"
    if questions:
        out += "\nColumns asked as:\n" + "\n".join(questions) + "\n"
    if notes:
        out += "\n" + "\n".join(notes) + "\n"
    return out


def _where(cell: TableCell) -> str:
    offsets = cell.file_offsets() or {}
    page = f", page {cell.source.page}" if cell.source.page is not None else ""
    section = f", {cell.source.section}" if cell.source.section else ""
    return f"{page}{escape(section)}, chars {offsets['quote_start']}-{offsets['quote_end']}"


def escape(text: str) -> str:
    """``text`` as one Markdown table cell that renders as the text itself: on one line, no ``|``
    that would end the cell, no link, image, code span or HTML."""
    return inert_markdown(fold_spaces(text)).replace("|", "\\|")  # after: its backslash stays single
