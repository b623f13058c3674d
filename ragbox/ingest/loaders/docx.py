"""Word (.docx): the body in reading order as one page of text (Word has no reliable pages, so a
passage is cited by its section, the heading above it).

- Headings become Markdown headings (``## 7. Termination``): the chunker starts a section there
  and every passage carries its title.
- List and clause numbering is computed as Word shows it (``1.``, ``1.1``, ``(a)``), bullets become
  ``- ``, so "clause 4.2" is in the text as the reader sees it.
- Tables become Markdown pipe rows, one row per line: the header row, a ``|---|`` separator, then
  each row with its cells in order.
- Tracked changes read as if accepted: insertions kept, deletions dropped.
- Headers and footers appear once (each distinct one), at the top and the end, not per page.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, ReadOptions
from ragbox.ingest.loaders.tables import pipe_rows
from ragbox.types import Page

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_TAGS = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
# Text under these is not in the accepted document (deletions, moved-away text) or is shown
# elsewhere (text boxes are anchored shapes; their alternate content repeats them).
_HIDDEN_UNDER = {f"{W}del", f"{W}moveFrom", f"{W}txbxContent",
                 "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_HEADING_STYLE = re.compile(r"heading\s*(\d)", re.IGNORECASE)
HEADER_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


def pages(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        numbering = _numbering(document)
        blocks = _blocks(document.element.body, document, numbering)
        headers = _distinct(document, HEADER_RELATION)
        footers = _distinct(document, FOOTER_RELATION)
    except Exception as exc:  # python-docx, zipfile and lxml raise many types on damaged files
        raise DocumentError("Skipped", f"unreadable Word file ({type(exc).__name__}: {exc})", path) from exc
    return [Page(None, "\n\n".join(headers + blocks + footers))]


def _blocks(container, document, numbering) -> list[str]:
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    for child in container.iterchildren():
        if child.tag == f"{W}p":
            line = _paragraph_line(Paragraph(child, document), numbering)
            if line:
                blocks.append(line)
        elif child.tag == f"{W}tbl":
            table = pipe_rows([_row_cells(row) for row in child.iterchildren(f"{W}tr")])
            if table:
                blocks.append(table)
        elif child.tag == f"{W}sdt":  # a content control: its content is part of the body
            for content in child.iterchildren(f"{W}sdtContent"):
                blocks.extend(_blocks(content, document, numbering))
    return blocks


def paragraph_text(element) -> str:
    """The accepted text of a ``w:p`` element: runs, insertions and hyperlinks, no deletions."""
    parts = []
    for node in element.iter(*_TEXT_TAGS):
        if node.tag == f"{W}tab" and node.getparent().tag != f"{W}r":
            continue  # a tab stop definition in the paragraph properties, not a tab character
        if any(a.tag in _HIDDEN_UNDER for a in node.iterancestors()):
            continue
        parts.append(node.text or "" if node.tag == f"{W}t" else _TEXT_TAGS[node.tag])
    return "".join(parts)


def _paragraph_line(paragraph, numbering) -> str:
    text = paragraph_text(paragraph._p).strip()
    if not text:
        return ""
    label = numbering.label(paragraph) if numbering else ""
    level = _heading_level(paragraph)
    if level:
        return "#" * level + " " + (label + " " if label else "") + " ".join(text.split())
    return (label + " " if label else "") + text


def _heading_level(paragraph) -> int:
    style = paragraph.style
    while style is not None:
        if style.name == "Title":
            return 1
        match = _HEADING_STYLE.fullmatch(style.name or "") or _HEADING_STYLE.fullmatch(style.style_id or "")
        if match:
            return min(int(match.group(1)), 6)
        style = style.base_style
    outline = paragraph._p.find(f"{W}pPr/{W}outlineLvl")
    return min(int(outline.get(f"{W}val")) + 1, 6) if outline is not None else 0


def _cell_text(cell) -> str:
    return " ".join(t for t in (" ".join(paragraph_text(p).split()) for p in cell.iter(f"{W}p")) if t)


def _row_cells(row) -> list[str]:
    """A row's cell texts, a merged cell repeated for each grid column it spans."""
    out = []
    for cell in row.iterchildren(f"{W}tc"):
        span = cell.find(f"{W}tcPr/{W}gridSpan")
        out.extend([_cell_text(cell)] * (int(span.get(f"{W}val")) if span is not None else 1))
    return out


def _distinct(document, relation: str) -> list[str]:
    """Each distinct header (or footer) text once, in the order of the document's relations."""
    seen: list[str] = []
    for rel in document.part.rels.values():
        if rel.reltype == relation and not rel.is_external:
            lines = [" ".join(paragraph_text(p).split()) for p in rel.target_part.element.iter(f"{W}p")]
            text = "\n".join(line for line in lines if line)
            if text and text not in seen:
                seen.append(text)
    return seen


def _numbering(document):
    from ragbox.ingest.loaders.docx_numbering import Numbering

    try:
        part = document.part.numbering_part
    except (NotImplementedError, KeyError):
        return None
    return Numbering(part.element, W)
