"""``ragbox watch`` as a user runs it: a real process, real file events, Ctrl+C to stop."""

import os
import selectors
import signal
import subprocess
import sys
import time

import pytest

from make_files import write_eml
from support import REPO

pytestmark = pytest.mark.slow


def read_until(proc, fragment: str, seen: list[str], timeout: float = 180) -> None:
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while not any(fragment in line for line in seen):
        assert time.monotonic() < deadline, f"no {fragment!r} in {seen}"
        assert proc.poll() is None, f"watch ended: {seen} {proc.stderr.read()}"
        if selector.select(timeout=0.5):
            seen.append(proc.stdout.readline())


def test_watch_prints_each_change_and_stops_on_ctrl_c(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "memo.md").write_text("# Memo\nThe office moves to Harbour Street in June.\n")
    env = {**os.environ, "RAGBOX_STORE__DIR": str(tmp_path / "store"), "HF_HUB_OFFLINE": "1",
           "PYTHONUNBUFFERED": "1", "RAGBOX_INDEX__OCR": "off",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "ragbox", "watch", str(folder)], env=env, cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        read_until(proc, "for changes (Ctrl+C stops)", seen)
        assert any(line.startswith("Indexed 1 file(s)") for line in seen)
        write_eml(folder / "lease.eml", attachments=[("bad.pdf", b"%PDF nonsense", "application", "pdf")])
        read_until(proc, "indexed lease.eml", seen)
        read_until(proc, "skipped lease.eml › bad.pdf: unreadable PDF", seen)
        (folder / "memo.md").rename(folder / "moved memo.md")
        read_until(proc, "renamed memo.md -> moved memo.md", seen)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("Stopped watching.")
