"""One-time model builds run in child processes (``offline.in_child_process``): torch's tracer and
ONNX Runtime's quantiser peak at 500-800 MB, which the indexing process used to keep for the whole
run (the README demo's first `index` peaked at 1.27 GB, 0.33 GB now in the indexing process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ragbox.errors import ModelError
from ragbox.offline import in_child_process

from support import REPO

BUILD_AND_REPORT = """
import json, sys
from pathlib import Path
import rapidocr
from ragbox.bundled import embedding_model_dir
from ragbox.ingest.ocr import MODEL_FILES
from ragbox.ingest.ocr_models import int8_model
from ragbox.store.embeddings import make_embedder

make_embedder(embedding_model_dir(), "onnx", "int8").embed(["governing law"])
int8_model(Path(rapidocr.__file__).parent / "models" / MODEL_FILES["Rec"], Path(sys.argv[1]), 1.0, head_only=True)
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
heavy = ("torch", "transformers", "onnxruntime.quantization")
print(json.dumps({"modules": sorted(m for m in heavy if m in sys.modules),
                  "peak_mb": int(status["VmHWM"].split()[0]) // 1024}))
"""


@pytest.mark.slow
def test_the_embedding_export_and_the_ocr_build_leave_their_libraries_in_a_child(tmp_path: Path) -> None:
    env = {**os.environ, "RAGBOX_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", BUILD_AND_REPORT, str(tmp_path / "index-models")], env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["modules"] == []  # built, checked and used without torch or the quantiser here
    assert report["peak_mb"] < 450  # 1,270 MB when this process built them itself
    assert list((tmp_path / "cache" / "onnx").glob("*/model-int8.v*.onnx"))
    assert list((tmp_path / "index-models").glob("*_int8head_*.onnx"))


def test_a_child_returns_its_result_and_raises_its_error_here(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "child_calls.py").write_text(
        "import os\n"
        "from ragbox.errors import ModelError\n"
        "def pid():\n    return os.getpid()\n"
        "def fail(path):\n    raise ModelError('Cannot build', 'no room', path)\n"
        "def die():\n    import sys; sys.stderr.write('killed mid-build\\n'); os._exit(9)\n"
        "class Odd(Exception):\n    def __reduce__(self):\n        raise TypeError('cannot pickle')\n"
        "def odd():\n    raise Odd('a library error that cannot be pickled')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    assert in_child_process("child_calls", "pid") != os.getpid()
    with pytest.raises(ModelError) as raised:
        in_child_process("child_calls", "fail", "/models/x.onnx")
    assert (raised.value.what, raised.value.why, raised.value.path) == ("Cannot build", "no room", "/models/x.onnx")
    with pytest.raises(ChildProcessError, match=r"exit 9\) killed mid-build"):
        in_child_process("child_calls", "die")
    with pytest.raises(RuntimeError, match="Odd: a library error that cannot be pickled"):
        in_child_process("child_calls", "odd")
