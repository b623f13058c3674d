"""Scanned PDFs: pages with no text layer are read by OCR, offline, and say so."""

import socket

import numpy as np
import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import ReadOptions, load, page_in_context, pages_from_bytes
from ragbox.ingest.loaders.pdf_ocr import with_ocr
from ragbox.ingest.ocr import CachedPageOcr, RapidPageOcr, page_text
from ragbox.paths import locator
from ragbox.types import Hit, Page

from make_files import assert_exact_chunks, write_scan
from support import NDA, FakeOcr


def box(left, top, right, bottom):
    return np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=float)


def test_boxes_become_lines_in_reading_order_and_paragraphs():
    boxes = [box(300, 102, 400, 120), box(10, 100, 200, 121), box(10, 130, 300, 150), box(10, 200, 250, 220)]
    texts = ["Agreement", "1. Term of the", "It runs for two years.", "2. Renewal"]
    assert page_text(boxes, texts) == "1. Term of the Agreement\nIt runs for two years.\n\n2. Renewal"
    assert page_text(None, None) == ""



def test_only_pages_without_a_text_layer_are_read_and_progress_is_reported():
    pages = [Page(1, "A real text layer with enough characters."), Page(2, ""), Page(3, " 3 "), Page(4, "")]
    seen = []
    fake = FakeOcr()
    result = with_ocr(NDA, b"", pages, ReadOptions(ocr=fake, on_ocr=lambda *a: seen.append(a)))
    assert fake.asked == [2, 3, 4]
    assert [(p.number, p.ocr) for p in result] == [(1, False), (2, True), (3, True), (4, True)]
    assert seen == [(NDA.name, 0, 3), (NDA.name, 1, 3), (NDA.name, 2, 3), (NDA.name, 3, 3)]
    fake.asked.clear()
    with_ocr(NDA, b"", pages, ReadOptions(ocr=fake, only_page=4))
    assert fake.asked == [4]  # the passage view reads one page again, not the whole scan


def test_a_page_is_read_by_ocr_once(tmp_path):
    fake = FakeOcr()
    cached = CachedPageOcr(fake, tmp_path / "cache")
    assert list(cached.pdf_pages(b"scan one", [2, 5])) == [(2, f"{fake.text} (2)", 0.9), (5, f"{fake.text} (5)", 0.9)]
    # read from the cache, the confidence too
    assert list(cached.pdf_pages(b"scan one", [5, 3, 2])) == [
        (5, f"{fake.text} (5)", 0.9), (3, f"{fake.text} (3)", 0.9), (2, f"{fake.text} (2)", 0.9)]
    assert fake.asked == [2, 5, 3]  # only the page not read before
    list(cached.pdf_pages(b"another scan", [2]))
    assert fake.asked == [2, 5, 3, 2]
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_a_scan_is_skipped_with_the_reason_when_ocr_is_off(tmp_path):
    scan = write_scan(tmp_path / "scan.pdf")
    with pytest.raises(DocumentError, match="OCR is off, see index.ocr"):
        load(scan)


def test_ocr_failure_is_a_one_line_reason(tmp_path):
    class Broken:
        def pdf_pages(self, data, numbers):
            raise DocumentError("Cannot OCR", "the OCR engine is not installed (No module named 'rapidocr')")
            yield

    scan = write_scan(tmp_path / "scan.pdf")
    with pytest.raises(DocumentError) as info:
        pages_from_bytes(scan, scan.read_bytes(), ReadOptions(ocr=Broken()))
    assert info.value.why == ("no extractable text, and OCR failed: the OCR engine is not installed "
                              "(No module named 'rapidocr')")


@pytest.fixture(scope="module")
def ocr():
    return RapidPageOcr()


