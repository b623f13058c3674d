"""What gets read: regular files only, links by one rule, every skip with its reason."""

import os
import socket
from pathlib import Path

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.discovery import discover


def walk(root: Path, within=()) -> dict[str, str | None]:
    return {os.path.relpath(f.path, root): f.skip_reason for f in discover(root, within)}


def test_only_regular_files_are_kept_and_the_rest_is_named(tmp_path):
    (tmp_path / "note.txt").write_text("a note")
    os.mkfifo(tmp_path / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "agent.md"))
    try:
        found = walk(tmp_path)
    finally:
        server.close()
    assert found == {"note.txt": None, "pipe.txt": "not a regular file (named pipe)",
                     "agent.md": "not a regular file (socket)"}


def test_symbolic_links_follow_one_rule(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "sub" / "real.txt").write_text("inside")
    (outside / "secret.txt").write_text("outside")
    (root / "inside-link.txt").symlink_to(root / "sub" / "real.txt")
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "zero.txt").symlink_to("/dev/zero")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "a.md").symlink_to(root / "b.md")
    (root / "b.md").symlink_to(root / "a.md")
    (root / "gone.pdf").symlink_to(root / "nothing-here.pdf")
    (root / "folder.pdf").symlink_to(outside)
    (root / "sub" / "up").symlink_to(root)  # a loop through a folder link: never followed
    (root / "photo.jpg").symlink_to(root / "sub" / "real.txt")
    assert walk(root) == {
        "inside-link.txt": None,
        "leak.txt": f"symbolic link to a file outside the indexed folders ({outside / 'secret.txt'})",
        "zero.txt": "symbolic link to a character device, not a regular file",
        "loop.txt": "symbolic link loop",
        "a.md": "symbolic link loop",
        "b.md": "symbolic link loop",
        "gone.pdf": "broken symbolic link",
        "folder.pdf": "symbolic link to a folder (links to folders are not followed)",
        "sub/up": "symbolic link to a folder (links to folders are not followed)",
        "photo.jpg": "unsupported type '.jpg'",
        "sub/real.txt": None,
    }
    # A link into another folder of the same run is inside the indexed folders.
    assert walk(root, within=[root, outside])["leak.txt"] is None


def test_a_folder_named_like_a_file_is_walked_as_a_folder(tmp_path):
    (tmp_path / "report.pdf").mkdir()
    (tmp_path / "report.pdf" / "inside.txt").write_text("x")
    assert walk(tmp_path) == {"report.pdf/inside.txt": None}


def test_order_is_a_folders_files_then_its_subfolders_by_name(tmp_path):
    for name in ("b/2.txt", "b/1.txt", "a/z.txt", "c.txt", "a.txt", "a/sub/x.md", ".hidden/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [str(f.path.relative_to(tmp_path)) for f in discover(tmp_path)] == [
        ".hidden", "a.txt", "c.txt", "a/z.txt", "a/sub/x.md", "b/1.txt", "b/2.txt"]


def test_deep_folders_and_unusual_names(tmp_path):
    deep = tmp_path.joinpath(*[f"level{i:02d}" for i in range(60)])
    deep.mkdir(parents=True)
    (deep / "deep note.txt").write_text("x")
    for name in ("Vertrag [Entwurf] (2).txt", "合同 草案.md", "Договор №5.txt"):
        (tmp_path / name).write_text("x")
    bad = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    bad.write_text("x")
    found = walk(tmp_path)
    assert found.pop(os.path.relpath(deep / "deep note.txt", tmp_path)) is None
    assert found == {"Vertrag [Entwurf] (2).txt": None, "合同 草案.md": None, "Договор №5.txt": None,
                     "caf\ufffd.txt": "file name is not valid UTF-8 (rename it to index it)"}


def test_an_unreadable_folder_is_reported_and_the_walk_goes_on(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text("x")
    scandir = os.scandir

    def refusing(path):  # what a folder without read permission does (root reads every folder)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr("ragbox.ingest.discovery.os.scandir", refusing)
    assert walk(tmp_path) == {"locked": "cannot open folder: permission denied", "open/a.txt": None}


def test_a_named_root_that_is_not_a_folder(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "one.md").write_text("x")
    assert walk(tmp_path / "pipe.txt") == {".": "not a regular file (named pipe)"}
    assert walk(tmp_path / "one.md") == {".": None}
    with pytest.raises(DocumentError, match="no such file or folder"):
        list(discover(tmp_path / "missing"))
