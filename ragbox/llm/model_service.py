"""The engine's LLM services: building the generator a setting names, listing the models on this
machine, and checking that one runs here."""

from __future__ import annotations

import time
from pathlib import Path

from ragbox.config import LLMSettings
from ragbox.errors import RagboxError
from ragbox.llm.generator import Generator, Prompt


def make_generator(cfg: LLMSettings, model: str | None, model_dirs: list[Path]) -> Generator:
    """The backend ``llm.backend`` names: ``model`` (a GGUF path or a model name; None:
    ``llm.model_path``) in a worker process, or the server of ``llm.base_url`` (``model``, else
    ``llm.model``, naming the server's model); or the scripted stand-in."""
    if cfg.backend == "scripted":
        from ragbox.llm.scripted_backend import SCRIPTED_NAME, ScriptedGenerator

        return ScriptedGenerator(name=model or cfg.model_path or SCRIPTED_NAME, context_size=cfg.n_ctx,
                                 prompt_style=cfg.prompt_style)
    if cfg.base_url:
        from ragbox.llm.server_confinement import BaseUrlClient

        return BaseUrlClient(cfg, model or "")
    from ragbox.llm.model_catalog import resolve
    from ragbox.llm.model_process import WorkerGenerator

    entry = resolve(cfg.model_path if model is None else model, model_dirs)
    # A file is known by its file name; a model in a store by its name there (an Ollama blob's
    # file name is its digest).
    name = entry.path.name if entry.source in ("file", "folder", "bundled") else entry.name
    return WorkerGenerator(entry.path, cfg.n_ctx, cfg.threads, cfg.temperature, cfg.seed, cfg.prompt_style,
                           cfg.timeout_s, cfg.check_memory, name=name)


def list_models(cfg: LLMSettings, model_dirs: list[Path], in_use: str) -> list[dict]:
    import psutil

    from ragbox.llm.model_catalog import discover
    from ragbox.llm.model_facts import describe

    available = psutil.virtual_memory().available
    rows = [describe(entry, cfg.n_ctx, available) for entry in discover(model_dirs)]
    if not in_use and not cfg.base_url:
        from ragbox import bundled

        in_use = bundled.LLM_FILE.removesuffix(".gguf")  # the default: the bundled model
    for row in rows:
        row["in_use"] = in_use in (row["path"], row["name"])
        row["available_bytes"] = available
    return rows


def model_info(cfg: LLMSettings, name: str, model_dirs: list[Path]) -> dict:
    import psutil

    from ragbox.llm.model_catalog import resolve
    from ragbox.llm.model_facts import describe, transparency

    entry = resolve(name, model_dirs)
    row = describe(entry, cfg.n_ctx, psutil.virtual_memory().available)
    if not row["error"]:
        row["transparency"] = transparency(entry)
    return row


def check(generator: Generator) -> dict:
    """Load ``generator`` and have it write a few tokens. A crash, a hang or a load failure is
    ``ok: False`` with the one-line reason; ``detail`` is always one line."""
    try:
        started = time.perf_counter()
        generator.load()
        loaded = time.perf_counter() - started
        if generator.prompt_style() == "chat":
            prompt = Prompt("chat", messages=[{"role": "user", "content": "Say hello."}])
        else:
            prompt = Prompt("completion", text="The capital of France is")
        started = time.perf_counter()
        pieces = [piece for piece in generator.stream(prompt, 8) if piece]
        wrote = time.perf_counter() - started
        info = generator.info
    except RagboxError as exc:
        return {"ok": False, "model": generator.name, "detail": exc.one_line()}
    detail = f"runs here: loaded in {loaded:.1f} s, wrote {len(pieces)} pieces in {wrote:.1f} s"
    if info:
        threads = info["threads"]
        detail += (f" on {threads} thread{'s' if threads != 1 else ''} with llama-cpp-python "
                   f"{info['llama_cpp_version']} using {cpu_features(info['system_info'])}")
    return {"ok": True, "model": generator.name, "detail": detail, "system_info": info.get("system_info", "")}


def cpu_features(system_info: str) -> str:
    """``AVX2, FMA, ...``: the features ``llama_print_system_info`` reports as in use."""
    names = [part.split("=")[0].strip() for part in system_info.replace("CPU :", "|").split("|")
             if part.strip().endswith("= 1")]
    return ", ".join(names) or system_info or "unknown CPU features"
