"""An unchanged file is recognised by its size, mtime and inode, without being read; a file
whose stat changed is read and hashed; ``index --verify`` reads every file."""

import os
import time
from pathlib import Path

import pytest

from ragbox.ingest import read_ahead

from support import assert_consistent

NOTE = Path("clinical_notes") / "2026-03-14_jane_doe_followup.txt"
HOUR_AGO = time.time() - 3600


@pytest.fixture
def old_docs(docs: Path) -> Path:
    """The sample documents, last modified an hour ago (a file modified just now is always read)."""
    for path in docs.rglob("*"):
        if path.is_file():
            os.utime(path, (HOUR_AGO, HOUR_AGO))
    return docs


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every file the indexer reads (the real reader, counted)."""
    seen: list[Path] = []
    real = read_ahead.read_file

    def counted(path, max_bytes):
        seen.append(Path(path))
        return real(path, max_bytes)

    monkeypatch.setattr(read_ahead, "read_file", counted)
    return seen


def same_size_edit(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def indexed_text(engine, path: Path) -> str:
    return " ".join(c.text for d in engine.catalog.documents() if d.path == str(path.resolve())
                    for c in engine.catalog.chunks_of(d.doc_id))


def test_unchanged_files_are_not_read_again(make_engine, old_docs, reads):
    engine = make_engine()
    first = engine.index([old_docs])
    assert len(first.indexed) == 7 and len(reads) == 7
    reads.clear()
    second = engine.index([old_docs])
    assert (second.indexed, second.unchanged, second.removed) == ([], 7, [])
    assert reads == []
    assert_consistent(engine)


def test_same_size_edit_with_a_new_mtime_is_indexed(make_engine, old_docs, reads):
    engine = make_engine()
    engine.index([old_docs])
    note = old_docs / NOTE
    same_size_edit(note, "empagliflozin 10 mg", "dapagliflozin 10 mg")
    os.utime(note, (HOUR_AGO + 60, HOUR_AGO + 60))  # a later mtime; the size is the same
    reads.clear()
    summary = engine.index([old_docs])
    assert summary.indexed == [str(note.resolve())] and summary.unchanged == 6
    assert reads == [note.resolve()]
    assert "dapagliflozin 10 mg" in indexed_text(engine, note)
    assert "empagliflozin 10 mg" not in indexed_text(engine, note)
    assert_consistent(engine)


def test_a_file_replaced_under_the_same_size_and_mtime_is_indexed(make_engine, old_docs):
    """Saved by writing a new file and renaming it over the old one: a new inode."""
    engine = make_engine()
    engine.index([old_docs])
    note = old_docs / NOTE
    replacement = note.with_name("new-version.tmp")
    replacement.write_text(note.read_text().replace("empagliflozin 10 mg", "dapagliflozin 10 mg"))
    os.utime(replacement, (HOUR_AGO, HOUR_AGO))
    os.replace(replacement, note)
    summary = engine.index([old_docs])
    assert summary.indexed == [str(note.resolve())]
    assert "dapagliflozin 10 mg" in indexed_text(engine, note)


def test_verify_reads_every_file_and_catches_an_edit_that_kept_size_and_mtime(make_engine, old_docs, reads):
    engine = make_engine()
    engine.index([old_docs])
    note = old_docs / NOTE
    same_size_edit(note, "empagliflozin 10 mg", "dapagliflozin 10 mg")
    os.utime(note, (HOUR_AGO, HOUR_AGO))  # the old size and mtime put back
    reads.clear()
    trusted = engine.index([old_docs])
    assert trusted.indexed == [] and reads == []  # not read: the stat is as recorded
    assert "empagliflozin 10 mg" in indexed_text(engine, note)
    verified = engine.index([old_docs], verify=True)
    assert verified.indexed == [str(note.resolve())] and verified.unchanged == 6
    assert len(reads) == 7
    assert "dapagliflozin 10 mg" in indexed_text(engine, note)
    assert "empagliflozin 10 mg" not in indexed_text(engine, note)
    assert_consistent(engine)


def test_a_file_modified_moments_ago_is_read_on_the_next_run(make_engine, docs, reads):
    """A file written just now could change again within the same mtime: its stat is not trusted."""
    engine = make_engine()
    note = docs / NOTE
    note.write_text(note.read_text())  # modified now
    engine.index([docs])
    reads.clear()
    engine.index([docs])
    assert note.resolve() in reads


def test_a_no_op_run_opens_no_vector_store(make_engine, old_docs, monkeypatch):
    """Opening Chroma (to compare its count with the catalog's) was most of a no-op run: it is
    skipped while neither changed since a run ended with them in step."""
    from ragbox.store.vectors import ChromaVectorStore

    make_engine().index([old_docs])
    make_engine().index([old_docs])  # the first run after the store was written settles its files
    opened = []
    real_open = ChromaVectorStore._open
    monkeypatch.setattr(ChromaVectorStore, "_open", lambda self: (opened.append(self), real_open(self))[1])
    summary = make_engine().index([old_docs])
    assert summary.unchanged == 7 and opened == []


def test_vectors_another_process_removed_are_put_back(make_engine, old_docs):
    from ragbox.store.vectors import ChromaVectorStore

    engine = make_engine()
    engine.index([old_docs])
    engine.close()
    other = ChromaVectorStore(engine.index_dir / "chroma")  # another writer of the same store
    lost = other.all_ids()[:5]
    other.delete_ids(lost)
    other.close()
    engine = make_engine()
    engine.index([old_docs])
    assert set(lost) <= set(engine.vectors.all_ids())
    assert_consistent(engine)
