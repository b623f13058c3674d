"""Data at rest: the index is private, and text that leaves the index leaves no bytes behind."""

import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ragbox.privacy import (
    loose_permissions,
    make_private,
    private_dir,
    private_scratch,
    private_umask,
    write_private_file,
    write_private_text,
)

# A word no tokenizer splits and no stemmer changes: FTS5 stores it whole (after at most its first
# letter, shared with a neighbouring term and prefix-compressed away), so its bytes are findable.
CANARY = "zqxjkwvbtm"
NEEDLE = CANARY[1:].encode()


def files_holding(root: Path, needle: bytes = NEEDLE) -> list[str]:
    """Every file under ``root`` whose raw bytes contain ``needle`` (WAL and SHM files included)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes())


def modes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root.parent)): stat.filemode(p.stat().st_mode) for p in [root, *root.rglob("*")]}


@pytest.fixture
def canary_docs(docs):
    note = docs / "clinical_notes" / "2026-05-01_private_note.txt"
    note.write_text(f"Follow-up visit. The patient asked that the codeword {CANARY} be kept private.\n"
                    "Blood pressure 128/82. Continue the current dose and recheck in three months.\n")
    return docs, note


def indexed_with_canary(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    store = engine.index_dir
    assert files_holding(store), "the canary must be in the store before it is removed (else this proves nothing)"
    assert engine.catalog.db.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?",
                                     (CANARY,)).fetchone()[0] == 1
    return engine, store


def test_forget_leaves_no_byte_of_the_text(make_engine, canary_docs):
    docs, note = canary_docs
    engine, store = indexed_with_canary(make_engine, docs)
    assert engine.forget(note) == [str(note.resolve())]
    assert files_holding(store) == []
    assert len(engine.catalog.documents()) == 7  # the rest is untouched


def test_forget_overwrites_deleted_text_where_sqlite_would_not(make_engine, canary_docs, monkeypatch):
    """SQLite built without SECURE_DELETE (Debian's has it, others do not) leaves deleted rows in
    free pages: the catalog turns it on itself."""
    import sqlite3

    connect = sqlite3.connect

    def insecure_connect(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr("ragbox.store.catalog.sqlite3.connect", insecure_connect)
    docs, note = canary_docs
    engine, store = indexed_with_canary(make_engine, docs)
    engine.forget(note)
    assert files_holding(store) == []


def test_a_file_deleted_from_disk_leaves_no_byte_after_the_next_run(make_engine, canary_docs):
    docs, note = canary_docs
    engine, store = indexed_with_canary(make_engine, docs)
    note.unlink()
    assert engine.index([docs]).removed == [str(note.resolve())]
    assert files_holding(store) == []


def test_an_edit_removing_a_passage_leaves_no_byte_of_it(make_engine, canary_docs):
    docs, note = canary_docs
    engine, store = indexed_with_canary(make_engine, docs)
    note.write_text(note.read_text().replace(f"the codeword {CANARY}", "a codeword"))
    assert engine.index([docs]).indexed == [str(note.resolve())]
    assert files_holding(store) == []


def test_rebuild_leaves_no_byte_of_the_old_index(make_engine, canary_docs, tmp_path):
    docs, note = canary_docs
    engine, store = indexed_with_canary(make_engine, docs)
    note.unlink()
    summary = engine.index([], rebuild=True)  # what `ragbox index --rebuild` runs
    assert summary.indexed and str(note.resolve()) not in summary.indexed
    assert files_holding(store) == []


_FREED_BLOCK_PROBE = f"""
import ctypes, sys
from ragbox.config import load_settings
from ragbox.engine import Engine
Engine(load_settings(config_path=None, environ={{}}, flags={{"store.dir": sys.argv[1]}}))
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
size = 64 * 1024  # a block like the HNSW buffer's: from the heap, not a fresh (zeroed) mapping
block = libc.malloc(size)
ctypes.memmove(block, b"{CANARY} " * (size // {len(CANARY) + 1}), size - size % {len(CANARY) + 1})
libc.free(block)
again = libc.malloc(size)
print(again == block, {NEEDLE!r} in ctypes.string_at(again, size))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_memory_freed_after_an_engine_starts_keeps_no_text(tmp_path):
    """Chroma writes its HNSW file from a buffer it never clears: a block the process freed and
    got back must not still hold a passage (the cause of a stray canary after a rebuild)."""
    run = subprocess.run([sys.executable, "-c", _FREED_BLOCK_PROBE, str(tmp_path / "store")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    same_block, holds_text = run.stdout.split()
    assert same_block == "True", "the same block must come back (else this proves nothing)"
    assert holds_text == "False"


def test_a_scratch_folder_a_killed_process_left_is_removed_by_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # a process that has ended
    left = tmp_path / f"ragbox-reader-{gone}-a1b2"
    left.mkdir()
    (left / "page.png").write_bytes(b"scan")
    running = tmp_path / f"ragbox-reader-{os.getppid()}-c3d4"  # a process still running: its own
    running.mkdir()
    other = tmp_path / "ragbox-readers-notes"
    other.mkdir()
    made = Path(private_scratch("ragbox-reader-"))
    assert not left.exists() and running.is_dir() and other.is_dir()
    assert made.parent == tmp_path and made.name.startswith(f"ragbox-reader-{os.getpid()}-")
    assert stat.filemode(made.stat().st_mode) == "drwx------"


def test_the_index_is_private_to_its_owner(make_engine, docs, tmp_path):
    os.umask(0o022)  # what most systems use: files readable by everyone
    engine = make_engine()
    during = {}
    engine.index([docs / "contracts"], on_progress=lambda p: during.update(modes(engine.index_dir)))
    assert during and all(m in ("drwx------", "-rw-------") for m in during.values()), during  # mid-run too
    engine.search("termination notice")
    store = engine.index_dir
    names = {p.name for p in store.rglob("*")}
    assert {"catalog.sqlite3", "chroma", "chroma.sqlite3", "write.lock"} <= names
    found = modes(store)
    assert {m for name, m in found.items() if m.startswith("d")} == {"drwx------"}, found
    assert {m for name, m in found.items() if not m.startswith("d")} == {"-rw-------"}, found
    assert loose_permissions(tmp_path / "store") == []
    assert os.umask(0o022) == 0o022  # the writer's 077 was put back


def test_an_index_made_by_an_older_version_is_made_private_by_the_next_run(make_engine, docs):
    engine = make_engine()
    engine.index([docs / "contracts"])
    store = engine.index_dir
    for path in [store, *store.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert len(loose_permissions(store)) > 4
    engine.index([docs / "contracts"])
    assert loose_permissions(store) == []


def test_sqlite_wal_files_created_by_a_reader_are_private(make_engine, docs):
    """A reader opening the catalog first after the writer closed creates the -wal and -shm."""
    engine = make_engine()
    engine.index([docs / "contracts"])
    engine.close()
    store = engine.index_dir
    assert not (store / "catalog.sqlite3-wal").exists()
    code = ("import sys, sqlite3; db = sqlite3.connect(sys.argv[1]); db.execute('PRAGMA journal_mode=WAL'); "
            "db.execute('SELECT count(*) FROM chunks').fetchone(); print('ok')")
    opened = subprocess.run([sys.executable, "-c", code, str(store / "catalog.sqlite3")], capture_output=True,
                            text=True, check=True)
    assert opened.stdout.strip() == "ok"
    sqlite_files = [p for p in store.iterdir() if p.name.startswith("catalog.sqlite3")]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in sqlite_files), modes(store)


def test_private_helpers(tmp_path):
    os.umask(0o022)
    folder = private_dir(tmp_path / "a" / "b")
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    write_private_text(tmp_path / "c" / "chat.md", "an answer quoting a note")
    assert stat.S_IMODE((tmp_path / "c" / "chat.md").stat().st_mode) == 0o600
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    (loose / "f").write_text("x")
    (loose / "f").chmod(0o644)
    assert [p.describe() for p in loose_permissions(loose)] == [
        f"{loose} (folder drwxr-xr-x, others can enter it)", f"{loose / 'f'} (file -rw-r--r--, others can read it)"]
    make_private(loose)
    assert loose_permissions(loose) == []


def test_an_export_is_private_follows_no_link_and_never_widens_a_mode(tmp_path):
    os.umask(0o022)
    folder = tmp_path / "exports"
    folder.mkdir(mode=0o755)
    write_private_file(folder / "t.csv", "a,b\r\n")
    assert (folder / "t.csv").read_bytes() == b"a,b\r\n" and stat.S_IMODE((folder / "t.csv").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755  # the user's folder is left as it is
    for before, after in ((0o644, 0o600), (0o640, 0o600), (0o400, 0o400), (0o700, 0o700)):
        existing = folder / f"{before:o}.md"
        existing.write_text("older and longer text")
        existing.chmod(before)
        write_private_file(existing, "new")
        assert existing.read_text() == "new" and stat.S_IMODE(existing.stat().st_mode) == after
    target = tmp_path / "target.txt"
    target.write_text("kept")
    target.chmod(0o644)
    (folder / "link.csv").symlink_to(target)
    with pytest.raises(OSError, match="symbolic link"):
        write_private_file(folder / "link.csv", "x")
    assert target.read_text() == "kept" and stat.S_IMODE(target.stat().st_mode) == 0o644
    os.mkfifo(folder / "pipe.csv")
    with pytest.raises(OSError):  # no reader: refused at once, never blocking
        write_private_file(folder / "pipe.csv", "x")


def test_private_umask_holds_while_any_thread_writes(tmp_path):
    os.umask(0o022)
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with private_umask():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    inside.wait(5)
    with private_umask():  # another thread enters and leaves first: the writer's umask must stay
        pass
    (tmp_path / "made-while-writing").write_text("x")
    release.set()
    thread.join()
    (tmp_path / "made-after").write_text("x")
    assert stat.S_IMODE((tmp_path / "made-while-writing").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "made-after").stat().st_mode) == 0o644


def test_copies_of_the_store_are_found_by_the_canary_search(tmp_path):
    """The byte search itself: it finds the canary in a plain file, so an empty result means something."""
    (tmp_path / "x.bin").write_bytes(b"\x00\x01" + CANARY.encode() + b"\x02")
    shutil.copy(tmp_path / "x.bin", tmp_path / "y.bin")
    assert files_holding(tmp_path) == ["x.bin", "y.bin"]
