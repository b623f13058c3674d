"""Sealed readers (issue 24, item 1): a parser that a crafted file takes over can neither reach the
network (not even a listener on this machine's loopback) nor read a file outside the folder being
indexed; the file is skipped with the reason, the rest of the run goes on. On a machine where a
protection is not available the same tests assert that ``ragbox doctor`` reports it missing.

The hostile parser is a real loader, registered for ``.hostile`` files in every reader child by a
``sitecustomize`` module on the children's import path; the file's text tells it what to try."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ragbox import doctor
from ragbox.ingest import discovery

pytestmark = pytest.mark.slow

SECRET = "the vault opens with 4417"
HOSTILE_READER = textwrap.dedent('''
    import socket
    from pathlib import Path

    from ragbox.ingest.loaders import READERS
    from ragbox.types import Page


    def pages(path, data, options):
        action, target = data.decode().split(maxsplit=1)
        if action == "connect":
            with socket.create_connection(("127.0.0.1", int(target)), timeout=5) as connection:
                connection.sendall(b"stolen")
            return [Page(None, "connected and sent the stolen bytes")]
        if action == "unix":
            with socket.socket(socket.AF_UNIX) as connection:
                connection.connect(target)
                connection.sendall(b"stolen")
            return [Page(None, "connected to a Unix socket and sent the stolen bytes")]
        return [Page(None, "leaked: " + Path(target).read_text())]


    READERS[".hostile"] = pages
''')


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """``.hostile`` files are indexed, read by the hostile parser in the reader children."""
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "sitecustomize.py").write_text(HOSTILE_READER)
    monkeypatch.setenv("PYTHONPATH", str(plugin))
    monkeypatch.setattr(discovery, "SUPPORTED_SUFFIXES", (*discovery.SUPPORTED_SUFFIXES, ".hostile"))


@pytest.fixture
def listener():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server


def folder_with(tmp_path: Path, order: str) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notes.txt").write_text("The Harbor Street office opens at nine on weekdays.\n")
    (folder / "evil.hostile").write_text(order)
    return folder


def connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            server.accept()[0].close()
        except BlockingIOError:
            return count
        count += 1


def all_text(engine) -> str:
    """Every passage indexed."""
    catalog = engine.catalog
    return " ".join(row.text for doc in catalog.documents() for row in catalog.chunks_of(doc.doc_id))


def test_a_sealed_reader_cannot_reach_a_listener_on_this_machine(tmp_path, make_engine, hostile, listener):
    folder = folder_with(tmp_path, f"connect {listener.getsockname()[1]}")
    engine = make_engine()
    summary = engine.index([folder])
    protection = doctor.protections(engine.settings)["readers_network"]
    if not protection["active"]:  # no namespaces here: the run goes on, and doctor says what is missing
        assert protection["detail"] and summary.indexed == [str(folder / "notes.txt"), str(folder / "evil.hostile")]
        return
    assert summary.indexed == [str(folder / "notes.txt")]
    assert summary.skipped[str(folder / "evil.hostile")].startswith(
        "unreadable: its parser tried to reach the network or a file outside what a sealed reader may read")
    assert connections(listener) == 0
    assert "stolen" not in all_text(engine) and "Harbor Street" in all_text(engine)


def test_a_sealed_reader_cannot_reach_a_unix_socket_in_the_filesystem(tmp_path, make_engine, hostile):
    """A namespace leaves Unix sockets named in the filesystem reachable (a desktop bus, a
    container daemon): the socket filter closes them."""
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "daemon.sock"))
        server.listen()
        server.setblocking(False)
        folder = folder_with(tmp_path, f"unix {tmp_path / 'daemon.sock'}")
        engine = make_engine()
        summary = engine.index([folder])
        protection = doctor.protections(engine.settings)["readers_network"]
        if "seccomp" not in protection["detail"]:
            assert summary.indexed == [str(folder / "notes.txt"), str(folder / "evil.hostile")]
            return
        assert summary.indexed == [str(folder / "notes.txt")] and connections(server) == 0
        assert "refused (PermissionError" in summary.skipped[str(folder / "evil.hostile")]


def test_a_sealed_reader_cannot_read_a_file_outside_the_folder(tmp_path, make_engine, hostile):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    folder = folder_with(tmp_path, f"read {secret}")
    engine = make_engine()
    summary = engine.index([folder])
    protection = doctor.protections(engine.settings)["readers_filesystem"]
    if not protection["active"]:
        assert protection["detail"] and SECRET in all_text(engine)
        return
    assert summary.indexed == [str(folder / "notes.txt")]
    assert "PermissionError" in summary.skipped[str(folder / "evil.hostile")]
    assert "4417" not in all_text(engine)


def test_unsealed_the_hostile_reader_gets_through(tmp_path, make_engine, hostile, listener):
    """With ``index.seal_readers = false`` the same parser reads the secret and connects: the two
    tests above fail for want of the seal, not of the hostile reader."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    folder = folder_with(tmp_path, f"read {secret}")
    (folder / "phone.hostile").write_text(f"connect {listener.getsockname()[1]}")
    engine = make_engine(**{"index.seal_readers": False})
    summary = engine.index([folder])
    assert sorted(summary.indexed) == sorted(str(folder / n) for n in ("notes.txt", "evil.hostile", "phone.hostile"))
    assert SECRET in all_text(engine) and connections(listener) == 1
    report = doctor.protections(engine.settings)
    assert report["status"] == "warn" and "readers_network" in report["detail"]
    assert report["readers_filesystem"] == {"active": False, "escaped": False,
                                            "detail": "turned off by index.seal_readers = false"}


def test_a_protection_that_cannot_be_applied_says_why():
    """unshare refuses a process with several threads: the seal reports the namespace missing with
    the kernel's reason, the socket filter still keeps the network out, and the process runs on."""
    script = ("import threading, time, json; threading.Thread(target=time.sleep, args=(5,), daemon=True).start();"
              "from ragbox.sealing import seal_child; print(json.dumps(seal_child([], []).as_dict()))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seal = json.loads(done.stdout)
    assert seal["network"] == {"active": True, "detail": "no socket can be created or connected (seccomp) (no "
                               "namespace here: unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: EINVAL (Invalid argument))"}
