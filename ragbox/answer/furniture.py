"""Page furniture: the running headers and footers a clause quoted across a page break picks up.

A contract converted to text keeps each page's header and footer ("Source: ACME CORP, 8-K,
3/10/2006", "Page 4 of 12", "- 7 -") in the middle of a clause that runs over the page break. A
"Yes: <the clause>" answer quotes the clause without them: a line is furniture when it looks like a
page number or a filing's source line, or when the same short line stands in three places of the
document or more.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from ragbox.types import Hit

_PAGE_LINE = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d{1,3}|table of contents|"
                        r"source:\s.+\d{1,2}/\d{1,2}/\d{2,4}|\[?\*+\s*\]?\s*confidential.*)$", re.IGNORECASE)
MIN_REPEATS = 3  # places in the document a line must stand in to be a running header or footer
MAX_WORDS = 16  # a header or footer is a short line


def _line(text: str) -> str:
    return " ".join(text.split())


def running_lines(document: Sequence[Hit]) -> frozenset[str]:
    """The short lines standing in at least ``MIN_REPEATS`` places of the document (each place
    counted once, however many overlapping passages hold it)."""
    places: dict[str, set[tuple]] = {}
    for hit in document:
        offset = 0
        for raw in hit.text.splitlines(keepends=True):
            line = _line(raw)
            if line and len(line.split()) <= MAX_WORDS:
                places.setdefault(line, set()).add((hit.path, hit.page, hit.char_start + offset))
            offset += len(raw)
    counts = Counter({line: len(where) for line, where in places.items()})
    return frozenset(line for line, count in counts.items() if count >= MIN_REPEATS)


def without_furniture(text: str, running: frozenset[str] = frozenset()) -> str:
    """``text`` without its page-number lines, source lines and the document's running lines."""
    kept = [raw for raw in text.splitlines() if not (_line(raw) and (_PAGE_LINE.match(_line(raw))
                                                                     or _line(raw) in running))]
    return "\n".join(kept)
