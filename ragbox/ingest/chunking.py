"""Splitting a page into chunks that respect sentences, paragraphs, section headings and tables.

Every chunk is an exact span of its page (``page.text[char_start:char_end] == chunk.text``) and
holds at most ``max_tokens`` tokens of the embedding model, counted with its own tokenizer. A
chunk never crosses a section heading when it can help it, and carries the heading it sits under.
A table is chunked by whole rows, never mixed with prose, and each of its chunks carries the
table's headers as ``context`` (see ``ingest.page_tables``); every chunk of a PDF page carries the
page's title, unless it holds the title itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Protocol

from ragbox.config import ChunkingSettings
from ragbox.ingest.chunk_tokens import with_page_ids
from ragbox.ingest.page_tables import Table, continued, find_tables, page_title, running_lines
from ragbox.text import fold_spaces
from ragbox.types import Chunk, Page

# Bumped whenever chunks come out differently for the same settings (2: tables and context; 3: a
# statement continued on the next page keeps its title and column headers), so that existing
# indexes re-chunk at the next run, as after a change of settings.
CHUNKING_VERSION = 3
MAX_CONTEXT_CHARS = 400
# A page longer than this is chunked block by block, so tokenizing a huge file (a log, a
# multi-megabyte line) never holds more than one block's tokens; ordinary pages are one block.
BLOCK_CHARS = 1_000_000
CHECK_BATCH = 4096  # chunks re-counted in one tokenizer batch (bounds that batch's memory too)

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital, digit or
# opening mark. Abbreviations split now and then; a split sentence still stays in one chunk
# unless the chunk is full.
_SENTENCE_END = re.compile(r"[.!?;][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_LINE = re.compile(r"\n")
_HEADING = re.compile(
    r"""^[ \t]*(?:
        \#{1,6}[ \t]+\S.{0,100}                                   # markdown heading
      | (?:ARTICLE|Article|SECTION|Section)[ \t]+[0-9IVXLC]+\b.{0,100}  # ARTICLE IV ...
      | \d{1,2}(?:\.\d{1,2}){0,3}\.?[ \t]+[A-Z][^\n.]{0,80}         # 12.3 Termination
      | [A-Z][A-Z0-9 &/(),'-]{2,50}:(?=\s)                           # PLAN: / HISTORY OF PRESENT ILLNESS:
      | [A-Z][A-Z0-9 &/(),'-]{2,50}[ \t]*$                           # ASSESSMENT (alone on its line)
    )""",
    re.VERBOSE | re.MULTILINE,
)


class TokenSpans(Protocol):
    def spans(self, text: str) -> list[tuple[int, int]]: ...

    def encoded(self, text: str) -> tuple[list[tuple[int, int]], list[int] | None]: ...

    def ids(self, texts: list[str]) -> list[list[int]]: ...


@dataclass
class _Unit:
    start: int
    end: int
    tokens: int
    heading: str = ""  # set when this unit is a heading line
    table: int | None = None  # index of the table this unit is a line of


_MINOR_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def heading_at(text: str, start: int) -> str:
    """The heading title starting at ``start`` in ``text`` if that line is one, else ''."""
    match = _HEADING.match(text, start)
    if not match:
        return ""
    title = match.group(0).strip().lstrip("#").strip().rstrip(":")
    if title[:1].isdigit() and not _title_cased(title):
        return ""  # "2.1 The Receiving Party shall ..." is a numbered sentence, not a heading
    return title[:100]


def _title_cased(title: str) -> bool:
    words = [w for w in title.split()[1:] if w.lower() not in _MINOR_WORDS and w[:1].isalpha()]
    return bool(words) and len(words) <= 10 and sum(w[0].isupper() for w in words) / len(words) >= 0.75


class Chunker:
    def __init__(self, tokenizer: TokenSpans, max_tokens: int,
                 overlap_tokens: int = ChunkingSettings.overlap_tokens,
                 structure: bool = ChunkingSettings.structure) -> None:
        if max_tokens < 8:
            raise ValueError("max_tokens must be at least 8")
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.overlap_tokens = min(overlap_tokens, max_tokens // 4)
        # A heading closes the chunk only once it holds this much: tiny sections (a note's
        # "DOB:" line) join their neighbours instead of becoming chunks too small to match.
        self.min_section_tokens = max_tokens // 3
        self.structure = structure

    @property
    def settings_key(self) -> str:
        """Changes whenever these settings would cut a file differently."""
        return f"{self.max_tokens}/{self.overlap_tokens}/{int(self.structure)}/v{CHUNKING_VERSION}"

    def chunk_pages(self, pages: list[Page]) -> list[Chunk]:
        chunks: list[Chunk] = []
        unchecked: list[Chunk] = []
        texts = {page.number: page.text for page in pages}
        section = ""
        running = running_lines([page.text for page in pages if page.number is not None])
        before: tuple[str, Table] | None = None  # the previous page's title and its last table with a header
        for page in pages:
            blocks = _blocks(page.text)
            # A page of several blocks is a log or a dump, not a statement: no tables, no title.
            tables = find_tables(page.text) if len(blocks) == 1 else []
            # A .txt/.md "page" is the whole file: its first lines are the document's title, not
            # a page's, and the file name already ranks every passage of it.
            title = page_title(page.text, running) if page.number is not None and len(blocks) == 1 else ("", 0)
            if page.number is not None:
                title, before = continued(page.text, title, tables, before, running)
            for low, high in blocks:
                spans, ids = self.tokenizer.encoded(page.text[low:high])  # the only time this text is tokenised
                block_chunks, section = self._chunk_span(page, low, high, [low + s for s, _ in spans], section,
                                                         tables, title)
                unchecked.extend(with_page_ids(block_chunks, page.text, low, high, spans, ids))
                if len(unchecked) >= CHECK_BATCH:
                    chunks.extend(self._enforce_limit(unchecked, texts))
                    unchecked = []
        return chunks + self._enforce_limit(unchecked, texts)

    def _chunk_span(self, page: Page, low: int, high: int, starts: list[int], section: str, tables: list[Table],
                    page_title_at: tuple[str, int]) -> tuple[list[Chunk], str]:
        """The chunks of ``page.text[low:high]`` (a page, or a block of a huge one; tokens at ``starts``)."""
        units = self._units(page.text, starts, tables, low, high)
        heading_starts = [u.start for u in units if u.heading]
        chunks: list[Chunk] = []
        current: list[_Unit] = []  # the chunk being built
        fresh = False  # whether ``current`` holds units no emitted chunk has yet
        current_section = section
        table: int | None = None  # the table ``current`` is part of

        def emit() -> None:
            chunks.append(_chunk_of(page, current, current_section, tables[table] if table is not None else None,
                                    page_title_at, heading_starts))

        for unit in units:
            if unit.table != table:  # a table starts or ends: its rows never share a chunk with prose,
                # except the few lines just above it (its title and header), which open its first chunk
                opens = unit.table is not None and fresh and _tokens(current) < self.min_section_tokens
                if not opens:
                    if fresh:
                        emit()
                    current, fresh = [], False
                table = unit.table
            if unit.heading:
                if _tokens(current) >= self.min_section_tokens or not fresh:
                    if fresh:
                        emit()
                    current, fresh = [], False  # overlap never crosses into a new section
                section = unit.heading
            if current and _tokens(current) + unit.tokens > self.max_tokens:
                if fresh:
                    emit()
                # Table chunks start at a row, with the header as context: no overlap needed.
                current, fresh = (self._overlap(current) if table is None else []), False
                if _tokens(current) + unit.tokens > self.max_tokens:
                    current = []
            if not current:
                current_section = section
            current.append(unit)
            fresh = True
        if fresh:
            emit()
        return chunks, section

    def _overlap(self, units: list[_Unit]) -> list[_Unit]:
        kept: list[_Unit] = []
        total = 0
        for unit in reversed(units[1:]):
            if unit.heading or total + unit.tokens > self.overlap_tokens:
                break
            kept.insert(0, unit)
            total += unit.tokens
        return kept

    def _units(self, text: str, token_starts: list[int], tables: list[Table], low: int, high: int
               ) -> list[_Unit]:
        """Sentences, lines that are headings, table lines and paragraph pieces of
        ``text[low:high]``, each at most max_tokens."""
        cuts = {low, high}
        for pattern in (_PARAGRAPH, _SENTENCE_END):
            cuts.update(m.end() for m in pattern.finditer(text, low, high))
        heading_starts = {m.start() for m in _HEADING.finditer(text, low, high)} if self.structure else set()
        for start in heading_starts:
            cuts.add(start)
            line_end = text.find("\n", start, high)
            cuts.add(high if line_end < 0 else line_end + 1)
        spans = [(t.start, t.end) for t in tables]
        inside = [s for s in cuts if _table_at(spans, s) is not None and s not in (t.start for t in tables)]
        cuts.difference_update(inside)  # inside a table, a unit is a whole line
        for table in tables:
            cuts.update((table.start, table.end))
            cuts.update(m.end() for m in _LINE.finditer(text, table.start, table.end))
        heading_starts.difference_update(inside)
        bounds = sorted(cuts)
        units: list[_Unit] = []
        for raw_start, raw_end in zip(bounds, bounds[1:]):
            start, end = _trim(text, raw_start, raw_end)
            if start >= end:
                continue
            first = bisect.bisect_left(token_starts, start)
            last = bisect.bisect_left(token_starts, end)
            heading = heading_at(text, raw_start) if raw_start in heading_starts else ""
            table = _table_at(spans, start)
            if last - first <= self.max_tokens:
                units.append(_Unit(start, end, last - first, heading, table))
            else:
                pieces = self._split_long(text, start, end, token_starts[first:last])
                pieces[0].heading = heading
                for piece in pieces:
                    piece.table = table
                units.extend(pieces)
        return units

    def _split_long(self, text: str, start: int, end: int, starts: list[int]) -> list[_Unit]:
        """Cut a run of text with no sentence break into pieces, preferring breaks at spaces."""
        pieces: list[_Unit] = []
        index = 0
        while index < len(starts):
            stop = min(index + self.max_tokens, len(starts))
            if stop < len(starts):
                for candidate in range(stop, index + self.max_tokens // 2, -1):
                    if text[starts[candidate] - 1].isspace():
                        stop = candidate
                        break
            piece_end = starts[stop] if stop < len(starts) else end
            piece_start, piece_end = _trim(text, starts[index], piece_end)
            pieces.append(_Unit(piece_start, piece_end, stop - index))
            index = stop
        return pieces

    def _enforce_limit(self, chunks: list[Chunk], pages: dict) -> list[Chunk]:
        """Count every chunk on its own (by the ids its page's tokens gave it, else tokenised
        alone); halve any that the tokenizer sees as too long. A chunk keeps its token ids: the
        embedder reuses them (``Chunk.token_ids``)."""
        result: list[Chunk] = []
        pending = chunks
        while pending:
            tokenised = iter(self.tokenizer.ids([c.text for c in pending if not c.token_ids]))
            found = [c.token_ids or next(tokenised) for c in pending]
            retry: list[Chunk] = []
            for chunk, ids in zip(pending, found):
                if len(ids) <= self.max_tokens:
                    result.append(replace(chunk, token_ids=tuple(ids)))
                else:
                    retry.extend(self._halve(chunk, pages[chunk.page]))
            pending = retry
        result.sort(key=lambda c: ((c.page or 0), c.char_start, c.char_end))
        return result

    def _halve(self, chunk: Chunk, page_text: str) -> list[Chunk]:
        spans = self.tokenizer.spans(chunk.text)
        middle = chunk.char_start + spans[len(spans) // 2][0]
        halves = []
        for start, end in ((chunk.char_start, middle), (middle, chunk.char_end)):
            start, end = _trim(page_text, start, end)
            if start < end:
                halves.append(replace(chunk, char_start=start, char_end=end, text=page_text[start:end], token_ids=()))
        return halves


def embedding_input(chunk: Chunk) -> str:
    """What the embedding model reads for a chunk: its context above its text."""
    return f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text


def _table_at(spans: list[tuple[int, int]], offset: int) -> int | None:
    for index, (start, end) in enumerate(spans):
        if start <= offset < end:
            return index
    return None


def _chunk_of(page: Page, units: list[_Unit], section: str, table: Table | None, page_title_at: tuple[str, int],
              heading_starts: list[int]) -> Chunk:
    """The chunk of ``units`` (in ``section``, part of ``table`` when one is given)."""
    start, end = units[0].start, units[-1].end
    title, title_end = page_title_at
    titles = [] if units[0].heading or not section else [section]
    titles += [u.heading for u in units if u.heading and u.heading not in titles]
    # A page's title heads its tables, and its prose up to the next heading (a chunk that opens
    # with a heading is headed by it); a title that is the chunk's own section heading is carried
    # by ``section`` already.
    headed = any(title_end <= h <= start for h in heading_starts)
    above = [title] if (title and start >= title_end and (table is not None or not headed)
                        and title not in titles) else []
    if table is not None:  # under its page's title, or else its section's
        above += [title or section, table.header, table.labels.get(start, "")]
    return Chunk(page.number, start, end, page.text[start:end], " | ".join(titles),
                 context=_join_context(above, page.text[start:end]))


def _join_context(parts: list[str], text: str) -> str:
    """The context lines, each once, without those the chunk's own text holds (a header line
    "(Millions) | 2022 | 2021" is held by a text that shows it as "(Millions)  2022  2021")."""
    flat = _flat(text)
    lines: list[str] = []
    for part in parts:
        for line in part.splitlines():
            if line and line not in lines and _flat(line) not in flat:
                lines.append(line)
    return "\n".join(lines)[:MAX_CONTEXT_CHARS]


def _flat(text: str) -> str:
    return fold_spaces(text.replace("|", " "))


def _blocks(text: str) -> list[tuple[int, int]]:
    """``text`` as spans of at most BLOCK_CHARS, cut after a blank line, else a line, else a
    space, else anywhere (a megabyte with no space in it is not prose anyway)."""
    spans: list[tuple[int, int]] = []
    low = 0
    while len(text) - low > BLOCK_CHARS:
        limit = low + BLOCK_CHARS
        for mark in ("\n\n", "\n", " "):
            found = text.rfind(mark, low + BLOCK_CHARS // 2, limit)
            if found >= 0:
                cut = found + len(mark)
                break
        else:
            cut = limit
        spans.append((low, cut))
        low = cut
    spans.append((low, len(text)))
    return spans


def _tokens(units: list[_Unit]) -> int:
    return sum(unit.tokens for unit in units)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
