"""One word's BM25 scores over every passage, computed in numpy from the full-text index's postings.

FTS5 computes ``bm25()`` row by row, reading each matching row's length from its own table: about
1 µs a row, so a word in a quarter of a 100k-passage index ("Inc") took 25 ms, and the first
question about each contract paid that for each of its common words (``keyword._summed_search``
keeps a word's scores once computed). Here the word's occurrences come from an ``fts5vocab``
table in one string, every passage's length is read once while the catalog is unchanged, and
the score is FTS5's own formula (SQLite's ``fts5_aux.c``, k1 = 1.2, b = 0.75) evaluated in the
same order of the same double operations: bit for bit the numbers FTS5 gives
(``tests/store/test_term_scores.py`` compares them). A term the tokenizer splits in several
tokens (a phrase) is left to FTS5.
"""

from __future__ import annotations

import functools
import math
import sqlite3
import threading

from ragbox.store.schema import BM25_WEIGHTS, FTS_COLUMNS, FTS_TOKENIZER

K1, B = 1.2, 0.75  # fts5_aux.c's bm25 constants
VOCAB = "temp.chunks_fts_instances"  # one for each connection: a temporary table is the connection's own
ROWS_VOCAB = "temp.chunks_fts_rows"  # each token's passages and occurrences
CREATE_VOCAB = f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab(main, chunks_fts, instance)"
_tokenizers = threading.local()


def term_scores(db: sqlite3.Connection, term: str, memo: dict):
    """(row ids ascending, scores) of the passages holding the FTS5 ``term`` (a quoted string),
    or None when FTS5 must score it itself (a phrase, or an index without row lengths). ``memo``
    holds the row lengths while the catalog is unchanged (``KeywordSearch._term_stats``)."""
    token = token_of(term)
    return None if token is None else token_scores(db, token, memo)


@functools.lru_cache(maxsize=65536)  # the tokenizer never changes; a question asks 30 words
def token_of(term: str) -> str | None:
    """The one token of the FTS5 ``term`` (a quoted string) as the full-text index holds it, or
    None where the tokenizer splits it in several (a phrase) or in none."""
    tokens = _tokens(term[1:-1].replace('""', '"'))
    return tokens[0] if len(tokens) == 1 else None


def token_scores(db: sqlite3.Connection, token: str, memo: dict):
    """``term_scores`` of one token of the full-text index."""
    import numpy as np

    lengths = row_lengths(db, memo)
    if lengths is False:
        return None
    rowids, sizes, rows, tokens_total, by_row = lengths  # the same for every connection: kept in the shared memo
    weights = [float(w) for w in BM25_WEIGHTS.split(",")]
    codes = " ".join(f"WHEN '{column}' THEN {i}" for i, column in enumerate(FTS_COLUMNS))
    sql = f"SELECT group_concat(doc * {len(FTS_COLUMNS)} + CASE col {codes} END) FROM {VOCAB} WHERE term = ?"
    try:
        found = db.execute(sql, (token,)).fetchone()[0]
    except sqlite3.OperationalError:  # a connection (another thread's) without the vocabulary table yet
        try:
            db.execute(CREATE_VOCAB)
            found = db.execute(sql, (token,)).fetchone()[0]
        except sqlite3.OperationalError:
            return None
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    hits = np.fromstring(found, dtype=np.int64, sep=",")  # in FTS5's order: by row, column, offset
    docs, columns = np.divmod(hits, len(FTS_COLUMNS))
    first = np.concatenate(([True], docs[1:] != docs[:-1]))  # each row's first occurrence
    rowid_of, at = docs[first], np.cumsum(first) - 1
    frequency = np.bincount(at, weights=np.asarray(weights)[columns])  # added in order, as FTS5 does
    if rowid_of[-1] < len(by_row):  # each row's length read at its row id: a search for each took 10 ms at 1M
        length = by_row[rowid_of].astype(np.float64)
    else:
        length = sizes[np.searchsorted(rowids, rowid_of)].astype(np.float64)
    idf = math.log((rows - len(rowid_of) + 0.5) / (len(rowid_of) + 0.5))
    idf = idf if idf > 0.0 else 1e-6
    average = float(tokens_total) / float(rows)
    scores = idf * ((frequency * (K1 + 1.0)) / (frequency + K1 * ((1 - B) + (B * length) / average)))
    return rowid_of, scores


