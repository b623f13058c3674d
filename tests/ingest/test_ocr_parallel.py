"""A scan's pages are read by OCR in several sealed child processes at once, with the same text."""

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import ReaderProcess, ReadLimits, ReadOptions, pages_from_bytes
from ragbox.ingest.ocr import CachedPageOcr, RapidPageOcr
from ragbox.ingest.ocr_parallel import ParallelPageOcr, page_ranges

from make_files import write_scan


def test_pages_are_cut_into_consecutive_ranges():
    assert page_ranges([1, 2, 3, 4, 5], 2) == [[1, 2, 3], [4, 5]]
    assert page_ranges([2, 7], 3) == [[2], [7]]


@pytest.fixture(scope="module")
def scan_and_serial(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan")
    scan = write_scan(folder / "scan.pdf", pages=4)
    serial = RapidPageOcr(model_folder=folder / "models")
    return scan, folder / "models", list(serial.pdf_pages(scan.read_bytes(), [1, 2, 3, 4]))


@pytest.mark.slow
def test_a_scan_is_read_in_parallel_children_with_the_text_read_serially(scan_and_serial, tmp_path):
    scan, models, serial = scan_and_serial
    assert [number for number, *_ in serial] == [1, 2, 3, 4] and all(text for _, text, _ in serial)
    parallel = ParallelPageOcr(RapidPageOcr(model_folder=models), processes=2)
    cached = CachedPageOcr(parallel, tmp_path / "cache")
    read = list(cached.pdf_pages(scan.read_bytes(), [1, 2, 3, 4]))
    assert sorted(parallel.read_by.values()) == [[1, 2], [3, 4]]  # two children, one range each
    assert sorted(read) == sorted(serial)
    again = cached.pdf_pages(scan.read_bytes(), [1, 2, 3, 4])  # from the cache (scores kept to 4 places)
    assert [(number, text) for number, text, _ in again] == [(number, text) for number, text, _ in serial]


@pytest.mark.slow
def test_a_sealed_reader_spreads_a_scan_over_sealed_ocr_children(scan_and_serial, tmp_path):
    """The real path: the parsing child meets the scan and hands its pages to children of its own."""
    scan, models, serial = scan_and_serial
    cache = CachedPageOcr(ParallelPageOcr(RapidPageOcr(model_folder=tmp_path / "cache" / "models"), processes=2),
                          tmp_path / "cache")
    seen = []
    options = ReadOptions(ocr=cache, on_ocr=lambda *report: seen.append(report))
    cache.build_models()  # as the parser does: a sealed reader may read the cache's models, not write them
    with ReaderProcess(ReadLimits(reader_memory_bytes=3 * 2**30)) as reader:
        pages = reader.call(scan, pages_from_bytes, scan, scan.read_bytes(), options)
    assert [(page.number, page.text) for page in pages] == [(number, text) for number, text, _ in serial]
    assert all(page.ocr for page in pages)
    assert seen == [("scan.pdf", done, 4) for done in range(5)]  # every OCR'd page counted as it came


class Unpicklable(RapidPageOcr):
    """An engine the OCR children cannot rebuild (this test module is not on their import path):
    every child fails, as a child that crashes or runs out of memory does."""

    def build_models(self):
        pass


def test_a_failing_ocr_child_leaves_its_pages_failed_with_the_reason(tmp_path):
    scan = write_scan(tmp_path / "scan.pdf", pages=2, dpi=50)
    options = ReadOptions(ocr=ParallelPageOcr(Unpicklable(model_folder=tmp_path / "models"), processes=2))
    with pytest.raises(DocumentError) as info:
        pages_from_bytes(scan, scan.read_bytes(), options)
    assert info.value.why.startswith("no extractable text, and OCR failed: unreadable (")


@pytest.mark.slow
def test_ocr_children_get_no_more_memory_than_the_reader_that_starts_them(tmp_path):
    """A child cannot raise the memory cap it inherits: asked for more, it would die at its start."""
    scan = write_scan(tmp_path / "scan.pdf", pages=2, dpi=100)
    ocr = ParallelPageOcr(RapidPageOcr(model_folder=tmp_path / "models"), ReadLimits(reader_memory_bytes=5 * 2**30),
                          processes=2)
    with ReaderProcess(ReadLimits(reader_memory_bytes=2 * 2**30, seal=False)) as reader:
        pages = reader.call(scan, pages_from_bytes, scan, scan.read_bytes(), ReadOptions(ocr=ocr))
    assert [(page.number, page.state) for page in pages] == [(1, "ocr"), (2, "ocr")]
    assert pages[0].text.startswith("MUTUAL NON-DISCLOSURE AGREEMENT")
