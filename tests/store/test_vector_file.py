"""The exact search's vectors as one memory-mapped file beside the catalog: written by the first
search of a version of the index, read by the next process, replaced when the index changes."""

import os
import stat

import numpy as np

from ragbox.store import exact, vector_file
from ragbox.store.catalog import Catalog
from ragbox.store.exact import VectorReader
from ragbox.types import split_chunk_id

QUESTIONS = ("governing law", "What medication was started?", "renewal term notice")


def _folders(index_dir):
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith((vector_file.PREFIX, ".exact")))


def _answers(reader, engine, doc_ids=None):
    return [reader.query(engine.embedder.embed([q])[0], 10, doc_ids) for q in QUESTIONS]


def test_the_next_process_maps_the_vectors_the_first_one_read(make_engine, docs, monkeypatch):
    engine = make_engine()
    engine.index([docs])
    first = VectorReader(engine.catalog, lambda: engine.vectors, 50000)
    assert first.exact
    from_catalog = _answers(first, engine)
    folders = _folders(engine.index_dir)
    assert folders == [vector_file.folder_name(engine.catalog.path, engine.catalog.generation())]
    for file in (engine.index_dir / folders[0]).iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600  # vectors of private text, private like it

    def no_catalog_read(*args):
        raise AssertionError("the catalog's rows were read again")

    monkeypatch.setattr(exact, "exact_possible", no_catalog_read)
    monkeypatch.setattr(vector_file, "build", no_catalog_read)
    second = VectorReader(engine.catalog, lambda: engine.vectors, 50000)  # as in a new process
    assert second.exact
    assert isinstance(second._loaded().matrix, np.memmap)
    assert _answers(second, engine) == from_catalog  # the same ids, order and scores
    nda = [d.doc_id for d in engine.catalog.documents() if "nda" in d.path]
    filtered = _answers(second, engine, nda)
    assert all(split_chunk_id(i)[0] in nda for hits in filtered for i, _ in hits) and filtered[0]
    assert not VectorReader(engine.catalog, lambda: engine.vectors, 3).exact  # the limit still holds


def test_a_changed_index_gets_a_new_file_and_the_old_one_goes(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    reader = VectorReader(engine.catalog, lambda: engine.vectors, 50000)
    reader.query(engine.embedder.embed(["governing law"])[0], 5)
    old = _folders(engine.index_dir)
    forgotten = next(docs.rglob("*.md"))
    engine.forget(forgotten)
    assert _folders(engine.index_dir) == []  # removed with the removed text, not left until a search
    hits = reader.query(engine.embedder.embed(["governing law"])[0], 50)
    new = _folders(engine.index_dir)
    assert len(new) == 1 and new != old
    gone = {d.doc_id for d in engine.catalog.documents()}
    assert hits and all(split_chunk_id(i)[0] in gone for i, _ in hits)


def test_a_store_that_cannot_be_written_is_searched_all_the_same(make_engine, docs, monkeypatch):
    engine = make_engine()
    engine.index([docs])

    def refused(*args):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "rename", refused)
    reader = VectorReader(engine.catalog, lambda: engine.vectors, 50000)
    assert reader.exact and reader.query(engine.embedder.embed(["governing law"])[0], 5)
    assert _folders(engine.index_dir) == []  # no half-written folder left


def test_a_catalog_made_anew_is_not_taken_for_the_old_one(tmp_path):
    first = Catalog(tmp_path / "catalog.sqlite3")
    name = vector_file.folder_name(first.path, first.generation())
    keep = tmp_path / "kept"  # keeps the first file's inode from being reused
    first.close()
    os.rename(first.path, keep)
    second = Catalog(tmp_path / "catalog.sqlite3")
    try:
        assert second.generation() == "0" and vector_file.folder_name(second.path, second.generation()) != name
    finally:
        second.close()