def vocabulary(db: sqlite3.Connection) -> dict[str, int]:
    """How many passages hold each token of the full-text index, from one scan of its
    vocabulary (1.8 s at a million passages, 16k tokens): each is FTS5's ``count(*)`` of a match
    of the token, which took up to 60 ms a word the first time a question used it."""
    try:
        db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {ROWS_VOCAB} USING fts5vocab(main, chunks_fts, row)")
        return dict(db.execute(f"SELECT term, doc FROM {ROWS_VOCAB}"))
    except sqlite3.OperationalError:
        return {}


def row_lengths(db: sqlite3.Connection, memo: dict):
    """``_row_lengths``, read once for the version of the index ``memo`` is kept for."""
    lengths = memo.get("row lengths")
    if lengths is None:
        lengths = memo["row lengths"] = _row_lengths(db)
    return lengths


def _row_lengths(db: sqlite3.Connection):
    """(row ids, tokens in each row, rows, tokens in all rows, each row's tokens at its row id) of
    the full-text index, from its docsize and averages records; False when it keeps no row lengths."""
    import numpy as np

    try:
        db.execute(CREATE_VOCAB)
        # One string each, not 100k rows of Python objects: 40 ms where fetching the rows took 120.
        ids, blobs = db.execute("SELECT group_concat(id), group_concat(hex(sz), '') "
                                "FROM (SELECT id, sz FROM chunks_fts_docsize ORDER BY id)").fetchone()
        averages = db.execute("SELECT block FROM chunks_fts_data WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return False
    if averages is None:
        return False
    totals = _varints(np.frombuffer(averages[0], dtype=np.uint8))  # rows, then each column's tokens
    rowids = np.fromstring(ids or "", dtype=np.int64, sep=",")
    sizes = _varints(np.frombuffer(bytes.fromhex(blobs or ""), dtype=np.uint8))
    if not len(rowids) or len(sizes) != len(FTS_COLUMNS) * len(rowids) or len(totals) != 1 + len(FTS_COLUMNS):
        return False
    sizes = sizes.reshape(-1, len(FTS_COLUMNS)).sum(axis=1)
    by_row = np.zeros(int(rowids.max()) + 1, dtype=sizes.dtype)
    by_row[rowids] = sizes
    return rowids, sizes, int(totals[0]), int(totals[1:].sum()), by_row


def _varints(data):
    """SQLite's variable-length integers (7 bits a byte, most significant first) packed in ``data``."""
    import numpy as np

    ends = np.flatnonzero(data < 0x80)
    starts = np.concatenate(([0], ends[:-1] + 1))
    values = np.zeros(len(ends), dtype=np.int64)
    for shift in range(int((ends - starts).max(initial=0)), -1, -1):  # the longest varint's bytes
        at = ends - shift
        inside = at >= starts
        values[inside] = (values[inside] << 7) | (data[at[inside]] & 0x7F)
    return values


def _tokens(text: str) -> list[str]:
    """``text`` as the full-text index's tokenizer splits it (the same SQLite, the same settings)."""
    db = getattr(_tokenizers, "db", None)
    if db is None:
        db = _tokenizers.db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute(f"CREATE VIRTUAL TABLE words USING fts5(x, tokenize='{FTS_TOKENIZER}')")
        db.execute("CREATE VIRTUAL TABLE words_instances USING fts5vocab(words, instance)")
    db.execute("DELETE FROM words")
    db.execute("INSERT INTO words(rowid, x) VALUES (1, ?)", (text,))
    return [row[0] for row in db.execute("SELECT term FROM words_instances ORDER BY offset")]
