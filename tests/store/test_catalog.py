"""The catalog: the keyword index's term counts and skipped-file bookkeeping."""

from ragbox.search.query import fts_query
from ragbox.store.catalog import Catalog

INSERT_CHUNK = ("INSERT INTO chunks(chunk_id, doc_id, seq, page, char_start, char_end, title, section, text) "
                "VALUES (?, 'd', ?, NULL, 0, 1, '', '', ?)")

def test_words_in_most_passages_are_left_out_of_the_keyword_query(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        with catalog.transaction() as db:
            db.execute("INSERT INTO documents(doc_id, path, content_hash, size, pages, chunks, state, indexed_at) "
                       "VALUES ('d', '/x/a.txt', 'h', 1, 1, 3, 'ready', 0)")
            for seq, text in enumerate(["the agreement ends", "agreement term", "notice period"]):
                db.execute(INSERT_CHUNK, (f"d:{seq}", seq, text))
        assert catalog.common_terms(['"agreement"', '"notice"']) == {'"agreement"'}
        assert fts_query("agreement notice", skip={'"agreement"'}) == '"notice"'
        assert fts_query("agreement", skip={'"agreement"'}) == '"agreement"'  # never an empty query
        with catalog.transaction() as db:  # a change to the index is seen at once
            for seq in range(3, 6):
                db.execute(INSERT_CHUNK, (f"d:{seq}", seq, "notice"))
        assert catalog.common_terms(['"agreement"', '"notice"']) == {'"notice"'}
    finally:
        catalog.close()


def test_skipped_files_under_a_folder_with_like_wildcards_in_its_name_are_cleared(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        catalog.record_skipped({"/data/case_1/scan.pdf": "no text", "/data/caseX1/other.pdf": "no text",
                                "/data/50%/x.pdf": "no text"}, [])
        # A clean re-run of /data/case_1 skips nothing: only its own rows go, not caseX1's
        # (an unescaped "_" would match any letter there).
        catalog.record_skipped({}, ["/data/case_1", "/data/50%"])
        assert catalog.skipped() == {"/data/caseX1/other.pdf": "no text"}
    finally:
        catalog.close()


def test_an_older_catalog_gains_the_part_and_ocr_columns(tmp_path):
    import sqlite3

    from ragbox.store.catalog import SCHEMA

    path = tmp_path / "catalog.sqlite3"
    old_schema = SCHEMA.replace(", part TEXT NOT NULL DEFAULT '', ocr INTEGER NOT NULL DEFAULT 0", "")
    assert old_schema != SCHEMA
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
        db.execute("INSERT INTO documents VALUES ('d', '/x/a.txt', 'h', 1, 1, 1, 'ready', 0)")
        db.execute(INSERT_CHUNK, ("d:0", 0, "the old passage"))
    catalog = Catalog(path)
    try:
        [row] = catalog.chunks_of("d")
        assert (row.path, row.part, row.ocr, row.text) == ("/x/a.txt", "", False, "the old passage")
    finally:
        catalog.close()


def test_a_part_chunk_is_shown_under_its_part_path(tmp_path):
    from ragbox.store.catalog import DocumentRow
    from ragbox.types import Chunk

    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        catalog.begin_document(DocumentRow("d", "/x/mail.eml", "h", 1, 5, 2, "writing", 0))
        chunks = [Chunk(None, 0, 5, "Hello", ""), Chunk(3, 10, 20, "Scanned text", "", "scan.pdf", True)]
        catalog.finish_document("d", chunks, [])
        rows = catalog.chunks_of("d")
        assert [(r.path, r.page, r.ocr) for r in rows] == [("/x/mail.eml", None, False),
                                                           ("/x/mail.eml › scan.pdf", 3, True)]
        assert rows[1].as_chunk() == Chunk(3, 10, 20, "Scanned text", "", "scan.pdf", True)
        assert catalog.lexical_search('"scan"', 5) and catalog.lexical_search('"mail"', 5)  # titles hold both names
    finally:
        catalog.close()
