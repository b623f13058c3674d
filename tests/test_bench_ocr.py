"""bench/ocr.py at its smallest (one page of the sample NDA, RapidOCR's old settings against
ragbox's), so a change to how pages are read by OCR cannot break the OCR bench unseen."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from support import NDA, REPO, cli_env


@pytest.mark.slow
def test_ocr_bench_runs_small_and_compares_the_variants(tmp_path) -> None:
    (tmp_path / "pdfs").mkdir()
    shutil.copy(NDA, tmp_path / "pdfs" / NDA.name)
    result = subprocess.run([sys.executable, str(REPO / "bench" / "ocr.py"), "--pdfs", str(tmp_path / "pdfs"),
                             "--files", "1", "--pages", "1", "--variants", "before", "now",
                             "--models", str(tmp_path / "models")],
                            env=cli_env(tmp_path / "store"), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    summaries = [line for line in result.stdout.splitlines() if not line.startswith("  ")]
    assert [line.split()[0] for line in summaries] == ["before", "now"]
    for line in summaries:
        found = re.search(r"1 pages, accuracy mean (\S+) min (\S+) weighted (\S+); CPU (\S+) s/page", line)
        assert found, line
        assert float(found[1]) > 0.95 and float(found[4]) > 0  # a page of clean print is read nearly whole
    assert list((tmp_path / "models").glob("*_int8_*.onnx"))  # the int8 model, built where it was told
