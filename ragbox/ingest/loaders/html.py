"""Web pages (.html, .htm): the main text as one page, without scripts, styles or navigation.

The main text is the page's ``<main>`` (or its one ``<article>``), else its body without the
parts that are page furniture (navigation, sidebars, forms, the site header and footer).
Headings become Markdown headings (cited by section, like Word), list items ``- `` or ``1. ``,
tables Markdown pipe rows (see ``tables``), ``<pre>`` is kept as it is; other whitespace is
collapsed as a browser does.
"""

from __future__ import annotations

import re
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, ReadOptions
from ragbox.ingest.loaders.plain_text import decode_text
from ragbox.ingest.loaders.tables import pipe_rows
from ragbox.types import Page

NEVER_TEXT = {"script", "style", "noscript", "template", "head", "nav", "aside", "form", "button", "select",
              "svg", "canvas", "iframe", "object", "dialog", "menu", "title", "meta", "link"}
CHROME = {"header", "footer"}  # page furniture, unless inside the main text (an article's header)
BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "figure", "figcaption", "address", "dl",
          "dt", "dd", "ul", "ol", "li", "hr", "center", "details", "summary", "header", "footer", "body"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace: a no-break space is text
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def pages(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    return [Page(None, html_text(decode_html(path, data), path))]


def decode_html(path: Path, data: bytes) -> str:
    """The page as text: a byte-order mark, else the charset its ``<meta>`` declares, else
    UTF-8 or the detected encoding (as for text files)."""
    declared = _CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(path, data)


def html_text(markup: str, path: Path | None = None) -> str:
    """The main text of an HTML document (also used for e-mails written in HTML)."""
    import lxml.html
    from lxml.etree import ParserError

    markup = _XML_DECLARATION.sub("", markup, count=1)
    if not markup.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError) as exc:
        raise DocumentError("Skipped", f"unreadable HTML ({exc})", path) from exc
    writer = _Writer()
    main = _main_element(root)
    if not main.findall(".//h1"):
        title = root.findtext(".//title")
        if title and title.strip():
            writer.blocks.append("# " + " ".join(title.split()))
    writer.walk(main, in_main=main.tag != "body")
    writer.flush()
    return "\n\n".join(writer.blocks)


def _main_element(root):
    for query in (".//main", ".//*[@role='main']"):
        found = root.find(query)
        if found is not None:
            return found
    articles = root.findall(".//article")
    if len(articles) == 1:
        return articles[0]
    body = root.find("body")
    return body if body is not None else root


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.inline: list[str] = []
        self.prefix = ""

    def add(self, text: str) -> None:
        self.inline.append(_WHITESPACE.sub(" ", text))  # a line break is only where <br> says

    def flush(self) -> None:
        lines = (_WHITESPACE.sub(" ", line).strip(" ") for line in "".join(self.inline).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(self.prefix + text)
        self.inline, self.prefix = [], ""

    def walk(self, element, in_main: bool, list_depth: int = 0) -> None:
        for child in element.iterchildren():
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and not _skipped(child, tag, in_main):
                self._element(child, tag, in_main or tag in ("main", "article"), list_depth)
            if child.tail:
                self.add(child.tail)

    def _element(self, element, tag: str, in_main: bool, list_depth: int) -> None:
        if tag in HEADINGS:
            self.flush()
            self.blocks.append("#" * HEADINGS[tag] + " " + " ".join(element.text_content().split()))
        elif tag == "table":
            self.flush()
            rows = [[cell.text_content() for cell in row.iterchildren("th", "td")
                     for _ in range(_span(cell))] for row in element.iter("tr")]
            table = pipe_rows(rows)
            if table:
                self.blocks.append(table)
        elif tag == "pre":
            self.flush()
            text = element.text_content().strip("\n")
            if text.strip():
                self.blocks.append(text)
        elif tag == "br":
            self.inline.append("\n")
        elif tag in ("ul", "ol"):
            self.flush()
            for number, item in enumerate(element.iterchildren("li"), start=1):
                self.walk_item(item, f"{number}. " if tag == "ol" else "- ", in_main, list_depth)
        elif tag in BLOCKS:
            self.flush()
            if element.text:
                self.add(element.text)
            self.walk(element, in_main, list_depth)
            self.flush()
        else:  # inline: a, b, span, em, …
            if element.text:
                self.add(element.text)
            self.walk(element, in_main, list_depth)

    def walk_item(self, item, marker: str, in_main: bool, list_depth: int) -> None:
        self.flush()
        self.prefix = "  " * list_depth + marker
        if item.text:
            self.add(item.text)
        for child in item.iterchildren():
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("ul", "ol"):
                self.flush()
                self._element(child, tag, in_main, list_depth + 1)
            elif tag and not _skipped(child, tag, in_main):
                self._element(child, tag, in_main, list_depth)
            if child.tail:
                self.add(child.tail)
        self.flush()


def _skipped(element, tag: str, in_main: bool) -> bool:
    if tag in NEVER_TEXT or (tag in CHROME and not in_main):
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if element.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    return bool(_HIDDEN_STYLE.search(element.get("style") or ""))


def _span(cell) -> int:
    try:
        return max(1, min(int(cell.get("colspan", "1")), 50))
    except ValueError:
        return 1
