"""The coverage ledger in the catalog: written with the chunks, gone with the document, and an
index from before it keeps working (its pages unknown, said so)."""

from ragbox.coverage import DocumentCoverage, PageRead, describe, page_ranges, reasons
from ragbox.store.catalog import Catalog, DocumentRow
from ragbox.store.coverage import document_coverage, page_reads, state_counts
from ragbox.types import Chunk

READS = [PageRead("", 1, "text"), PageRead("", 2, "ocr", 0.91), PageRead("", 3, "sparse", None, "why 3"),
         PageRead("", 4, "sparse", None, "why 3"), PageRead("", 5, "failed", None, "why 5"),
         PageRead("scan.pdf", 1, "empty")]


def add(catalog: Catalog, doc_id: str, path: str, reads=None) -> None:
    catalog.begin_document(DocumentRow(doc_id, path, "h:" + doc_id, 1, 5, 1, "writing", 0))
    catalog.finish_document(doc_id, [Chunk(1, 0, 4, "rent")], [], [[0.0] * 4], reads)


def test_the_ledger_goes_with_its_document_and_reads_by_part(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        add(catalog, "a", "/docs/mail.eml", READS)
        add(catalog, "b", "/docs/memo.txt", [PageRead("", 1, "text")])
        found = {c.path: c for c in document_coverage(catalog, ["/docs/mail.eml"])}
        assert list(found) == ["/docs/mail.eml", "/docs/mail.eml › scan.pdf"]
        own = found["/docs/mail.eml"]
        assert own.not_read() == [3, 4, 5] and own.ocr_confidence() == 0.91
        assert own.as_dict() | {"reasons": None} == {
            "path": "/docs/mail.eml", "known": True, "pages": 5, "text": 1, "ocr": 1, "empty": 0, "unreadable": 2,
            "failed": 1, "not_read": [3, 4, 5], "ocr_confidence": 0.91, "reasons": None}
        assert describe(own) == ("5 pages: 1 text, 1 OCR (confidence 0.91), 2 unreadable, 1 failed; "
                                 "not read: pages 3\u20135")
        assert reasons(own) == ["pages 3\u20134: why 3", "page 5: why 5"]
        assert state_counts(catalog) == {"text": 2, "ocr": 1, "sparse": 2, "failed": 1, "empty": 1, "unknown": 0}
        catalog.drop_documents(["a"])
        assert page_reads(catalog, "a") is None and [c.path for c in document_coverage(catalog)] == ["/docs/memo.txt"]
    finally:
        catalog.close()


def test_an_index_from_before_the_ledger_opens_and_says_its_pages_are_unknown(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    add(catalog, "old", "/docs/old.pdf")
    catalog.db.execute("DROP TRIGGER documents_coverage_removed")
    catalog.db.execute("DROP TABLE coverage")  # as an older ragbox wrote it
    catalog.close()
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        [old] = document_coverage(catalog)
        assert old == DocumentCoverage("/docs/old.pdf", known=False, page_count=5)
        assert old.as_dict()["pages"] == 5 and describe(old).startswith("5 pages, not described: indexed before")
        assert state_counts(catalog) == {"unknown": 5}
        add(catalog, "new", "/docs/new.pdf", [PageRead("", 1, "text")])  # the table is there again
        catalog.drop_documents(["new"])
        assert catalog.db.execute("SELECT COUNT(*) FROM coverage").fetchone()[0] == 0  # and its trigger
    finally:
        catalog.close()


def test_page_ranges():
    assert page_ranges([7, 4, 5, 5]) == "4\u20135, 7" and page_ranges([]) == ""
