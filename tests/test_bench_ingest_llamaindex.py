"""bench/ingest_llamaindex.py at its smallest: the ragbox side indexes the two sample contracts in a
subprocess and prints its line; a Python without LlamaIndex is said to be one, with no ratio; the
ratio is LlamaIndex's time over ragbox's. The LlamaIndex side itself runs only where its own venv
exists (LLAMAINDEX_PYTHON, default /work/li-venv/bin/python): it is not a ragbox dependency, so CI
skips that test."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, SAMPLE_DOCS, cli_env

LLAMAINDEX_PYTHON = Path(os.environ.get("LLAMAINDEX_PYTHON", "/work/li-venv/bin/python"))
SIDE = re.compile(r"^(ragbox|llamaindex): wall (\S+) s, CPU (\S+) s, peak RSS (\d+) MB, (\d+) passages$")


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_ingest_llamaindex", REPO / "bench" / "ingest_llamaindex.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_bench(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "bench" / "ingest_llamaindex.py"), "--pdfs",
                           str(SAMPLE_DOCS / "contracts"), "--pattern", "*.pdf", "--files", "2", *flags],
                          env=cli_env(tmp_path / "store"), capture_output=True, text=True, timeout=900)


def test_the_ratio_is_llamaindex_time_over_ragbox_time() -> None:
    bench = bench_module()
    found = bench.ratios({"wall": 10.0, "cpu": 4.0}, {"wall": 25.0, "cpu": 7.0})
    assert found == {"wall": 2.5, "cpu": 1.75}
    line = bench.side_line("ragbox", {"wall": 10.04, "cpu": 4.0, "rss_mb": 300.4, "passages": 53})
    assert line == "ragbox: wall 10.0 s, CPU 4.0 s, peak RSS 300 MB, 53 passages"


@pytest.mark.slow
def test_ragbox_side_indexes_and_a_python_without_llamaindex_gives_no_ratio(tmp_path: Path) -> None:
    result = run_bench(tmp_path, "--llamaindex-python", sys.executable)  # ragbox's venv has no LlamaIndex
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("files: 2 ")
    found = SIDE.match(lines[1])
    assert found and found[1] == "ragbox", lines[1]
    assert float(found[2]) > 0 and float(found[3]) > 0 and int(found[5]) > 10
    assert lines[2].startswith("llamaindex: not installed (")
    assert not any(line.startswith("ratio") for line in lines)


@pytest.mark.slow
@pytest.mark.skipif(not LLAMAINDEX_PYTHON.is_file(),
                    reason=f"LlamaIndex's own venv is absent ({LLAMAINDEX_PYTHON}); it is not a ragbox dependency")
def test_both_sides_give_a_ratio(tmp_path: Path) -> None:
    result = run_bench(tmp_path, "--llamaindex-python", str(LLAMAINDEX_PYTHON))
    assert result.returncode == 0, result.stderr[-3000:]
    sides = [SIDE.match(line) for line in result.stdout.splitlines()[1:3]]
    assert [s[1] for s in sides if s] == ["ragbox", "llamaindex"]
    assert re.search(r"^ratio LlamaIndex / ragbox: wall \S+x, CPU \S+x \(target 1.5x", result.stdout, re.M)
