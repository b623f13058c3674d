"""``watch`` follows a folder through real file events and keeps the index equal to a fresh one."""

import shutil
import threading
import time

import pytest

from ragbox.errors import DocumentError

from make_files import write_docx, write_eml
from support import assert_consistent, store_state


class Watcher:
    """``engine.watch`` in a thread, with the runs it made (start, end, summary)."""

    def __init__(self, engine, folder) -> None:
        self.runs: list = []
        self.errors: list = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=engine.watch, args=([folder], self._run, self.stop),
                                       kwargs={"on_error": self.errors.append, "quiet_ms": 300}, daemon=True)
        self.thread.start()
        self.wait_for(lambda: self.runs, "the first run")

    def _run(self, summary) -> None:
        end = time.monotonic()
        self.runs.append((end - summary.seconds, end, summary))

    def wait_for(self, condition, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.thread.is_alive(), "watching stopped"
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.05)

    def settled(self, after: float):
        """The summaries of the runs that started after ``after``, once one has finished."""
        self.wait_for(lambda: any(start > after for start, _, _ in self.runs), "a run after the edit")
        return [summary for start, _, summary in self.runs if start > after]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


def edit(action) -> float:
    """Do a file edit; return the time just before it (a run starting later has seen it)."""
    before = time.monotonic()
    action()
    return before


def test_watch_follows_real_edits_and_equals_a_fresh_index(make_engine, docs, tmp_path):
    engine = make_engine(**{"index.ocr": "off"})
    watcher = Watcher(engine, docs)
    try:
        assert len(watcher.runs[0][2].indexed) == 7  # the catch-up run indexes the folder

        new = docs / "contracts" / "supply.docx"
        summaries = watcher.settled(edit(lambda: write_docx(new)))
        assert [s.indexed for s in summaries if s.indexed] == [[str(new.resolve())]]

        note = docs / "clinical_notes" / "2026-03-14_jane_doe_followup.txt"
        changed = note.read_text().replace("HbA1c 7.8%", "HbA1c 8.4%")
        summaries = watcher.settled(edit(lambda: note.write_text(changed)))
        assert str(note.resolve()) in [p for s in summaries for p in s.indexed]

        moved = docs / "archive" / "nda-2026.pdf"
        summaries = watcher.settled(edit(lambda: (moved.parent.mkdir(), shutil.move(
            docs / "contracts" / "mutual_nda_northwind_bluefin.pdf", moved))))
        assert [(a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1]) for s in summaries for a, b in s.renamed] == [
            ("mutual_nda_northwind_bluefin.pdf", "nda-2026.pdf")]

        gone = docs / "clinical_notes" / "2026-01-09_mia_tanaka_otitis_media.txt"
        summaries = watcher.settled(edit(gone.unlink))
        assert [p for s in summaries for p in s.removed] == [str(gone.resolve())]

        def burst():  # many events at once: files written, rewritten, removed, a mail with attachments
            for n in range(12):
                (docs / f"burst-{n}.md").write_text(f"# Note {n}\nVisit {n}: blood pressure 12{n}/8{n}.\n")
            for n in range(0, 12, 3):
                (docs / f"burst-{n}.md").write_text(f"# Note {n}\nRevised: pulse 7{n}.\n")
            for n in range(1, 12, 4):
                (docs / f"burst-{n}.md").unlink()
            write_eml(docs / "lease.eml")
            (docs / ".hidden.md").write_text("never indexed")
        watcher.settled(edit(burst))
    finally:
        watcher.close()
    assert not watcher.errors
    assert_consistent(engine)
    fresh = make_engine(**{"index.ocr": "off", "store.dir": str(tmp_path / "fresh-store")})
    fresh.index([docs])
    assert store_state(engine) == store_state(fresh)
    assert len(store_state(engine)) == 7 + 1 + 9 + 1 - 1  # sample docs, docx, burst notes, mail, one deleted


def test_watch_stops_when_told_and_refuses_a_missing_folder(make_engine, docs, tmp_path):
    """(How long stopping takes: ``python bench/ingest.py FOLDER``, "watch, stopping".)"""
    engine = make_engine(**{"index.ocr": "off"})
    watcher = Watcher(engine, docs)
    watcher.close()
    with pytest.raises(DocumentError, match="no such file or folder"):
        engine.watch([tmp_path / "nowhere"], lambda summary: None, threading.Event())
