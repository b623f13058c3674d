"""Tables as Markdown pipe rows, one row per line, the form the chunker recognises as a table:

    | Fee | Amount | Due |
    |---|---|---|
    | Setup | $500 | on signing |

The first row is the header. A cell's text is one line (its whitespace runs made one space) and
a ``|`` inside it is escaped; short rows are padded so every row has the header's columns.
"""

from __future__ import annotations

from typing import Sequence


def pipe_rows(rows: Sequence[Sequence[str]]) -> str:
    rows = [[" ".join(cell.split()).replace("|", "\\|") for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    lines = [_line(rows[0], width), "|" + "---|" * width]
    lines += [_line(row, width) for row in rows[1:]]
    return "\n".join(lines)


def _line(cells: list[str], width: int) -> str:
    cells = cells + [""] * (width - len(cells))
    return "| " + " | ".join(cells) + " |"
