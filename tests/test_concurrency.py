"""One index, several processes: questions keep working against a consistent index while another
process indexes it; a second indexer is refused with the "busy" error, or waits with --wait."""

import subprocess
import sys
from pathlib import Path

import pytest

from support import cli_env, start_writer, wait_until_locked, write_notes

pytestmark = pytest.mark.slow

NOTES = 150  # about 450 chunks: the writer runs for tens of seconds


def check_hit(hit) -> None:
    """A hit is a whole, current passage: its text is exactly the file's text at its offsets."""
    if hit.page is None:
        assert Path(hit.path).read_text()[hit.char_start:hit.char_end] == hit.text


def test_questions_keep_working_while_another_process_indexes(tmp_path, make_engine, docs):
    store = tmp_path / "store"
    # Searched through Chroma (not exactly from the catalog's vectors): the store that must notice
    # the other process's writes by itself.
    engine = make_engine(**{"store.dir": str(store), "retrieval.exact_up_to": 0})
    engine.index([docs])
    more = tmp_path / "more"
    write_notes(more, NOTES)

    writer = start_writer(store, docs, more)
    wait_until_locked(engine.index_dir / "write.lock", writer)

    refused = subprocess.run([sys.executable, "-m", "ragbox", "index", str(docs)], env=cli_env(store),
                             capture_output=True, text=True)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f"Error: Index 'default' is busy ({engine.index_dir}): another ragbox is "
                                      "indexing it (`ragbox index --wait` waits for it)")
    waiter = start_writer(store, docs, more, wait=True)

    searches, during = 0, 0
    while writer.poll() is None or searches < 3:
        writing = writer.poll() is None
        hits = engine.search("knee pain after walking, ibuprofen", k=10)
        assert hits and len({h.chunk_id for h in hits}) == len(hits)
        for hit in hits:
            check_hit(hit)
        searches += 1
        during += writing
    assert during >= 3, f"only {during} searches ran while the other process indexed"
    out, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err
    assert out.strip().startswith(f"Indexed {NOTES} file(s), 7 unchanged")

    # What the other process wrote is seen by this one (its vector store reopened by itself).
    last = engine.search(f"Follow-up code FU-{NOTES - 1:04d}", k=3)
    assert any(h.path.endswith(f"visit_{NOTES - 1:03d}.txt") for h in last)
    assert len(engine.documents()) == 7 + NOTES

    out, err = waiter.communicate(timeout=600)
    assert waiter.returncode == 0, err
    assert "Index 'default' is busy: waiting for the other ragbox to finish indexing it..." in err
    assert out.strip().startswith(f"Indexed 0 file(s), {NOTES + 7} unchanged")


def test_ask_reaches_the_model_while_another_process_indexes(tmp_path, make_engine, docs):
    store = tmp_path / "store"
    engine = make_engine(**{"store.dir": str(store)})
    engine.index([docs])
    more = tmp_path / "more"
    write_notes(more, NOTES)
    writer = start_writer(store, more)
    try:
        wait_until_locked(engine.index_dir / "write.lock", writer)
        answer = engine.ask("How much notice is needed to terminate the Northwind Bluefin NDA?")
        assert writer.poll() is None, "the writer finished before the answer: the test proved nothing"
        assert answer.found and answer.text
        assert answer.sources[0].path.endswith("mutual_nda_northwind_bluefin.pdf")
    finally:
        writer.communicate(timeout=600)
    assert writer.returncode == 0
