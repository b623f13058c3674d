"""The app's plain-text helpers: summaries, citation links, times."""

from ragbox.ingest.indexer import IndexProgress, IndexSummary
from ragbox.tui.formatting import format_index_summary, format_progress, when_indexed
from ragbox.tui.widgets.chat import link_citations


def test_index_summary_matches_the_cli_wording():
    summary = IndexSummary(indexed=["/d/a.pdf"], unchanged=6, skipped={"/d/x.docx": "unsupported type '.docx'"},
                           pages=3, chunks=9, seconds=1.25)
    assert format_index_summary(summary, ["/d"]) == (
        "Indexed 1 file(s), 6 unchanged, 0 renamed, 0 removed, 1 skipped; 3 pages, 9 new chunks in 1.2s.\n"
        "  skipped x.docx: unsupported type '.docx'")


def test_citations_become_links_only_for_real_sources():
    assert link_citations("A [1] and [7] and [2](x)", 3, 2) == "A [\\[1\\]](source:3:1) and [7] and [2](x)"


def test_when_indexed():
    assert when_indexed(1000, now=1030) == "just now"
    assert when_indexed(1000, now=1000 + 300) == "5 min ago"
    assert when_indexed(1000, now=1000 + 7200) == "2 h ago"


def test_progress_names_the_scan_being_read_by_ocr():
    progress = IndexProgress(files_total=3, files_done=1, pages=4, chunks=20, ocr_file="scan.pdf", ocr_done=1,
                             ocr_total=5)
    assert format_progress(progress) == "1/3 files · 4 pages · 20 chunks · OCR scan.pdf page 2/5"
    progress.ocr_done = 5
    assert format_progress(progress) == "1/3 files · 4 pages · 20 chunks"


def test_a_source_read_by_ocr_or_inside_a_mail_says_so():
    from ragbox.tui.widgets.sources import source_prompt
    from ragbox.types import Hit

    scan = Hit("c", "/d/scans/lease.pdf", 4, 0, 5, "text", 0.51, ocr=True)
    assert source_prompt(2, scan, True, ["/d"]).plain == "● [2] scans/lease.pdf\npage 4, OCR · score 0.51"
    attached = Hit("c", "/d/mail.eml › nda.pdf", 3, 0, 5, "text", 0.4, "7. Term")
    assert source_prompt(1, attached, False, ["/d"]).plain == "○ [1] mail.eml › nda.pdf\npage 3 · score 0.40 · 7. Term"
