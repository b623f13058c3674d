"""A run killed with SIGKILL at any write step leaves a store the next run repairs exactly."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from support import SAMPLE_DOCS, assert_consistent, store_state

pytestmark = pytest.mark.slow


def change_folder(docs):
    """An edit, a rename, a delete and a new file: every kind of write in one run."""
    note = docs / "clinical_notes" / "2026-03-14_jane_doe_followup.txt"
    note.write_text(note.read_text().replace("HbA1c 7.8%", "HbA1c 8.1%"))
    shutil.move(docs / "clinical_notes" / "2026-04-02_john_roe_asthma.md", docs / "asthma-renamed.md")
    (docs / "clinical_notes" / "2026-01-09_mia_tanaka_otitis_media.txt").unlink()
    (docs / "new-note.md").write_text("# Plan\nStart vitamin D 1000 IU daily. Recheck level in 3 months.\n")


def run_index_subprocess(store, docs, crash_at=None, kill_after=None):
    env = {**os.environ, "RAGBOX_STORE__DIR": str(store), "HF_HUB_OFFLINE": "1"}
    if crash_at:
        env["RAGBOX_CRASH_AT"] = crash_at
    proc = subprocess.Popen([sys.executable, "-m", "ragbox", "index", "--json", str(docs)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=300)
    return proc.returncode


@pytest.fixture(scope="module")
def reference(tmp_path_factory, embedder):
    """The state a clean run produces for the changed folder."""
    from ragbox.config import load_settings
    from ragbox.engine import Engine

    docs = tmp_path_factory.mktemp("ref") / "docs"
    shutil.copytree(SAMPLE_DOCS, docs)
    change_folder(docs)
    store = tmp_path_factory.mktemp("ref-store")
    engine = Engine(load_settings(None, environ={}, flags={"store.dir": str(store)}), embedder=embedder)
    engine.index([docs])
    return store_state(engine)


# Where the run is killed, and how many entries the next run must undo or finish. The changed
# folder is written in this order: the renamed note is moved (crash point "moved"), then the new
# note and the edited note are written ("begun", "upserted", "finished" for each), then the
# deleted note is removed ("removing"). A kill right after the new note finished leaves nothing
# half done: the next run simply carries on.
CRASHES = [("begun:2", 1), ("upserted:2", 1), ("finished:1", 0), ("finished:2", 1), ("moved:1", 1),
           ("removing:1", 1)]


@pytest.mark.parametrize("crash_at, repaired", CRASHES)
def test_killed_run_is_repaired_to_the_clean_state(crash_at, repaired, tmp_path, docs, make_engine, reference):
    store = tmp_path / "store"
    engine = make_engine(**{"store.dir": str(store)})
    engine.index([docs])
    engine.catalog.close()
    change_folder(docs)
    assert run_index_subprocess(store, docs, crash_at=crash_at) == -signal.SIGKILL

    engine = make_engine(**{"store.dir": str(store)})
    summary = engine.index([docs])
    assert summary.repaired == repaired
    assert_consistent(engine)
    assert store_state(engine) == reference


def test_half_written_file_deleted_before_the_next_run(tmp_path, docs, make_engine, embedder):
    """The interrupted document's file is gone by the next run: its partial vectors must go too."""
    store = tmp_path / "store"
    change_folder(docs)
    assert run_index_subprocess(store, docs, crash_at="upserted:1") == -signal.SIGKILL
    (docs / "asthma-renamed.md").unlink()  # the first file written in that run
    engine = make_engine(**{"store.dir": str(store)})
    summary = engine.index([docs])
    assert summary.repaired >= 1
    assert_consistent(engine)
    assert "asthma-renamed.md" not in store_state(engine)


def test_killed_while_writing_on_a_first_run(tmp_path, docs, make_engine, reference):
    """No crash hook: SIGKILL from outside as soon as a document is half written."""
    import sqlite3

    store = tmp_path / "store"
    change_folder(docs)
    env = {**os.environ, "RAGBOX_STORE__DIR": str(store), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "ragbox", "index", "--json", str(docs)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    catalog = store / "indexes" / "default" / "catalog.sqlite3"
    deadline = time.time() + 240
    while proc.poll() is None and time.time() < deadline:
        try:
            with sqlite3.connect(catalog, timeout=0.05) as db:
                if db.execute("SELECT 1 FROM documents WHERE state='writing'").fetchone():
                    proc.kill()
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.005)
    proc.wait(timeout=60)
    engine = make_engine(**{"store.dir": str(store)})
    engine.index([docs])
    assert_consistent(engine)
    assert store_state(engine) == reference
