"""What a reader sees above a passage: a page's title and a table's column headers.

Two kinds of table are recognised in a page's text:

- Markdown pipe tables (``| Fee | Amount | Due |``, then ``|---|---|---|``, then one line a row),
  as the DOCX and HTML loaders write them;
- aligned tables, as a PDF's layout-mode text or a plain-text file shows them: rows of a label
  and cells set apart by two or more spaces, the last cells numbers or amounts
  (``Purchases of property, plant and equipment  (1,749)  (1,603)  (1,501)``), under header
  lines of column titles such as years and units (``(Millions)  2022  2021  2020``).

A table's rows are chunked by rows and each chunk carries the header (and the row group label in
force, e.g. "Cash Flows from Investing Activities") as context, so a row of numbers keeps its
years, units and statement. Nothing here changes the page text: every position is an offset.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_CELL_GAP = re.compile(r"\t+|[ \u00a0]{2,}")
# A cell holding a number, an amount or a placeholder: "(1,749)", "$ 5,791", "25 %", "—", "$".
_NUMERIC = re.compile(r"[$€£¥]?\s*\(?[-+]?[$€£¥]?\s*\d[\d,]*(?:\.\d+)?\)?\s*%?|[$€£¥%#\u2014\u2013-]+|n/?[am]")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A column title: a year, a period or a comparison ("Q4", "2022 vs. 2021", "Full Year", "% Change").
_HEADER_CELL = re.compile(
    r"(?:fiscal\s+|fy\s*)?(?:19|20)\d\d\b.*|q[1-4]\b.*|.*\b(?:change|year|quarter|months|weeks|ended|total)\b.*"
    r"|\(?(?:in\s+)?(?:\$\s*in\s+)?(?:millions|thousands|billions)\b.*", re.IGNORECASE)
_UNITS = re.compile(r"\b(?:millions|thousands|billions|except per share|years? ended|months ended|as of)\b",
                    re.IGNORECASE)
_PIPE_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*")
_PIPE_SEPARATOR = re.compile(r"[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t]*")
MAX_LABEL_CHARS = 120  # longer lines are prose, not a row label or a title
MAX_HEADER_LINES = 4
MIN_ROWS = 3  # fewer aligned rows are not worth treating as a table
TITLE_LINES = 3
MAX_TITLE_CHARS = 60
MAX_LONG_TITLE_CHARS = 90
RUNNING_SHARE = 0.15  # a line at the top of this share of a document's pages is a running header


@dataclass
class Table:
    start: int  # offset of the first row's line
    end: int  # end of the last row's line
    header: str  # the column titles, one header line a line, cells joined by " | "
    rows: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each row line
    labels: dict[int, str] = field(default_factory=dict)  # row start -> the row group label above it


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # without the newline
    text: str  # stripped

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in _CELL_GAP.split(self.text) if c.strip()]


def lines_of(text: str) -> list[_Line]:
    found, start = [], 0
    for piece in text.split("\n"):
        end = start + len(piece)
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            found.append(_Line(start + lead, start + lead + len(stripped), stripped))
        else:
            found.append(_Line(start, start, ""))
        start = end + 1
    return found


def find_tables(text: str) -> list[Table]:
    """The tables of a page's text, in order, pipe tables and aligned tables alike."""
    lines = lines_of(text)
    tables = _pipe_tables(lines)
    taken = {i for t in tables for i, line in enumerate(lines) if t.start <= line.start < t.end}
    tables += _aligned_tables(lines, taken)
    return sorted(tables, key=lambda t: t.start)


def _pipe_tables(lines: list[_Line]) -> list[Table]:
    tables = []
    i = 0
    while i + 1 < len(lines):
        if _PIPE_ROW.fullmatch(lines[i].text) and _PIPE_SEPARATOR.fullmatch(lines[i + 1].text):
            header = " | ".join(c.strip() for c in lines[i].text.strip().strip("|").split("|"))
            j = i + 2
            rows = []
            while j < len(lines) and _PIPE_ROW.fullmatch(lines[j].text):
                rows.append((lines[j].start, lines[j].end))
                j += 1
            if rows:
                tables.append(Table(rows[0][0], rows[-1][1], header, rows))
            i = j
        else:
            i += 1
    return tables


def _kind(line: _Line) -> str:
    """'row' (a label, then numbers), 'header' (column titles), 'label' (a short line of words,
    e.g. a row group), 'blank' or 'prose'."""
    if not line.text:
        return "blank"
    cells = line.cells
    numeric = [bool(_NUMERIC.fullmatch(c)) for c in cells]
    words = numeric.index(True) if True in numeric else len(cells)  # the label's cells come first
    amounts = any(n and not _YEAR.fullmatch(c.strip("()$ ")) for c, n in zip(cells, numeric))
    if amounts and len(cells) >= 2 and words <= 3 and all(numeric[words:]):
        return "row"
    if len(cells) >= 2 and not amounts and len(line.text) <= 2 * MAX_LABEL_CHARS and (
            len(cells) >= 3 or any(n or _HEADER_CELL.fullmatch(c) for c, n in zip(cells[1:], numeric[1:]))):
        return "header"
    if len(line.text) <= MAX_LABEL_CHARS and not line.text.endswith((".", ";")):
        return "header" if _UNITS.search(line.text) and len(line.text) <= 60 else "label"
    return "prose"


