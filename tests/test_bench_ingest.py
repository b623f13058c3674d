"""bench/ingest.py at a tiny size (3 files of sample_docs, the ONNX fp32 ceiling), so a change to
indexing or its rules cannot break the ingestion benchmark unseen (its --limit once indexed nothing:
its subset was symbolic links, which indexing skips). Real models, in a subprocess."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, SAMPLE_DOCS, cli_env


@pytest.mark.slow
def test_ingest_bench_runs_on_three_files(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "ingest.py"), str(SAMPLE_DOCS), "--limit", "3",
                             "--ceiling", "onnx"], capture_output=True, text=True, timeout=600,
                            env=cli_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if ":" in line}
    assert lines["files"] == "3 indexed, 0 skipped"
    assert lines["pages by coverage"].startswith("3 pages: 3 text, 0 OCR, 0 unreadable.")
    assert float(lines["ratio to the onnx-fp32 ceiling"]) > 0
    assert lines["no-op re-index"].endswith("of the first run)")
    peaks = {stage: [float(mb) for mb in re.findall(r"(\d+) MB", lines[f"peak RSS, {stage}"])]
             for stage in ("loading the models", "indexing", "no-op re-index", "embedding only")}
    own, largest_child, together = peaks["indexing"]
    # this process and the parse child are both measured. "All at once" is sampled every 0.25 s and
    # is never less than either part (bench/memory.py): above this process's peak only when a sample
    # lands while both are near theirs, so it is not asserted to be (it failed so, 212 MB both, on CI)
    assert own > 50 and largest_child > 20 and together > 0


@pytest.mark.slow
def test_ingest_bench_leaves_out_scans_when_asked(tmp_path: Path) -> None:
    """--sample with --without-scans: the scanned PDF is not among the files indexed, and the
    embedding-only runs timed on a few chunks still give both ratios."""
    from make_files import write_scan

    folder = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS / "contracts", folder)
    write_scan(folder / "scanned.pdf")
    result = subprocess.run([sys.executable, str(REPO / "bench" / "ingest.py"), str(folder), "--sample", "3",
                             "--without-scans", "--ceiling", "onnx", "--ceiling-sample", "5"],
                            capture_output=True, text=True, timeout=600, env=cli_env(tmp_path / "home"))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if ":" in line}
    assert lines["files"] == "2 indexed, 0 skipped"  # the two contracts; the scan left out
    assert lines["pages by coverage"].split(" {")[0].endswith("0 OCR, 0 unreadable.")
    assert float(lines["ratio to the onnx-fp32 ceiling"]) > 0
    assert float(lines["CPU ratio to the ceiling"].split()[0]) > 0
    timed = lines["chunks/s embedding only (onnx-fp32, the ceiling)"].split("timed on ")[1].split()[0]
    assert 5 <= int(timed) < int(lines["chunks"])
