"""A word's BM25 scores computed from the full-text index's postings are FTS5's own, bit for bit."""

import random
import sqlite3

import numpy as np

from ragbox.store import term_scores
from ragbox.store.catalog import Catalog
from ragbox.store.schema import BM25_WEIGHTS

WORDS = ["inc", "company", "party", "agreement", "shall", "terminated", "terminating", "escrow", "café", "royalty"]


def _catalog(path) -> Catalog:
    """Passages of a few hundred words (row lengths of two-byte varints), in every column, and a
    document removed again (its rows deleted from the full-text index)."""
    draw = random.Random(22)
    catalog = Catalog(path)

    def words(most: int) -> str:
        return " ".join(draw.choice(WORDS) for _ in range(draw.randint(0, most)))

    with catalog.transaction() as db:
        for d in range(8):
            db.execute("INSERT INTO documents(doc_id, path, content_hash, size, pages, chunks, state, indexed_at) "
                       "VALUES (?, ?, 'h', 1, 1, 20, 'ready', 0)", (f"doc-{d}", f"/x/doc-{d}.txt"))
            for seq in range(20):
                db.execute("INSERT INTO chunks(chunk_id, doc_id, seq, page, char_start, char_end, title, section, "
                           "text, context) VALUES (?, ?, ?, NULL, 0, 1, ?, ?, ?, ?)",
                           (f"doc-{d}:{seq}", f"doc-{d}", seq, words(3), words(5), words(400), words(8)))
    with catalog.transaction() as db:
        db.execute("DELETE FROM chunks WHERE doc_id = 'doc-3'")
    return catalog


def _fts5(db: sqlite3.Connection, term: str):
    rows = db.execute(f"SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ? AND rank MATCH "
                      f"'bm25({BM25_WEIGHTS})' ORDER BY rowid", (term,)).fetchall()
    pairs = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
    return pairs[:, 0].astype(np.int64), -pairs[:, 1]


def test_term_scores_equal_fts5s_bit_for_bit(tmp_path):
    catalog = _catalog(tmp_path / "catalog.sqlite3")
    try:
        memo: dict = {}
        # "terminate" and "cafe": the tokenizer's stemming and diacritics; "nowhere": no passage.
        for term in ['"inc"', '"Company"', '"terminate"', '"cafe"', '"escrow"', '"agreement"', '"nowhere"']:
            rowids, scores = term_scores.term_scores(catalog.db, term, memo)
            expected_rowids, expected_scores = _fts5(catalog.db, term)
            assert rowids.tolist() == expected_rowids.tolist(), term
            assert scores.tobytes() == expected_scores.tobytes(), term  # the same doubles
        assert len(_fts5(catalog.db, '"inc"')[0]) > 100
        assert memo["row lengths"][1].max() > 127  # lengths of more than one varint byte were read
    finally:
        catalog.close()


def test_a_phrase_is_left_to_fts5(tmp_path):
    catalog = _catalog(tmp_path / "catalog.sqlite3")
    try:
        assert term_scores.term_scores(catalog.db, '"l p"', {}) is None
        assert term_scores.term_scores(catalog.db, '"i-escrow"', {}) is None
    finally:
        catalog.close()


def test_varints_are_read_as_sqlite_writes_them():
    packed = bytes([0x05, 0x81, 0x00, 0x7F, 0x83, 0xFF, 0x7F, 0x00])  # 5, 128, 127, 65535, 0
    assert term_scores._varints(np.frombuffer(packed, dtype=np.uint8)).tolist() == [5, 128, 127, 65535, 0]


def test_another_threads_connection_scores_with_the_shared_memo(tmp_path):
    import threading

    catalog = _catalog(tmp_path / "catalog.sqlite3")
    try:
        memo: dict = {}
        term_scores.term_scores(catalog.db, '"inc"', memo)  # the row lengths read on this connection
        found = []

        def other():  # its own connection, without the vocabulary table the first one made
            mine = term_scores.term_scores(catalog.db, '"company"', memo)
            found.append((mine, _fts5(catalog.db, '"company"')))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        (rowids, scores), (expected_rowids, expected_scores) = found[0]
        assert rowids.tolist() == expected_rowids.tolist() and scores.tobytes() == expected_scores.tobytes()
    finally:
        catalog.close()
