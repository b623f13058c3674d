"""The catalog: the keyword index's term counts and skipped-file bookkeeping."""

from ragbox.search.query import fts_query
from ragbox.store.catalog import Catalog, DocumentRow, file_title

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


# The schema of catalogs written before chunks had a context (ragbox 0.1.0 as first released).
OLD_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL, size INTEGER NOT NULL,
    pages INTEGER NOT NULL, chunks INTEGER NOT NULL, state TEXT NOT NULL, indexed_at REAL NOT NULL);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL, seq INTEGER NOT NULL,
    page INTEGER, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, section TEXT NOT NULL,
    text TEXT NOT NULL, title TEXT NOT NULL);
CREATE VIRTUAL TABLE chunks_fts USING fts5(
    title, section, text, content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, title, section, text) VALUES (new.id, new.title, new.section, new.text);
END;
INSERT INTO documents VALUES ('old', '/x/lease.txt', 'h:96/24/1', 10, 1, 1, 'ready', 0);
INSERT INTO chunks(chunk_id, doc_id, seq, page, char_start, char_end, section, text, title)
    VALUES ('old:00000', 'old', 0, NULL, 0, 24, 'Rent', 'The rent is due monthly.', 'lease');
"""


def test_an_older_catalog_gains_context_in_both_tables_and_keeps_its_chunks(tmp_path):
    import sqlite3

    from ragbox.types import Chunk

    path = tmp_path / "catalog.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    old.close()
    catalog = Catalog(path)
    try:
        assert [r.text for r in catalog.chunks_of("old")] == ["The rent is due monthly."]
        [row] = catalog.chunks_of("old")
        assert (row.context, row.part, row.ocr) == ("", "", False)  # every column added since, in one go
        assert [i for i, _ in catalog.lexical_search('"rent"', 5)] == ["old:00000"]  # FTS rebuilt
        catalog.begin_document(DocumentRow("new", "/x/fees.md", "h2", 1, 1, 1, "ready", 0))
        catalog.finish_document("new", [Chunk(None, 0, 20, "| Onboarding | 1,200 |", context="Fee | Amount")], [])
        assert [i for i, _ in catalog.lexical_search('"amount"', 5)] == ["new:00000"]  # context is searched
        assert catalog.chunks_of("new")[0].context == "Fee | Amount"
        catalog.drop_documents(["new"])  # the delete trigger knows the context column too
        assert catalog.lexical_search('"amount"', 5) == []
    finally:
        catalog.close()
    reopened = Catalog(path)  # migrating is done once
    try:
        assert [i for i, _ in reopened.lexical_search('"rent"', 5)] == ["old:00000"]
    finally:
        reopened.close()


def test_file_titles_split_a_year_from_its_period():
    assert file_title("/r/BESTBUY_2024Q2_10Q.pdf") == "BESTBUY 2024 Q2 10Q"
    assert file_title("/r/3M_2018_10K.pdf") == "3M 2018 10K"


def test_an_older_catalog_gains_the_part_and_ocr_columns(tmp_path):
    import sqlite3

    from ragbox.store.schema import SCHEMA

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


def _interleaved_catalog(path):
    """Documents a, b, c whose chunk rows interleave (a document's rows are not one range) and
    d, whose rows are; 'the' is in every passage."""
    catalog = Catalog(path)
    texts = {"a": ["the lease ends in june", "the rent is due monthly", "the lease renews"],
             "b": ["the lease of the truck", "the notice period is short"],
             "c": ["the lease lease lease", "the rent"], "d": ["the lease is signed", "the rent rises"]}
    with catalog.transaction() as db:
        for doc_id in texts:
            db.execute("INSERT INTO documents(doc_id, path, content_hash, size, pages, chunks, state, indexed_at) "
                       "VALUES (?, ?, 'h', 1, 1, ?, 'ready', 0)", (doc_id, f"/x/{doc_id}.txt", len(texts[doc_id])))
        for seq in range(3):
            for doc_id in "abc":
                if seq < len(texts[doc_id]):
                    db.execute(INSERT_CHUNK.replace("'d'", "?"), (f"{doc_id}:{seq}", doc_id, seq, texts[doc_id][seq]))
        for seq, text in enumerate(texts["d"]):
            db.execute(INSERT_CHUNK.replace("'d'", "?"), (f"d:{seq}", "d", seq, text))
    return catalog


def _joined(catalog, match, k, docs):
    """The keyword search within ``docs`` written plainly: every match joined to its document."""
    from ragbox.store.schema import BM25_WEIGHTS

    rows = catalog.db.execute(
        f"SELECT c.chunk_id, bm25(chunks_fts, {BM25_WEIGHTS}) AS rank FROM chunks_fts JOIN chunks c "
        "ON c.id = chunks_fts.rowid JOIN documents d ON d.doc_id = c.doc_id WHERE chunks_fts MATCH ? "
        f"AND d.state = 'ready' AND c.doc_id IN ({','.join('?' * len(docs))}) ORDER BY rank LIMIT ?",
        [match, *docs, k])
    return [(chunk_id, -rank) for chunk_id, rank in rows]


def test_a_keyword_search_within_documents_ranks_as_the_plain_join_does(tmp_path):
    catalog = _interleaved_catalog(tmp_path / "catalog.sqlite3")
    try:
        cases = [(match, k, docs) for match in ['"lease"', '"lease" OR "rent"', '"the"', '"truck" OR "june"']
                 for k in (1, 2, 10) for docs in (["a"], ["a", "c"], ["b", "d"], ["d"], ["a", "b", "c", "d"], [])]
        assert [catalog.lexical_search(*case) for case in cases] == [_joined(catalog, *case) for case in cases]
        assert {i.split(":")[0] for i, _ in catalog.lexical_search('"lease"', 10, ["a", "c"])} == {"a", "c"}
    finally:
        catalog.close()


def test_documents_matching_a_phrase_follow_the_catalog(tmp_path):
    catalog = _interleaved_catalog(tmp_path / "catalog.sqlite3")
    try:
        assert catalog.documents_matching('"lease"') == {"a", "b", "c", "d"}
        assert catalog.documents_matching('"rent"') == {"a", "c", "d"}
        assert catalog.documents_matching('"nowhere"') == set()
        catalog.mark_deleting(["c"])  # a version being replaced is not searched
        assert catalog.documents_matching('"rent"') == {"a", "d"}
        catalog.drop_documents(["a"])
        assert catalog.documents_matching('"rent"') == {"d"}
        assert catalog.documents_matching('"lease" AND') == set()  # a query FTS5 cannot parse
    finally:
        catalog.close()


def test_documents_listed_in_a_snapshot_are_kept_for_the_generation_and_follow_changes(tmp_path):
    catalog = _interleaved_catalog(tmp_path / "catalog.sqlite3")
    try:
        def listed():
            with catalog.snapshot():
                return catalog.documents()

        assert listed() == catalog.documents() and [d.doc_id for d in listed()] == ["a", "b", "c", "d"]
        kept = catalog._documents_kept
        assert listed() == catalog.documents() and catalog._documents_kept is kept  # read once for the generation
        catalog.mark_deleting(["c"])  # another version of the index: read again
        assert [d.doc_id for d in listed()] == ["a", "b", "d"]
        with catalog.transaction() as db:  # a writer's uncommitted rows are never kept for another reader
            db.execute("UPDATE documents SET state = 'ready' WHERE doc_id = 'c'")
            assert [d.doc_id for d in catalog.documents()] == ["a", "b", "c", "d"]
            db.execute("ROLLBACK")
            db.execute("BEGIN")
        assert [d.doc_id for d in listed()] == ["a", "b", "d"] == [d.doc_id for d in catalog.documents()]
        listed().clear()  # a caller's list is its own
        assert len(listed()) == 3
    finally:
        catalog.close()
