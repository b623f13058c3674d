"""A folder nobody curated, indexed as a new user would: every odd file indexed correctly or skipped
with a one-line reason, every good file indexed, under a memory ceiling, and a second run a no-op.

The run is a real ``ragbox index`` process; its peak RSS (its reader child included) comes from
``wait4``, and a watchdog kills it long before it could take the machine down if a protection
broke (a link to /dev/zero once read until the OOM killer came).
"""

import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from support import NDA, REPO, SAMPLE_DOCS, flate_pdf, text_page

pytestmark = pytest.mark.slow

MB = 2**20
CEILING_MB = 1024  # indexing sample_docs alone peaks at about 700 MB (the embedding model)
WATCHDOG_MB = 3072
MAX_FILE_MB = 20  # so the reader child's cap is its 512 MB floor
CANARY = "Vqmzrtwxk"  # document text that must never reach a message

SKIPPED = {
    "odd/empty.txt": "empty file",
    "odd/empty.pdf": "empty file",
    "odd/truncated.pdf": "unreadable PDF (PdfStreamError: truncated)",
    "odd/random.pdf": "not a PDF file (binary data without a PDF header)",
    "odd/webpage.pdf": "not a PDF file (it looks like an HTML page)",
    "odd/broken-object.pdf": "unreadable PDF (PdfReadError: damaged cross-reference table)",
    "odd/encrypted-locked.pdf": "encrypted PDF (password protected)",
    "odd/scan.pdf": "no text found, not even by OCR",
    "odd/bomb.pdf": "unreadable PDF (LimitReachedError: a compressed stream inflates past the safety limit "
                    "(a decompression bomb?))",
    "odd/binary.txt": "binary content in a text file",
    "odd/photo.md": "binary content in a text file",
    "odd/huge.txt": "21 MB, over the 20 MB limit (index.max_file_mb)",
    "odd/pipe.txt": "not a regular file (named pipe)",
    "odd/agent.md": "not a regular file (socket)",
    "odd/zero.txt": "symbolic link to a character device, not a regular file",
    "odd/self-loop.txt": "symbolic link loop",
    "odd/a.md": "symbolic link loop",
    "odd/b.md": "symbolic link loop",
    "odd/folder-link.pdf": "symbolic link to a folder (links to folders are not followed)",
    "odd/caf\ufffd.txt": "file name is not valid UTF-8 (rename it to index it)",
    "odd/.hidden.txt": "hidden file",
}
INDEXED = {
    "odd/encrypted-open.pdf", "odd/latin1.txt", "odd/utf16.txt", "odd/utf16-nobom.txt", "odd/one-line.txt",
    "odd/blob.md", "odd/report.pdf/inside.txt", "odd/Vertrag [Entwurf] (2).txt", "odd/合同 草案.md",
    "odd/Договор №5.txt", "odd/inside-link.txt",
    "odd/" + "/".join(f"level{i:02d}" for i in range(60)) + "/deep note.txt",
}
TEXTS = {
    "odd/latin1.txt": "Le préavis de résiliation est de trente jours, à compter de la réception.",
    "odd/utf16.txt": "Die Kündigungsfrist beträgt drei Monate zum Quartalsende.",
    "odd/utf16-nobom.txt": "The tenant shall repaint the premises every five years.",
}


