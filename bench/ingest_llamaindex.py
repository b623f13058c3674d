"""Indexing annual reports: ragbox against a LlamaIndex default pipeline, on the same files.

    python bench/ingest_llamaindex.py [--pdfs DIR] [--files 5] [--pattern '*10K*.pdf']
                                      [--llamaindex-python /work/li-venv/bin/python] [--sides ragbox llamaindex]
                                      [--before-repo CHECKOUT]

Takes the --files smallest PDFs matching --pattern in DIR (default: the FinanceBench filings, 10-Ks:
table-heavy, so parsing is most of the work), links them into one folder, and indexes it twice,
each run a subprocess of its own started cold, as a user would run it:

- ragbox: ``ragbox index FOLDER`` into a fresh store (its defaults: OCR on, int8 embedding).
- LlamaIndex: its default pipeline, SimpleDirectoryReader -> the default SentenceSplitter ->
  VectorStoreIndex (in-memory) with HuggingFaceEmbedding of the same local MiniLM folder ragbox
  embeds with, run by --llamaindex-python (a venv of its own, so ragbox's stays untouched). When
  that Python has no LlamaIndex, the line says so and no ratio is printed.

Prints a line a side (wall seconds, CPU seconds of the process and its children, peak RSS of its
largest process, passages made) and the ratio LlamaIndex / ragbox of wall and CPU time, against
issue 23's target of 1.5. --before-repo also indexes with ragbox run from another checkout (main,
for a before/after in the same run). Nothing is fetched: HF_HUB_OFFLINE=1 and a local model path.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FINANCEBENCH = next((p / "shared" / "evaldata" / "financebench" / "docs" for p in REPO.parents
                     if (p / "shared" / "evaldata").is_dir()), Path("shared/evaldata/financebench/docs"))
TARGET = 1.5
NO_LLAMAINDEX = 3  # the exit code of the LlamaIndex side when its Python cannot import it


def chosen_files(folder: Path, pattern: str, count: int) -> list[Path]:
    """The ``count`` smallest files matching ``pattern`` (smallest: a run that fits a CI machine)."""
    return sorted(folder.glob(pattern), key=lambda p: (p.stat().st_size, p.name))[:count]


def linked_folder(files: list[Path], work: Path) -> Path:
    folder = work / "docs"
    folder.mkdir(parents=True)
    for path in files:
        try:
            os.link(path, folder / path.name)
        except OSError:  # another file system: a copy (ragbox skips symbolic links)
            shutil.copy2(path, folder / path.name)
    return folder


def run_side(command: list[str], env: dict) -> dict:
    """Runs ``command``: its exit code, output, wall seconds, and from wait4 its CPU seconds (its
    reaped children's included) and the peak RSS of its largest process."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "code": process.returncode, "stdout": out.read(), "stderr": err.read(),
                "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def ragbox_side(folder: Path, work: Path, repo: Path = REPO) -> dict:
    """``ragbox index`` of ``folder`` into a fresh store, run from the checkout ``repo``."""
    shutil.rmtree(work / "store", ignore_errors=True)
    env = {**os.environ, "RAGBOX_STORE__DIR": str(work / "store"), "PYTHONPATH": str(repo), "HF_HUB_OFFLINE": "1"}
    env.pop("RAGBOX_CONFIG", None)
    result = run_side([sys.executable, "-m", "ragbox", "index", "--json", str(folder)], env)
    if result["code"] == 0:
        try:
            result["passages"] = json.loads(result["stdout"]).get("chunks")
        except ValueError:
            result["passages"] = None
    return result


def llamaindex_side(python: str, folder: Path, model: Path) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env.pop("PYTHONPATH", None)
    result = run_side([python, str(Path(__file__).resolve()), "--as-llamaindex", str(folder), str(model)], env)
    if result["code"] == 0:
        result["passages"] = int(result["stdout"].split()[-1])
    return result


def embedding_model() -> Path:
    """The MiniLM folder ragbox embeds with (its configured or bundled model)."""
    sys.path.insert(0, str(REPO))
    from ragbox.config import load_settings
    from ragbox.store.embeddings import resolve_model_dir

    return resolve_model_dir(load_settings().embedding.model)


def ratios(ragbox: dict, llamaindex: dict) -> dict:
    """How many times longer LlamaIndex took than ragbox, wall and CPU."""
    return {key: llamaindex[key] / ragbox[key] if ragbox[key] > 0 else float("inf") for key in ("wall", "cpu")}


def side_line(name: str, result: dict) -> str:
    return (f"{name}: wall {result['wall']:.1f} s, CPU {result['cpu']:.1f} s, peak RSS {result['rss_mb']:.0f} MB, "
            f"{result.get('passages')} passages")


def as_llamaindex(folder: Path, model: Path) -> None:
    """The LlamaIndex side, inside its own venv: its defaults, only the embedding model named."""
    try:
        from llama_index.core import Settings, SimpleDirectoryReader, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    except ImportError as exc:
        print(f"LlamaIndex is not installed in {sys.executable} ({exc})", file=sys.stderr)
        raise SystemExit(NO_LLAMAINDEX) from exc
    Settings.llm = None  # indexing needs no LLM; its default would be OpenAI's
    Settings.embed_model = HuggingFaceEmbedding(model_name=str(model), device="cpu")
    documents = SimpleDirectoryReader(str(folder)).load_data()
    index = VectorStoreIndex.from_documents(documents)
    print("passages", len(index.docstore.docs))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, default=FINANCEBENCH)
    parser.add_argument("--pattern", default="*10K*.pdf")
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--llamaindex-python", default="/work/li-venv/bin/python")
    parser.add_argument("--sides", nargs="+", default=["ragbox", "llamaindex"], choices=["ragbox", "llamaindex"])
    parser.add_argument("--before-repo", type=Path, help="also index with ragbox run from this checkout, first")
    parser.add_argument("--as-llamaindex", nargs=2, type=Path, metavar=("FOLDER", "MODEL"), help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if args.as_llamaindex:
        as_llamaindex(*args.as_llamaindex)
        return
    files = chosen_files(args.pdfs, args.pattern, args.files)
    if not files:
        raise SystemExit(f"no files matching {args.pattern} in {args.pdfs}")
    print(f"files: {len(files)} ({sum(p.stat().st_size for p in files) / 1e6:.1f} MB): "
          f"{', '.join(p.name for p in files)}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="ragbox-vs-llamaindex-") as temporary:
        work = Path(temporary)
        folder = linked_folder(files, work)
        if args.before_repo:
            before = ragbox_side(folder, work, args.before_repo)
            print(side_line(f"ragbox ({args.before_repo})", before) if before["code"] == 0
                  else f"ragbox ({args.before_repo}) failed: {before['stderr'].strip()[-500:]}", flush=True)
        for side in args.sides:
            if side == "ragbox":
                result = ragbox_side(folder, work)
            elif not Path(args.llamaindex_python).is_file():
                print(f"llamaindex: not installed ({args.llamaindex_python} does not exist)")
                continue
            else:
                result = llamaindex_side(args.llamaindex_python, folder, embedding_model())
            if result["code"] == NO_LLAMAINDEX and side == "llamaindex":
                print(f"llamaindex: not installed ({result['stderr'].strip().splitlines()[-1]})")
                continue
            if result["code"] != 0:
                raise SystemExit(f"{side} failed ({result['code']}): {result['stderr'].strip()[-2000:]}")
            results[side] = result
            print(side_line(side, result), flush=True)
    if len(results) == 2:
        found = ratios(results["ragbox"], results["llamaindex"])
        print(f"ratio LlamaIndex / ragbox: wall {found['wall']:.2f}x, CPU {found['cpu']:.2f}x "
              f"(target {TARGET}x; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
