"""``ragbox watch`` as a user runs it: a real process, real file events, Ctrl+C to stop."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from make_files import write_eml
from support import REPO

pytestmark = pytest.mark.slow


class Lines:
    """The process's output lines, read by a thread as they come (a select() on the pipe would
    miss lines already taken into the reader's buffer)."""

    def __init__(self, proc) -> None:
        self.proc = proc
        self.seen: list[str] = []
        self.reader = threading.Thread(target=lambda: self.seen.extend(iter(proc.stdout.readline, "")), daemon=True)
        self.reader.start()

    def wait_for(self, fragment: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while not any(fragment in line for line in list(self.seen)):
            assert time.monotonic() < deadline, f"no {fragment!r} in {self.seen}"
            assert self.proc.poll() is None, f"watch ended: {self.seen}"
            time.sleep(0.1)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_watch_prints_each_change_and_stops_on_ctrl_c_or_sigterm(tmp_path, stop_signal):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "memo.md").write_text("# Memo\nThe office moves to Harbour Street in June.\n")
    env = {**os.environ, "RAGBOX_STORE__DIR": str(tmp_path / "store"), "HF_HUB_OFFLINE": "1",
           "PYTHONUNBUFFERED": "1", "RAGBOX_INDEX__OCR": "off",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "ragbox", "watch", str(folder)], env=env, cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = Lines(proc)
    try:
        lines.wait_for("for changes (Ctrl+C stops)")
        assert lines.seen[0].startswith("Indexed 1 file(s)")
        write_eml(folder / "lease.eml", attachments=[("bad.pdf", b"%PDF nonsense", "application", "pdf")])
        lines.wait_for("indexed lease.eml")
        lines.wait_for("skipped lease.eml › bad.pdf: not a PDF file (it looks like plain text)")
        (folder / "memo.md").rename(folder / "moved memo.md")
        lines.wait_for("renamed memo.md -> moved memo.md")
    finally:
        proc.send_signal(stop_signal)
        proc.wait(timeout=60)
        lines.reader.join(timeout=10)
    assert proc.returncode == 0, proc.stderr.read()
    assert lines.seen[-1] == "Stopped watching.\n"