def build(root: Path, outside: Path) -> socket.socket:
    """sample_docs under good/, and next to them, under odd/, every kind of file that goes wrong."""
    shutil.copytree(SAMPLE_DOCS, root / "good")
    odd = root / "odd"
    odd.mkdir()
    nda = NDA.read_bytes()
    (odd / "empty.txt").write_bytes(b"")
    (odd / "empty.pdf").write_bytes(b"")
    (odd / "truncated.pdf").write_bytes(nda[: len(nda) // 2])
    (odd / "random.pdf").write_bytes(random.Random(7).randbytes(50_000))
    (odd / "webpage.pdf").write_bytes(f"<!DOCTYPE html><html><title>{CANARY}</title><body>{CANARY}</body></html>"
                                      .encode())
    (odd / "broken-object.pdf").write_bytes(f"%PDF-1.4\n1 0 obj << /{CANARY} ({CANARY}) >> {CANARY}\n%%EOF"
                                            .encode())
    _encrypted(odd / "encrypted-open.pdf", "")
    _encrypted(odd / "encrypted-locked.pdf", "s3cret")
    _blank_pdf(odd / "scan.pdf")
    (odd / "bomb.pdf").write_bytes(flate_pdf([text_page(CANARY, padding=300_000_000)]))
    (odd / "binary.txt").write_bytes(bytes(range(256)) * 40 + CANARY.encode())
    (odd / "photo.md").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(3).randbytes(4000))
    with open(odd / "huge.txt", "wb") as huge:
        huge.truncate(21 * MB)  # sparse: over the limit, never read
    for name, text in TEXTS.items():
        encoding = {"odd/latin1.txt": "latin-1", "odd/utf16.txt": "utf-16", "odd/utf16-nobom.txt": "utf-16-le"}[name]
        (root / name).write_bytes(text.encode(encoding))
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    # 3 MB on one line: cut into blocks and chunks without holding its tokens at once
    (odd / "one-line.txt").write_text(" ".join("".join(rng.choice(letters) for _ in range(150))
                                               for _ in range(20_000)))
    (odd / "blob.md").write_text("x" * 1_500_000)  # 1.5 MB without a space or newline
    os.mkfifo(odd / "pipe.txt")
    agent = socket.socket(socket.AF_UNIX)
    agent.bind(str(odd / "agent.md"))
    (odd / "zero.txt").symlink_to("/dev/zero")
    (odd / "self-loop.txt").symlink_to(odd / "self-loop.txt")
    (odd / "a.md").symlink_to(odd / "b.md")
    (odd / "b.md").symlink_to(odd / "a.md")
    (odd / "folder-link.pdf").symlink_to(root / "good")
    (odd / "report.pdf").mkdir()
    (odd / "report.pdf" / "inside.txt").write_text("A folder named like a PDF holds this note on the lease renewal.")
    deep = odd.joinpath(*[f"level{i:02d}" for i in range(60)])
    deep.mkdir(parents=True)
    (deep / "deep note.txt").write_text("The deepest note says the boiler was serviced in March.")
    (odd / "Vertrag [Entwurf] (2).txt").write_text("Der Vertrag verlängert sich automatisch um ein Jahr.")
    (odd / "合同 草案.md").write_text("# 合同\n本合同自签署之日起生效。")
    (odd / "Договор №5.txt").write_text("Договор вступает в силу с момента подписания.")
    Path(os.fsdecode(os.fsencode(odd) + b"/caf\xe9.txt")).write_text("a name from an old archive")
    (odd / ".hidden.txt").write_text("hidden")
    (odd / "inside-link.txt").symlink_to(odd / "report.pdf" / "inside.txt")
    outside.mkdir()
    (outside / "secret.txt").write_text("outside the indexed folder")
    (odd / "leak.txt").symlink_to(outside / "secret.txt")
    return agent


def _encrypted(path: Path, password: str) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(NDA))
    writer.encrypt(user_password=password, owner_password="owner-only", algorithm="AES-256")
    with open(path, "wb") as handle:
        writer.write(handle)


def _blank_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    with open(path, "wb") as handle:
        writer.write(handle)


def run_index(store: Path, folder: Path, *flags: str) -> tuple[int, str, str, float]:
    """``ragbox index`` in a child process: exit status, stdout, stderr, peak RSS in MB."""
    env = {**os.environ, "RAGBOX_STORE__DIR": str(store), "RAGBOX_INDEX__MAX_FILE_MB": str(MAX_FILE_MB),
           "RAGBOX_INDEX__MAX_READ_SECONDS": "120", "PYTHONPATH": str(REPO)}
    env.pop("RAGBOX_CONFIG", None)
    peak_file = store.parent / f"peak-{time.monotonic_ns()}"
    # Through a small launcher: a process started straight from this test process would inherit
    # its peak RSS (Linux keeps the high-water mark across exec), which grows with the suite.
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(peak_file), sys.executable, "-m", "ragbox",
                             "index", *flags, str(folder)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Thread(target=_kill_when_over, args=(proc, WATCHDOG_MB), daemon=True)
    watchdog.start()
    out, err = [], []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read())) for s, b in
               ((proc.stdout, out), (proc.stderr, err))]
    for reader in readers:
        reader.start()
    proc.wait()
    for reader in readers:
        reader.join()
    peak_kb = int(peak_file.read_text()) if peak_file.exists() else 0
    return proc.returncode, "".join(out), "".join(err), peak_kb / 1024


