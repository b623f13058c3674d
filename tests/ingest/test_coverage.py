"""Every page accounted for: a PDF with a text page, a scan with a stamped footer, a blank page,
text drawn as outlines with a footer, and a broken content stream. Each page lands in its state
with its number, read by real OCR, in the index summary, the catalog's ledger, `status`,
`coverage --json` and an answer about the document; a re-index and `forget` keep it right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ragbox.cli import main
from ragbox.ingest.loaders import ReadOptions, pages_from_bytes
from ragbox.ingest.loaders.pdf_marks import OUTLINE_PATH_OPS, page_marks
from ragbox.ingest.loaders.pdf_ocr import MIN_LAYER_CHARS
from ragbox.ingest.ocr import RapidPageOcr

from make_files import OUTLINE_FOOTER, SCAN_FOOTER, write_lease

STATES_WITH_OCR = [(1, "text"), (2, "ocr"), (3, "empty"), (4, "ocr"), (5, "failed")]
UNREAD_WITH_OCR = "Page 5 of lease.pdf could not be read and was not searched."


@pytest.fixture(scope="module")
def lease(tmp_path_factory):
    return write_lease(tmp_path_factory.mktemp("lease") / "lease.pdf")


def test_the_test_pdf_is_what_it_claims(lease):
    """The scan and the outline page carry a text layer the old rule (no text layer) would keep."""
    pages = PdfReader(lease).pages
    assert len(SCAN_FOOTER.replace(" ", "")) >= MIN_LAYER_CHARS <= len(OUTLINE_FOOTER.replace(" ", ""))
    assert SCAN_FOOTER in pages[1].extract_text() and OUTLINE_FOOTER in pages[3].extract_text()
    assert page_marks(pages[1]).image_share > 0.9
    assert page_marks(pages[3]).path_ops >= OUTLINE_PATH_OPS and page_marks(pages[3]).image_share == 0
    assert page_marks(pages[0]).path_ops == 0 and page_marks(pages[0]).image_share == 0


def test_with_ocr_off_the_pictures_of_text_are_unread_and_say_why(lease):
    pages = pages_from_bytes(lease, lease.read_bytes(), ReadOptions(ocr=None))
    assert [(p.number, p.state) for p in pages] == [(1, "text"), (2, "sparse"), (3, "empty"), (4, "sparse"),
                                                    (5, "failed")]
    assert pages[1].reason == pages[3].reason == "a picture of text, not read: OCR is off (index.ocr)"
    assert pages[4].reason == "its text could not be extracted (PdfReadError)"
    assert pages[1].text == SCAN_FOOTER  # the layer there is, kept


def test_each_page_lands_in_its_state_read_by_real_ocr(lease):
    pages = pages_from_bytes(lease, lease.read_bytes(), ReadOptions(ocr=RapidPageOcr()))
    assert [(p.number, p.state) for p in pages] == STATES_WITH_OCR
    assert "2,900 EUR" in pages[1].text and "heating" in pages[3].text
    assert pages[1].ocr and pages[3].ocr and 0.8 < pages[1].confidence <= 1 and 0.8 < pages[3].confidence <= 1
    assert pages[4].reason == "its text could not be extracted (PdfReadError); OCR found no text on it"


def cli(store, *args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env={"RAGBOX_STORE__DIR": str(store)})
    assert result.exit_code == 0, result.output
    return result


def coverage_json(store, *paths) -> list[dict]:
    return json.loads(cli(store, "coverage", "--json", *map(str, paths)).output)


def test_the_ledger_in_the_summary_status_coverage_and_an_answer_then_reindex_and_forget(
        tmp_path, make_engine, monkeypatch):
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    folder = tmp_path / "docs"
    lease = write_lease(folder / "lease.pdf")
    (folder / "memo.txt").write_text("Memo: the office moves to Harbour Street in June.\n")
    engine = make_engine(**{"answer.style": "extract"})
    summary = engine.index([folder])
    assert summary.coverage_line() == "6 pages: 2 text, 2 OCR, 0 unreadable, 1 failed, 1 empty."
    assert summary.coverage_line() in summary.describe()
    assert engine.status()["coverage"] == {"pages": 6, "text": 2, "ocr": 2, "empty": 1, "unreadable": 0,
                                           "failed": 1, "unknown": 0}
    store = tmp_path / "store"
    [found] = coverage_json(store, lease)
    assert {k: found[k] for k in ("path", "pages", "text", "ocr", "empty", "unreadable", "failed", "not_read")} == {
        "path": str(lease.resolve()), "pages": 5, "text": 1, "ocr": 2, "empty": 1, "unreadable": 0, "failed": 1,
        "not_read": [5]}
    assert found["reasons"] == {"5": "its text could not be extracted (PdfReadError); OCR found no text on it"}
    status = cli(store, "status").output
    assert "Pages read:      2 text, 2 OCR, 0 unreadable, 1 failed, 1 empty\n" in status
    doctor = json.loads(cli(store, "doctor", "--quick", "--json").output)["coverage"]
    assert (doctor["status"], doctor["documents"]) == ("warn", [{
        "path": str(lease.resolve()), "not_read": [5], "pages": "5",
        "reasons": ["its text could not be extracted (PdfReadError); OCR found no text on it"]}])

    answer = engine.ask("What is the monthly rent under the lease agreement?")
    assert [d.path for d in answer.resolved] == [str(lease.resolve())]
    assert "1,450 EUR" in answer.text and answer.text.endswith("\n" + UNREAD_WITH_OCR)
    assert answer.as_dict()["searched"]["not_read"] == [{"path": str(lease.resolve()), "pages": [5],
                                                         "line": UNREAD_WITH_OCR}]

    write_lease(lease, scanned=False)  # the scan replaced by a page of text
    engine.index([folder])
    [found] = coverage_json(store, lease)
    assert (found["text"], found["ocr"], found["not_read"]) == (2, 1, [5])
    assert engine.forget(lease) == [str(lease.resolve())]
    assert [Path(d["path"]).name for d in coverage_json(store)] == ["memo.txt"]
    assert engine.catalog.db.execute("SELECT COUNT(*) FROM coverage").fetchone()[0] == 1  # memo.txt's one page


class TablePage:
    """A pypdf page whose layout-mode text comes out empty, as pypdf 7's does on some real pages."""

    def __init__(self, layout: str) -> None:
        self.layout = layout

    def extract_text(self, extraction_mode: str = "plain", **kwargs) -> str:
        plain = "Net income\n5,791\n5,929\nDepreciation\n1,831\n1,915\nTotal\n7,622\n7,844\nCash\n1,200\n1,300"
        return self.layout if extraction_mode == "layout" else plain


def test_a_table_page_keeps_its_plain_text_when_layout_mode_loses_it():
    from ragbox.ingest.loaders.pdf import _page_text

    assert _page_text(TablePage("")).startswith("Net income\n5,791")  # not an empty page sent to OCR
    good = "Net income  5,791  5,929\nDepreciation  1,831  1,915\nTotal  7,622  7,844\nCash  1,200  1,300"
    assert _page_text(TablePage(good)) == good
