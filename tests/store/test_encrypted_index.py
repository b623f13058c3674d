"""An encrypted index (``index.encrypt``): a SQLCipher catalog, no Chroma files, the same answers
as a plain index, and no byte of a canary document readable in any file ragbox writes."""

from __future__ import annotations

from array import array

import pytest

from ragbox.errors import StoreError
from ragbox.store.keyfile import LockedIndexError

from sealed_support import canary_word, disk_state, files_holding, ragbox_folders, write_canary_folder
from support import SAMPLE_DOCS

SQLITE_MAGIC = b"SQLite format 3\x00"


@pytest.fixture
def passphrase(monkeypatch):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "correct horse battery staple")
    return "correct horse battery staple"


def sealed(make_engine, name="matter", **flags):
    return make_engine(**{"store.index": name, "index.encrypt": True, "answer.style": "extract", **flags})


def test_encrypted_index_answers_exactly_as_the_plain_one(make_engine, passphrase):
    plain = make_engine(**{"store.index": "plain", "answer.style": "extract"})
    plain.index([SAMPLE_DOCS])
    secret = sealed(make_engine)
    summary = secret.index([SAMPLE_DOCS])
    assert summary.chunks == plain.status()["chunks"] > 0

    files = sorted(p.name for p in secret.index_dir.iterdir())
    assert "chroma" not in files and "key.ragbox" in files
    assert (plain.index_dir / "chroma").is_dir()  # the plain path keeps its Chroma store
    assert (secret.index_dir / "catalog.sqlite3").read_bytes()[:16] != SQLITE_MAGIC
    for query in ("termination notice period", "HbA1c result", "governing law"):
        mine = [(h.chunk_id, round(h.score, 5), h.text) for h in secret.search(query, k=5)]
        theirs = [(h.chunk_id, round(h.score, 5), h.text) for h in plain.search(query, k=5)]
        assert [(c, t) for c, _, t in mine] == [(c, t) for c, _, t in theirs]
        assert [s for _, s, _ in mine] == pytest.approx([s for _, s, _ in theirs], abs=1e-4)
    question = "How many days' notice to terminate for convenience?"
    assert secret.ask(question).text == plain.ask(question).text


def test_a_canary_word_is_in_no_byte_of_any_file_ragbox_writes(make_engine, passphrase, tmp_path, embedder):
    canary = canary_word()
    folder = write_canary_folder(tmp_path / "docs", canary)
    engine = sealed(make_engine)
    engine.index([folder])
    store = tmp_path / "store"
    first = engine.catalog.chunk_ids(engine.catalog.documents()[0].doc_id)[0]
    vector = array("f", engine.vectors.vectors_of([first])[first]).tobytes()[:16]  # a passage's vector
    needles = [canary.encode(), canary.encode("utf-16-le"), vector]
    assert files_holding(needles, *ragbox_folders(store)) == []  # WAL and SHM included: the engine is open

    hits = engine.search(f"what is the {canary} budget", k=3)
    assert canary in hits[0].text
    answer = engine.ask(f"What is the {canary} budget in memo 7?")
    assert any(canary in source.text for source in answer.sources)
    assert files_holding(needles, *ragbox_folders(store)) == []
    engine.close()
    assert files_holding(needles, *ragbox_folders(store)) == []


def test_a_wrong_passphrase_is_one_line_and_changes_nothing_on_disk(make_engine, passphrase, tmp_path, monkeypatch):
    sealed(make_engine).index([SAMPLE_DOCS])
    store = tmp_path / "store"
    before = disk_state(store)
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "Correct horse battery staple")
    for attempt in (lambda e: e.index([SAMPLE_DOCS]), lambda e: e.search("termination"),
                    lambda e: e.ask("Who are the parties?"), lambda e: e.status(), lambda e: e.documents()):
        with pytest.raises(StoreError) as failure:
            attempt(sealed(make_engine))
        assert failure.value.one_line().endswith("key.ragbox): wrong passphrase")
        assert "\n" not in failure.value.one_line()
    assert disk_state(store) == before


def test_without_its_passphrase_an_encrypted_index_shows_its_name_alone(make_engine, passphrase, monkeypatch):
    sealed(make_engine).index([SAMPLE_DOCS])
    monkeypatch.delenv("RAGBOX_PASSPHRASE")
    engine = sealed(make_engine)
    assert engine.status() == {"index": "matter", "encrypted": True, "locked": True,
                               "store_path": str(engine.index_dir), "indexes": ["matter"]}
    with pytest.raises(LockedIndexError, match="is encrypted.*RAGBOX_PASSPHRASE"):
        engine.search("termination")
    from ragbox import doctor  # `ragbox doctor` checks a locked index without asking for its passphrase

    assert doctor.page_coverage(engine)["detail"] == "the index is encrypted and locked: its pages are not shown"
    assert doctor.switches(engine)["values"]["chroma anonymized_telemetry"] == "False"


def test_encrypt_refuses_an_index_built_plain(make_engine, passphrase):
    make_engine(**{"store.index": "matter"}).index([SAMPLE_DOCS])
    with pytest.raises(StoreError, match="is not encrypted.*forget --all"):
        sealed(make_engine).index([SAMPLE_DOCS])