def _aligned_tables(lines: list[_Line], taken: set[int]) -> list[Table]:
    kinds = ["taken" if i in taken else _kind(line) for i, line in enumerate(lines)]
    tables: list[Table] = []
    current: Table | None = None
    label = ""
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if kind == "row":
            if current is None:
                current = Table(line.start, line.end, _header_above(lines, kinds, i))
            if label:
                current.labels[line.start] = label
            current.rows.append((line.start, line.end))
            current.end = line.end
        elif kind == "label":
            label = line.text
        elif kind != "blank":  # prose, a new header or another table ends this one
            _close(current, tables)
            current, label = None, ""
    _close(current, tables)
    return tables


def _close(table: Table | None, tables: list[Table]) -> None:
    if table is not None and len(table.rows) >= MIN_ROWS:
        tables.append(table)


def _header_above(lines: list[_Line], kinds: list[str], first_row: int) -> str:
    """The header lines above a table's first row, over blank lines and row group labels."""
    found: list[str] = []
    i = first_row - 1
    while i >= 0 and len(found) < MAX_HEADER_LINES and first_row - i <= 2 * MAX_HEADER_LINES:
        if kinds[i] == "header":
            found.insert(0, " | ".join(lines[i].cells))
        elif kinds[i] == "label" and found:
            break
        elif kinds[i] not in ("blank", "label"):
            break
        i -= 1
    return "\n".join(found)


def running_lines(page_texts: list[str]) -> set[str]:
    """Lines at the top of many pages of one document ("Table of Contents", the company's name):
    a running header says nothing about the page it is on."""
    if len(page_texts) < 3:
        return set()
    counts: Counter = Counter()
    for text in page_texts:
        counts.update({line.text for line in lines_of(text) if line.text}.intersection(_top_lines(text, 4)))
    return {line for line, n in counts.items() if n >= max(3, RUNNING_SHARE * len(page_texts))}


def _top_lines(text: str, n: int) -> list[str]:
    return [line.text for line in lines_of(text) if line.text][:n]


def page_title(text: str, running: set[str]) -> tuple[str, int]:
    """The title lines at the top of a page ("3M Company and Subsidiaries / Consolidated Statement
    of Cash Flows / Years ended December 31") and the offset where they end: up to three short
    lines, each starting with a capital or a digit, that are not running headers or table rows."""
    titles: list[str] = []
    end = 0
    for line in lines_of(text):
        if not line.text or line.text in running:
            continue
        if len(titles) == TITLE_LINES or not _title_line(line):
            break
        titles.append(line.text)
        end = line.end
    return "\n".join(titles), end


def _title_line(line: _Line) -> bool:
    if not (line.text[:1].isupper() or line.text[:1].isdigit()) or len(line.cells) > 1:
        return False
    if len(line.text) <= MAX_TITLE_CHARS and not line.text.endswith((",", ";", ":")):
        # A full stop ends a sentence, unless the line is a name: "Northwind Widgets Inc."
        return not line.text.endswith(".") or len(line.text.split()) <= 4
    # A longer one is a title only without a sentence in it: not a line of wrapped prose.
    return len(line.text) <= MAX_LONG_TITLE_CHARS and ". " not in line.text and line.text[-1:].isalnum()


def continued(text: str, title: tuple[str, int], tables: list[Table], before: tuple[str, Table] | None,
              running: set[str]) -> tuple[tuple[str, int], tuple[str, Table] | None]:
    """A statement spread over two pages prints its column headers (and often its title) on the
    first only: a page whose first table has no header and opens the page (nothing above it but
    running lines and a title) continues the previous page's last table, and takes its header, and
    its title above the page's own (a row group label or "(continued)" read as one). Returns the
    page's title and what the next page may continue."""
    if tables and before is not None and not tables[0].header and _opens_page(text, title[1], tables[0], running):
        tables[0].header = before[1].header
        own = [line for line in title[0].splitlines() if line not in before[0].splitlines()]
        title = ("\n".join([*before[0].splitlines(), *own]), title[1])
    headed = [t for t in tables if t.header]
    return title, ((title[0], headed[-1]) if headed else None)


def _opens_page(text: str, title_end: int, table: Table, running: set[str]) -> bool:
    between = [line for line in lines_of(text[title_end:table.start]) if line.text and line.text not in running]
    return len(between) <= 1  # a row group label ("Cash Flows from Financing Activities") may head it
