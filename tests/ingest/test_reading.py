"""Reading a file's bytes: regular files only, bounded, one consistent version, or a reason."""

import hashlib
import os
import signal
import threading
import time
import types
from contextlib import contextmanager
from pathlib import Path

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import reading
from ragbox.ingest.loaders.reading import describe_failure, read_file


@contextmanager
def must_return_within(seconds: int):
    """Fail instead of hanging the suite when a protection against blocking is broken."""
    def fail(*_):
        raise AssertionError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def reason(path, **kwargs) -> str:
    with pytest.raises(DocumentError) as info, must_return_within(10):
        read_file(path, **kwargs)
    assert info.value.path == str(path)
    return info.value.why


def test_a_regular_file_is_read_whole_with_its_hash(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"exactly these bytes")
    assert read_file(path) == (b"exactly these bytes", hashlib.sha256(b"exactly these bytes").hexdigest())


def test_a_fifo_is_never_opened_for_reading(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # no writer: a plain open() would wait for one forever
    opened = threading.Event()

    def writer() -> None:  # blocks until something opens the pipe for reading
        with open(tmp_path / "pipe.txt", "wb"):
            opened.set()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    wchan = Path(f"/proc/self/task/{_native_id(thread)}/wchan")
    deadline = time.monotonic() + 5
    while wchan.read_text() != "wait_for_partner" and time.monotonic() < deadline:  # blocked in open()
        time.sleep(0.01)
    assert reason(tmp_path / "pipe.txt") == "not a regular file (named pipe)"
    assert not opened.wait(0.5), "ragbox opened the pipe (a device would have been opened too)"
    with open(tmp_path / "pipe.txt", "rb"):  # let the writer go
        thread.join(5)


def _native_id(thread: threading.Thread) -> int:
    while thread.native_id is None:
        time.sleep(0.001)
    return thread.native_id


def test_a_device_is_not_read(tmp_path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # a read would never end
    assert reason(tmp_path / "zero.txt") == "not a regular file (character device)"


def test_a_fifo_swapped_in_after_the_check_is_caught_without_blocking(tmp_path, monkeypatch):
    decoy = tmp_path / "decoy.txt"
    decoy.write_text("regular when it was checked")
    os.mkfifo(tmp_path / "swapped.txt")
    real_os = reading.os
    fake_os = types.SimpleNamespace(**{name: getattr(real_os, name) for name in dir(real_os)
                                       if not name.startswith("__")})
    fake_os.stat = lambda path: real_os.stat(decoy)  # the file was regular when ragbox looked
    monkeypatch.setattr(reading, "os", fake_os)
    assert reason(tmp_path / "swapped.txt") == "not a regular file (named pipe)"


def test_larger_than_the_limit_is_skipped_unread(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (3 * 2**20 + 2**19))
    assert reason(path, max_bytes=2 * 2**20) == "3.5 MB, over the 2 MB limit (index.max_file_mb)"
    assert read_file(path, max_bytes=4 * 2**20)[0] == path.read_bytes()


def test_a_vanished_file(tmp_path):
    assert reason(tmp_path / "gone.txt") == "vanished before it could be read"


def during_reads(monkeypatch, change, times: int):
    """Run ``change(path)`` inside the first ``times`` reads of a file's bytes."""
    real = reading._read_at_most
    calls = []

    def read_while_changing(fd, limit):
        calls.append(limit)
        if len(calls) <= times:
            change()
        return real(fd, limit)

    monkeypatch.setattr(reading, "_read_at_most", read_while_changing)
    return calls


def test_a_file_written_to_while_read_is_read_again(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_text("first line\n")
    calls = during_reads(monkeypatch, lambda: path.open("a").write("another line\n"), times=1)
    data, _ = read_file(path)
    assert data == b"first line\nanother line\n" and len(calls) == 2


def test_a_file_that_keeps_changing_is_skipped_for_a_later_run(tmp_path, monkeypatch):
    path = tmp_path / "log.txt"
    path.write_text("start\n")
    calls = during_reads(monkeypatch, lambda: path.open("a").write("more\n"), times=99)
    assert reason(path) == "changed while being read (it will be indexed on a later run)"
    assert len(calls) == reading.READ_ATTEMPTS


def test_a_file_replaced_while_read_is_read_in_its_new_version(tmp_path, monkeypatch):
    path = tmp_path / "note.txt"
    path.write_text("old version")
    new = tmp_path / "note.txt.tmp"
    new.write_text("new version")
    during_reads(monkeypatch, lambda: os.replace(new, path), times=1)  # how editors save
    assert read_file(path)[0] == b"new version"


def test_a_file_deleted_while_read(tmp_path, monkeypatch):
    path = tmp_path / "note.txt"
    path.write_text("about to go")
    during_reads(monkeypatch, path.unlink, times=1)
    assert reason(path) == "vanished before it could be read"


def test_failure_reasons_never_quote_the_exception_message():
    secret = "Patient Jane Doe, HIV positive"
    assert describe_failure(ValueError(f"Invalid Elementary Object starting with b'{secret}'")) == "ValueError"
    assert describe_failure(KeyError(secret)) == "KeyError"
    assert describe_failure(OSError(f"EOF marker not found near {secret}")) == \
        "OSError: truncated: no end-of-file marker"
    for exc in (ValueError(secret), KeyError(secret), OSError(f"EOF marker {secret}")):
        assert "Jane" not in describe_failure(exc)


def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    (tmp_path / "real.txt").write_text("through a link")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert read_file(Path(tmp_path / "link.txt"))[0] == b"through a link"
