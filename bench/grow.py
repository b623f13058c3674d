"""A synthetic large index for bench/scale.py --grow-from: an index built by bench/scale.py copied,
document by document, inside its catalog until it holds about the size asked.

Indexing a million passages for real (even with the seed's vectors reused) takes hours on this
machine, so the search at that size is measured on an index made by SQL: each document of the
smaller index again under another name ("grown 3 of X.txt", a new document id), with the same
passages, texts, vectors and file-name words (the ``title`` column), and the keyword index
rebuilt over all of them. So it measures the search over that many passages (the products, the
keyword postings, the memory), not indexing, and a question about a contract finds that many
more copies of it. There is no Chroma collection (no HNSW figures at that size); the vector
matrix file the exact search maps is written by a first search of its own (bench/scale.py's
"matrix" step, its peak RSS printed), as a user's first search after indexing would write it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

COLUMNS = "seq, page, char_start, char_end, section, text, title, part, ocr, vector, context, stems"


def grow(source: Path, target: Path, size: int) -> int:
    """The catalog of the index folder ``source`` copied to the index folder ``target`` with its
    documents repeated until about ``size`` passages; returns the number of passages."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copyfile(source / "catalog.sqlite3", target / "catalog.sqlite3")
    from ragbox.store.catalog import Catalog

    Catalog(target / "catalog.sqlite3").close()  # brought up to this version's schema first
    db = sqlite3.connect(target / "catalog.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF")  # a bench file made anew if this run dies
    db.execute("PRAGMA synchronous = OFF")
    have = db.execute("SELECT count(*) FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                      "WHERE d.state = 'ready'").fetchone()[0]
    originals = db.execute("SELECT doc_id, path FROM documents WHERE state = 'ready' ORDER BY path").fetchall()
    counts = dict(db.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id"))
    db.execute("BEGIN")
    for trigger in ("chunks_fts_insert", "chunks_fts_delete"):  # one rebuild at the end instead
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    total, n = have, 1
    while total < size:
        for doc_id, path in originals:
            if total >= size:
                break
            copy = f"{doc_id}g{n}"
            renamed = str(Path(path).with_name(f"grown {n} of {Path(path).name}"))
            db.execute("INSERT INTO documents SELECT ?, ?, content_hash, size, pages, chunks, state, indexed_at "
                       "FROM documents WHERE doc_id = ?", (copy, renamed, doc_id))
            db.execute(f"INSERT INTO chunks (chunk_id, doc_id, {COLUMNS}) SELECT ? || ':' || printf('%05d', seq), ?, "
                       f"{COLUMNS} FROM chunks WHERE doc_id = ? ORDER BY id", (copy, copy, doc_id))
            db.execute("INSERT INTO cards SELECT ?, part, card FROM cards WHERE doc_id = ?", (copy, doc_id))
            total += counts.get(doc_id, 0)
        n += 1
    db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
    db.execute("COMMIT")
    db.close()
    return total