# Runs a command and writes its peak RSS (kB; its waited-for children included) to argv[1].
LAUNCHER = ("import os, subprocess, sys; child = subprocess.Popen(sys.argv[2:]); _, status, usage = "
            "os.wait4(child.pid, 0); open(sys.argv[1], 'w').write(str(usage.ru_maxrss)); "
            "sys.exit(os.waitstatus_to_exitcode(status))")


def _kill_when_over(proc: subprocess.Popen, limit_mb: int) -> None:
    while proc.poll() is None:
        for pid in _descendants(proc.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            if rss > limit_mb * 1024:
                for victim in (pid, proc.pid):
                    try:
                        os.kill(victim, signal.SIGKILL)
                    except OSError:
                        pass
                return
        time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    found = [pid]
    for child in _children(pid):
        found += _descendants(child)
    return found


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def relative(summary_paths, root: Path) -> dict:
    return {os.path.relpath(p, root): r for p, r in summary_paths.items()}


def test_a_hostile_folder_indexes_to_completion_with_every_bad_file_explained(tmp_path):
    root, store = tmp_path / "folder", tmp_path / "store"
    root.mkdir()
    agent = build(root, tmp_path / "outside")
    try:
        status, out, err, peak_mb = run_index(store, root, "--json")
        assert status == 0, err
        summary = json.loads(out)
        skipped = relative(summary["skipped_files"], root)
        expected = {**SKIPPED, "odd/leak.txt": f"symbolic link to a file outside the indexed folders "
                                               f"({(tmp_path / 'outside' / 'secret.txt').resolve()})"}
        assert skipped == expected
        assert all("\n" not in reason for reason in skipped.values())
        indexed = {os.path.relpath(p, root) for p in _catalog_paths(store)}
        good = {str(p.relative_to(root)) for p in (root / "good").rglob("*") if p.is_file()}
        assert indexed == INDEXED | good
        assert peak_mb < CEILING_MB, f"peak RSS {peak_mb:.0f} MB"
        _check_contents(store, root)
        assert CANARY not in out + err

        status, out, err, _ = run_index(store, root)  # the second run, as a person reads it
        assert status == 0, err
        out = out.strip()
        assert out.startswith(f"Indexed 0 file(s), {len(indexed)} unchanged, 0 renamed, 0 removed, "
                              f"{len(expected)} skipped; 0 pages, 0 new chunks")
        assert CANARY not in out + err
        assert len(out.splitlines()) == 1 + len(expected)  # one line per skipped file
    finally:
        agent.close()


def _catalog_paths(store: Path) -> list[str]:
    with sqlite3.connect(store / "indexes" / "default" / "catalog.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT path FROM documents WHERE state='ready'")]


def _check_contents(store: Path, root: Path) -> None:
    """What was indexed is right: decoded text exactly, exact offsets, the encrypted filing read."""
    with sqlite3.connect(store / "indexes" / "default" / "catalog.sqlite3") as db:
        rows = db.execute("SELECT d.path, c.char_start, c.char_end, c.text FROM chunks c "
                          "JOIN documents d ON d.doc_id = c.doc_id ORDER BY d.path, c.seq").fetchall()
    chunks: dict[str, list] = {}
    for path, start, end, text in rows:
        chunks.setdefault(os.path.relpath(path, root), []).append((start, end, text))
    for name, text in TEXTS.items():
        assert [c[2] for c in chunks[name]] == [text]
    line = (root / "odd" / "one-line.txt").read_text()
    assert all(line[start:end] == text for start, end, text in chunks["odd/one-line.txt"])
    assert chunks["odd/one-line.txt"][0][0] == 0 and chunks["odd/one-line.txt"][-1][1] == len(line)
    assert "".join(c[2] for c in chunks["odd/blob.md"]) == "x" * 1_500_000
    assert any("thirty (30) days' written notice" in c[2] for c in chunks["odd/encrypted-open.pdf"])
