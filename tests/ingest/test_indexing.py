"""Incremental indexing against the real embedding model and a real Chroma store."""

import shutil
from pathlib import Path

import pytest

from ragbox.errors import StoreError

from support import CountingEmbedder, assert_consistent, both_vector_stores, store_state


@pytest.fixture(params=["embedded", "chroma-server"])
def store_url(request):
    """Every test here runs against the embedded store and against a real `chroma run`."""
    return both_vector_stores(request)


def test_first_index_then_unchanged_costs_nothing(make_engine, docs, embedder):
    engine = make_engine()
    first = engine.index([docs])
    assert len(first.indexed) == 7 and first.chunks > 0 and not first.skipped
    assert_consistent(engine)
    before = store_state(engine)
    engine.close()
    counting = CountingEmbedder(embedder)
    engine = make_engine(embedder_instead=counting)  # the same index, counting what is embedded
    second = engine.index([docs])
    assert (second.indexed, second.unchanged, second.removed, second.renamed) == ([], 7, [], [])
    assert counting.texts == 0
    assert store_state(engine) == before
    assert_consistent(engine)


def test_edit_replaces_old_chunks(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    note = docs / "clinical_notes" / "2026-03-14_jane_doe_followup.txt"
    text = note.read_text()
    note.write_text(text.replace("empagliflozin 10 mg", "dapagliflozin 5 mg"))
    summary = engine.index([docs])
    assert summary.indexed == [str(note.resolve())] and summary.unchanged == 6
    chunks = [c.text for d in engine.catalog.documents() if d.path == str(note.resolve())
              for c in engine.catalog.chunks_of(d.doc_id)]
    joined = " ".join(chunks)
    assert "dapagliflozin 5 mg" in joined and "empagliflozin 10 mg" not in joined
    assert_consistent(engine)
    hits = engine.search("empagliflozin 10 mg daily", k=20)
    assert all("empagliflozin 10 mg" not in h.text for h in hits)


def test_deleted_file_is_removed(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    victim = docs / "contracts" / "services_agreement_acme_globex.pdf"
    victim.unlink()
    summary = engine.index([docs])
    assert summary.removed == [str(victim.resolve())]
    assert str(victim.resolve()) not in [d.path for d in engine.catalog.documents()]
    assert_consistent(engine)
    assert all("Globex" not in h.text for h in engine.search("Globex Corporation fees", k=20))


def test_rename_and_move_reuse_vectors(make_engine, docs, embedder):
    engine = make_engine()
    engine.index([docs])
    before = store_state(engine)
    engine.close()
    counting = CountingEmbedder(embedder)
    engine = make_engine(embedder_instead=counting)  # the same index, counting what is embedded
    (docs / "archive").mkdir()
    old = docs / "contracts" / "mutual_nda_northwind_bluefin.pdf"
    new = docs / "archive" / "nda-2026.pdf"
    shutil.move(old, new)
    summary = engine.index([docs])
    assert summary.renamed == [(str(old.resolve()), str(new.resolve()))]
    assert summary.indexed == [] and summary.removed == []
    assert counting.texts == 0, "a renamed file must not be re-embedded"
    after = store_state(engine)
    assert after.pop("nda-2026.pdf") == before.pop("mutual_nda_northwind_bluefin.pdf")
    assert after == before
    assert_consistent(engine)
    top = engine.search("How much notice is needed to terminate the Northwind Bluefin NDA?", k=1)[0]
    assert top.path == str(new.resolve())


def test_bad_file_is_skipped_and_the_run_goes_on(make_engine, docs):
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 garbage")
    (docs / "empty.md").write_text("")
    (docs / "notes.docx").write_bytes(b"PK")
    engine = make_engine()
    summary = engine.index([docs])
    assert len(summary.indexed) == 7
    reasons = {Path(p).name: r for p, r in summary.skipped.items()}
    assert "unreadable PDF" in reasons["broken.pdf"]
    assert reasons["empty.md"] == "empty file"
    assert reasons["notes.docx"].startswith("unreadable Word file")
    assert {Path(p).name for p in engine.catalog.skipped()} == set(reasons)
    assert_consistent(engine)


def test_file_that_turns_bad_loses_its_old_chunks(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    note = docs / "clinical_notes" / "2026-04-02_john_roe_asthma.md"
    note.write_bytes(b"")
    summary = engine.index([docs])
    assert summary.skipped == {str(note.resolve()): "empty file"}
    assert str(note.resolve()) not in [d.path for d in engine.catalog.documents()]
    assert_consistent(engine)


def test_forget_removes_a_file(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    target = docs / "clinical_notes"
    removed = engine.forget(target)
    assert len(removed) == 5
    assert all("clinical_notes" not in d.path for d in engine.catalog.documents())
    assert_consistent(engine)


def test_indexes_are_separate(make_engine, docs):
    contracts = make_engine(**{"store.index": "contracts"})
    notes = make_engine(**{"store.index": "patients"})
    contracts.index([docs / "contracts"])
    notes.index([docs / "clinical_notes"])
    assert len(contracts.catalog.documents()) == 2 and len(notes.catalog.documents()) == 5
    assert all(h.path.endswith(".pdf") for h in contracts.search("blood pressure", k=10))
    assert contracts.index_dir != notes.index_dir


class OtherModel(CountingEmbedder):
    def __init__(self, inner):
        super().__init__(inner)
        self.model_id = "some-other-model@123"


def test_index_refuses_a_different_embedding_model(make_engine, docs, embedder):
    engine = make_engine()
    engine.index([docs / "contracts"])
    engine.close()
    engine = make_engine(embedder_instead=OtherModel(embedder))
    with pytest.raises(StoreError, match="rebuild"):
        engine.index([docs])
    with pytest.raises(StoreError, match="rebuild"):
        engine.search("termination")
    engine.rebuild()
    engine.index([docs / "contracts"])
    assert engine.catalog.get_meta("embedding_model") == "some-other-model@123"


def test_symlinked_files_are_unchanged_on_the_next_run(make_engine, docs, tmp_path):
    """Links into a folder being indexed are followed and keep their own path, run after run."""
    linked = tmp_path / "linked"
    linked.mkdir()
    for path in (docs / "contracts").iterdir():
        (linked / path.name).symlink_to(path)
    engine = make_engine()
    first = engine.index([docs / "contracts", linked])
    assert len(first.indexed) == 4 and not first.skipped
    assert sum(d.path.startswith(str(linked.resolve())) for d in engine.catalog.documents()) == 2
    second = engine.index([docs / "contracts", linked])
    assert second.indexed == [] and second.unchanged == 4 and second.removed == []
    assert_consistent(engine)


def test_links_leaving_the_indexed_folder_are_skipped(make_engine, docs, tmp_path):
    linked = tmp_path / "linked"
    linked.mkdir()
    target = docs / "contracts" / "mutual_nda_northwind_bluefin.pdf"
    (linked / "nda.pdf").symlink_to(target)
    (linked / "note.txt").write_text("The retention period for these records is seven years.")
    summary = make_engine().index([linked])
    assert summary.indexed == [str((linked / "note.txt").resolve())]
    assert summary.skipped == {
        str(linked.resolve() / "nda.pdf"): f"symbolic link to a file outside the indexed folders ({target.resolve()})"}


def test_changed_chunking_settings_re_chunk_every_file(make_engine, docs):
    make_engine(**{"chunking.max_tokens": 200}).index([docs])
    engine = make_engine(**{"chunking.max_tokens": 64})
    summary = engine.index([docs])
    files = len(engine.catalog.documents())
    assert (len(summary.indexed), summary.unchanged, len(summary.renamed)) == (files, 0, 0)
    assert_consistent(engine)
    assert max(engine.embedder.tokenizer.counts([c.text for d in engine.catalog.documents()
                                                 for c in engine.catalog.chunks_of(d.doc_id)])) <= 64
    assert make_engine(**{"chunking.max_tokens": 64}).index([docs]).unchanged == files
