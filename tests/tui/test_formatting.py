"""The app's plain-text helpers: summaries, citation links, times."""

from ragbox.ingest.indexer import IndexProgress, IndexSummary
from ragbox.tui.formatting import format_index_summary, format_progress, when_indexed
from ragbox.tui.widgets.chat import answer_markdown, link_citations
from ragbox.types import Answer, Hit


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
    progress.ocr_page_seconds, progress.ocr_pages = 9.0, 14  # measured on its first page; earlier scans
    assert format_progress(progress) == ("1/3 files · 4 pages · 20 chunks · OCR scan.pdf page 2/5, about 0:36 left"
                                         " · 14 pages OCR'd")
    progress.ocr_done = 5
    assert format_progress(progress) == "1/3 files · 4 pages · 20 chunks"


def test_a_source_read_by_ocr_or_inside_a_mail_says_so():
    from ragbox.tui.widgets.sources import source_prompt
    from ragbox.types import Hit

    scan = Hit("c", "/d/scans/lease.pdf", 4, 0, 5, "text", 0.51, ocr=True)
    assert source_prompt(2, scan, True, ["/d"]).plain == "● [2] scans/lease.pdf\npage 4, OCR · score 0.51"
    attached = Hit("c", "/d/mail.eml › nda.pdf", 3, 0, 5, "text", 0.4, "7. Term")
    assert source_prompt(1, attached, False, ["/d"]).plain == "○ [1] mail.eml › nda.pdf\npage 3 · score 0.40 · 7. Term"


def test_an_answer_for_several_documents_shows_each_on_its_own_paragraph():
    hits = [Hit(f"d{n}:0", f"/c/{name}", None, 0, 5, "text.", 0.5) for n, name in enumerate(("a.txt", "b.txt"))]
    one = Answer("q", "Texas [1]", hits[:1], "m")
    text = "2 documents fit the name; the answer from each:\nIn A (a.txt): Texas [1]\nIn B (b.txt): Ohio [2]"
    both = Answer("q", text, hits, "m", per_document=[one, one])
    assert answer_markdown(both, 4) == ("2 documents fit the name; the answer from each:\n\n"
                                        "In A (a.txt): Texas [\\[1\\]](source:4:1)\n\n"
                                        "In B (b.txt): Ohio [\\[2\\]](source:4:2)")


def test_a_documents_ocr_and_unread_pages_in_one_line():
    from ragbox.coverage import DocumentCoverage, PageRead
    from ragbox.tui.widgets.documents import coverage_line

    reads = (PageRead("", 1, "text"), PageRead("", 2, "ocr", 0.9), PageRead("", 3, "sparse"),
             PageRead("", 4, "failed"), PageRead("", 5, "empty"))
    assert coverage_line(DocumentCoverage("/d/a.pdf", reads)) == "1 page by OCR · not read: pages 3\u20134"
    assert coverage_line(DocumentCoverage("/d/a.pdf", reads[:1])) == ""
    assert coverage_line(DocumentCoverage("/d/a.pdf", known=False, page_count=3)) == ""


def test_the_summary_counts_pages_by_how_they_were_read():
    summary = IndexSummary(indexed=["/d/a.pdf"], pages=6, chunks=9, seconds=1.0)
    summary.count_pages(["text", "text", "ocr", "sparse", "failed", "empty"])
    assert summary.describe()[1] == "6 pages: 2 text, 1 OCR, 1 unreadable, 1 failed, 1 empty."
    assert summary.as_dict()["page_states"] == {"text": 2, "ocr": 1, "sparse": 1, "failed": 1, "empty": 1}