@pytest.mark.slow
def test_a_scanned_page_is_read_offline_accurately_and_the_same_every_time(tmp_path, ocr, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("OCR tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    scan = write_scan(tmp_path / "scan.pdf", pages=1)
    options = ReadOptions(ocr=ocr)
    page = pages_from_bytes(scan, scan.read_bytes(), options)[0]
    assert page.number == 1 and page.ocr
    layer = load(NDA).pages[0].text
    assert "MUTUAL NON-DISCLOSURE AGREEMENT" in page.text and "Northwind Analytics Ltd." in page.text
    words = set(layer.split())
    assert len(words & set(page.text.split())) / len(words) > 0.85
    chunk = next(c for c in assert_exact_chunks([page]) if "Bluefin" in c.text)
    hit = Hit("x", str(scan), 1, chunk.char_start, chunk.char_end, chunk.text, 0.5, ocr=True)
    assert locator(hit, [tmp_path]) == "scan.pdf, page 1, OCR"
    assert hit.as_dict()["ocr"] is True
    assert page_in_context(hit, options).span == (chunk.char_start, chunk.char_end)  # read again: same text


@pytest.mark.slow
def test_ocr_progress_comes_back_from_the_parsing_child_and_forget_clears_the_cache(tmp_path, make_engine):
    """Scans are read in the capped parsing child; its page-by-page progress reaches the caller."""
    folder = tmp_path / "docs"
    folder.mkdir()
    write_scan(folder / "scan.pdf", pages=1)
    engine = make_engine(**{"index.ocr": "auto"})
    seen = []
    summary = engine.index([folder], on_progress=lambda p: seen.append((p.ocr_file, p.ocr_done, p.ocr_total,
                                                                         p.ocr_pages, p.ocr_page_seconds > 0)))
    assert summary.ocr_pages == 1 and summary.indexed == [str(folder / "scan.pdf")]
    assert ("scan.pdf", 0, 1, 0, False) in seen and ("scan.pdf", 1, 1, 1, True) in seen  # counted, timed
    cache = engine.index_dir / "ocr-cache"
    assert "Bluefin" in "".join(p.read_text() for p in cache.rglob("*.txt"))
    engine.forget(folder / "scan.pdf")
    assert not list(cache.rglob("*.txt"))  # the OCR'd text of a forgotten scan leaves no bytes either


@pytest.mark.slow
def test_narrowed_lines_and_the_int8_head_read_the_scan_as_well(tmp_path):
    """Lines narrowed before recognition and the recogniser's last layer in int8 (bench/ocr.py
    measures them): the recogniser is given narrower lines, its last MatMul is an integer one, and
    the scan's words are read as they are with neither."""
    import onnx

    from ragbox.ingest.ocr import DEFAULT, OcrSettings

    scan = write_scan(tmp_path / "scan.pdf", pages=1)
    plain = RapidPageOcr(settings=OcrSettings(**{**DEFAULT.__dict__, "int8_head": False, "line_scale": 1.0}),
                         model_folder=tmp_path / "models")
    faster = RapidPageOcr(settings=OcrSettings(**{**DEFAULT.__dict__, "int8_head": True, "line_scale": 0.95}),
                          model_folder=tmp_path / "models")
    widths = {}
    texts = {}
    for name, engine in (("plain", plain), ("faster", faster)):
        recognizer = engine._load()._load_rec_model()
        widths[name] = recognizer.resize_norm_img(np.full((40, 800, 3), 255, np.uint8), 20.0).shape[2]
        texts[name] = next(engine.pdf_pages(scan.read_bytes(), [1]))[1]
    assert widths == {"plain": 960, "faster": 912}  # 48 * 20, then 48 * 20 * 0.95
    head = next((tmp_path / "models").glob("*_int8head_*.onnx"))
    assert "MatMulInteger" in {node.op_type for node in onnx.load(str(head)).graph.node}
    words = set(texts["plain"].split())
    assert len(words & set(texts["faster"].split())) / len(words) > 0.97
    assert "MUTUAL NON-DISCLOSURE AGREEMENT" in texts["faster"]
