"""A PDF page's drawing is parsed once: a table page, read as plain text and again in layout
mode, gives the same text as when pypdf parsed it twice, with one parse fewer per table page."""

from __future__ import annotations

import contextlib

from pypdf.generic import ContentStream
from ten_k import write_10k

from ragbox.ingest.loaders import pdf

from support import NDA


def read_counting_parses(path, monkeypatch, once: bool) -> tuple[list, int]:
    parses = []
    original = ContentStream._parse_content_stream

    def counted(self, *args, **kwargs):
        parses.append(1)
        return original(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(ContentStream, "_parse_content_stream", counted)
        if not once:  # as before: every reading of a page parses it again
            patch.setattr(pdf, "parsed_once", contextlib.nullcontext)
        pages = pdf.pages(path, path.read_bytes())
    return [(p.number, p.text, p.state) for p in pages], len(parses)


def test_a_table_page_is_parsed_once_and_reads_the_same(tmp_path, monkeypatch) -> None:
    filing = write_10k(tmp_path / "10k.pdf", 2023, notes="Revenue grew on higher volumes. " * 20)
    before, parses_before = read_counting_parses(filing, monkeypatch, once=False)
    after, parses_after = read_counting_parses(filing, monkeypatch, once=True)
    tables = sum(pdf.looks_tabular(text) for _, text, _ in after)
    assert tables >= 3  # the statements
    assert after == before
    assert parses_after == parses_before - tables


def test_prose_pages_read_the_same(monkeypatch) -> None:
    before, parses_before = read_counting_parses(NDA, monkeypatch, once=False)
    after, parses_after = read_counting_parses(NDA, monkeypatch, once=True)
    assert after == before and parses_after == parses_before
