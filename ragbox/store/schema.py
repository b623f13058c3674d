"""The catalog's SQLite schema, and the upgrade of a catalog an older ragbox wrote."""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roots (path TEXT PRIMARY KEY, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL, size INTEGER NOT NULL,
    pages INTEGER NOT NULL, chunks INTEGER NOT NULL, state TEXT NOT NULL, indexed_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL, seq INTEGER NOT NULL,
    page INTEGER, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, section TEXT NOT NULL,
    text TEXT NOT NULL, title TEXT NOT NULL, part TEXT NOT NULL DEFAULT '', ocr INTEGER NOT NULL DEFAULT 0,
    vector BLOB, context TEXT NOT NULL DEFAULT '', stems TEXT);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
-- Every change of a document row moves the generation: a reader holding something derived from
-- the catalog (the matrix of vectors, a server's view of the index) sees it is stale, whichever
-- process or connection wrote.
CREATE TRIGGER IF NOT EXISTS documents_added AFTER INSERT ON documents BEGIN
    INSERT OR REPLACE INTO meta VALUES ('generation', COALESCE((SELECT value FROM meta WHERE key='generation'), 0) + 1);
END;
CREATE TRIGGER IF NOT EXISTS documents_changed AFTER UPDATE ON documents BEGIN
    INSERT OR REPLACE INTO meta VALUES ('generation', COALESCE((SELECT value FROM meta WHERE key='generation'), 0) + 1);
END;
CREATE TRIGGER IF NOT EXISTS documents_removed AFTER DELETE ON documents BEGIN
    INSERT OR REPLACE INTO meta VALUES ('generation', COALESCE((SELECT value FROM meta WHERE key='generation'), 0) + 1);
END;
CREATE TABLE IF NOT EXISTS skipped (path TEXT PRIMARY KEY, reason TEXT NOT NULL, seen_at REAL NOT NULL);
-- ``part``: the document inside the file a chunk comes from ('' for the file's own text; an
-- e-mail's attachment, say). A file is one document row with all its parts, so changing,
-- renaming or deleting it handles its attachments with it. ``ocr``: its page was read by OCR.
-- A document's card (``types.DocumentCard`` as JSON), one per part: made from its opening text
-- when it is indexed, gone with the document row (a new version is a new doc_id, so a new card).
CREATE TABLE IF NOT EXISTS cards (
    doc_id TEXT NOT NULL, part TEXT NOT NULL, card TEXT NOT NULL, PRIMARY KEY (doc_id, part));
CREATE TRIGGER IF NOT EXISTS documents_cards_removed AFTER DELETE ON documents BEGIN
    DELETE FROM cards WHERE doc_id = old.doc_id;
END;
-- The coverage ledger (``store.coverage``): how each page of a document version was read, written
-- with its chunks and gone with the document row, as its cards are. A catalog from before it gets
-- the empty table when opened: its documents' pages are unknown until they are indexed again.
CREATE TABLE IF NOT EXISTS coverage (
    doc_id TEXT NOT NULL, part TEXT NOT NULL, page INTEGER NOT NULL, state TEXT NOT NULL, confidence REAL,
    reason TEXT NOT NULL DEFAULT '', PRIMARY KEY (doc_id, part, page));
CREATE TRIGGER IF NOT EXISTS documents_coverage_removed AFTER DELETE ON documents BEGIN
    DELETE FROM coverage WHERE doc_id = old.doc_id;
END;
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, started_at REAL NOT NULL, finished_at REAL, status TEXT NOT NULL,
    summary TEXT);
"""
FTS_COLUMNS = ("title", "section", "text", "context")  # in this order: BM25_WEIGHTS follows it
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
# The lexical index: kept in step with ``chunks`` by triggers, inside the same transactions, so
# it can never disagree with the catalog (porter stemming: "terminate" finds "termination").
# ``title`` (the file name's words) lets every chunk of "jane_doe_followup.txt" match "Jane Doe",
# not only the one chunk that happens to name her; ``context`` (a page's title, a table's column
# headers) lets a row of numbers match "cash flow statement 2022".
FTS_SCHEMA = (
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    {', '.join(FTS_COLUMNS)}, content='chunks', content_rowid='id',
    tokenize='{FTS_TOKENIZER}')""",
    """CREATE TRIGGER IF NOT EXISTS chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, title, section, text, context)
    VALUES (new.id, new.title, new.section, new.text, new.context);
END""",
    """CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, title, section, text, context)
    VALUES ('delete', old.id, old.title, old.section, old.text, old.context);
END""",
)
# BM25 weights of the FTS columns (title, section, text, context): the passage's own words count
# most; a heading, file name or table header tells which passages are about something.
BM25_WEIGHTS = "0.5, 0.5, 1.0, 0.5"

# Columns later versions added: an older catalog gets them when it is opened (a catalog from before
# vectors were kept here reads its passages' vectors from Chroma; chunks stored before ``context``
# existed get an empty one, and their documents are re-chunked at the next index run, since the
# chunking settings key changed).
ADDED_CHUNK_COLUMNS = {"part": "TEXT NOT NULL DEFAULT ''", "ocr": "INTEGER NOT NULL DEFAULT 0", "vector": "BLOB",
                       "context": "TEXT NOT NULL DEFAULT ''", "stems": "TEXT"}


def open_schema(db: sqlite3.Connection) -> None:
    """Create the tables a new catalog needs, or bring one written by an older ragbox up to this
    schema, in one transaction: a crash leaves it as it was. The keyword index gained a column
    with ``context``: it is then made again, from the chunks."""
    db.executescript(SCHEMA)
    if _missing_columns(db):
        db.execute("BEGIN IMMEDIATE")
        try:
            missing = _missing_columns(db)  # another process may have upgraded it meanwhile
            for name in missing:
                db.execute(f"ALTER TABLE chunks ADD COLUMN {name} {ADDED_CHUNK_COLUMNS[name]}")
            if "context" in missing:
                for trigger in ("chunks_fts_insert", "chunks_fts_delete"):
                    db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                db.execute("DROP TABLE IF EXISTS chunks_fts")
                for statement in FTS_SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    for statement in FTS_SCHEMA:
        db.execute(statement)


def _missing_columns(db: sqlite3.Connection) -> list[str]:
    present = {row[1] for row in db.execute("PRAGMA table_info(chunks)")}
    return [name for name in ADDED_CHUNK_COLUMNS if name not in present]
