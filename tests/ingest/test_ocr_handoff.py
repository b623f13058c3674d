"""The OCR cache is written by ragbox, not by the sealed reader (issue 24): a reader child reads
the cache, to reuse pages read before, but cannot write it, so a reader a crafted file takes over
cannot plant text that another scan would be indexed with. The pages it reads by OCR come back to
ragbox, which files them, only under the digest of bytes it has seen. Real reader children, the
real OCR engine on a real scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import ReaderProcess, ReadLimits, ReadOptions
from ragbox.ingest.loaders.ocr_handoff import ParentFiling
from ragbox.ingest.ocr import CachedPageOcr, RapidPageOcr
from ragbox.sealing import escape_attempts

from make_files import write_scan
from support import FakeOcr


def test_a_reader_child_reads_the_ocr_cache_but_cannot_write_into_it(tmp_path):
    cache = tmp_path / "ocr-cache"
    note = tmp_path / "note.txt"
    note.write_text("A note.")
    options = ReadOptions(ocr=CachedPageOcr(RapidPageOcr(), cache))
    with ReaderProcess(ReadLimits()) as reader:
        reader.pages(note, note.read_bytes(), options)  # the child is sealed for this cache
        seal = reader.call(note, escape_attempts, str(tmp_path / "none"), 9)["seal"]
        (cache / "ab").mkdir()
        (cache / "ab" / "page.txt").write_text("a page read before")  # ragbox filed it
        assert reader.call(note, Path.read_text, cache / "ab" / "page.txt") == "a page read before"
        if not seal["filesystem"]["active"]:
            pytest.skip(f"no Landlock here ({seal['filesystem']['detail']}): doctor reports it missing")
        for target in (cache / "planted.txt", cache / "ab" / "planted.txt", cache / "ab" / "page.txt"):
            with pytest.raises(DocumentError, match="refused"):
                reader.call(note, Path.write_text, target, "planted text")
    assert not (cache / "planted.txt").exists() and not (cache / "ab" / "planted.txt").exists()
    assert (cache / "ab" / "page.txt").read_text() == "a page read before"


@pytest.mark.slow
def test_ocr_pages_come_back_to_be_filed_and_are_reused_when_indexed_again(tmp_path, make_engine):
    folder = tmp_path / "docs"
    folder.mkdir()
    write_scan(folder / "scan.pdf", pages=1)
    engine = make_engine(**{"index.ocr": "auto"})
    assert engine.index([folder]).ocr_pages == 1
    pages = list((engine.index_dir / "ocr-cache").rglob("*.txt"))
    assert len(pages) == 1 and "Bluefin" in pages[0].read_text()  # filed by ragbox: the child cannot write
    pages[0].write_text("Reused from the cache: zqcachedword")  # what the next read finds there
    engine.index([folder], rebuild=True)
    text = " ".join(c.text for d in engine.catalog.documents() for c in engine.catalog.chunks_of(d.doc_id))
    assert "zqcachedword" in text and "Bluefin" not in text  # read from the cache, not by OCR again


def test_ragbox_files_a_page_only_under_bytes_it_has_seen(tmp_path):
    """A child may send anything: a page of a scan it was not given is dropped, one inside the
    file it was given is filed once its bytes came along."""
    cache = CachedPageOcr(FakeOcr(), tmp_path / "cache")
    filing = ParentFiling((tmp_path / "mail.eml", b"the mail's bytes", ReadOptions(ocr=cache)))
    other = cache.digest(b"another user's scan")
    filing.receive("ocr-page", other, 1, "planted text", 0.99)
    filing.receive("ocr-page", "../../escape", 1, "planted text", None)
    filing.receive("ocr-page", cache.digest(b"the mail's bytes"), 1, "page one of the mail", 0.9)
    attachment = b"a scan attached to the mail"
    filing.receive("ocr-page", cache.digest(attachment), 1, "the attachment's page", None)  # bytes not sent yet
    filing.receive("ocr-document", attachment)
    filing.receive("ocr-page", cache.digest(attachment), 2, "the attachment's page two", None)
    assert filing.refused == 3
    files = sorted(p.read_text() for p in (tmp_path / "cache").rglob("*.txt"))
    assert files == ["page one of the mail", "the attachment's page two"]
