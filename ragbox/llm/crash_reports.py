"""What went wrong with the model worker, in one line with the fix: crashes, hangs, too little memory."""

from __future__ import annotations

import signal
from pathlib import Path

from ragbox.errors import ModelError

PORTABLE_BUILD = ('CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install --no-cache-dir --force-reinstall --no-deps '
                  'llama-cpp-python=={version}')
NATIVE_BUILD = PORTABLE_BUILD.replace("OFF", "ON")


def llama_cpp_version() -> str:
    """The installed llama-cpp-python, read from its metadata (this process never imports it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama-cpp-python")
    except PackageNotFoundError:
        return "0.3.36"


def portable_build_command() -> str:
    return PORTABLE_BUILD.format(version=llama_cpp_version())


def crash_error(model_path: Path, name: str, status: int | None, stderr_tail: list[str],
                memory: dict | None, n_ctx: int) -> ModelError:
    """The worker ended while ragbox waited for it; ``status`` as Popen reports it (-N: signal N)."""
    last = _last_line(stderr_tail)
    if status is not None and status < 0:
        number = -status
        if number == signal.SIGILL:
            return ModelError("The LLM crashed", "illegal instruction (SIGILL): this llama.cpp build uses a CPU "
                              "instruction this machine does not allow (a native build on a VM, e.g. Intel AMX); "
                              f"reinstall the portable build: {portable_build_command()}", model_path)
        if number == signal.SIGKILL:
            need = ""
            if memory:
                from ragbox.llm.model_facts import describe_memory, gb

                need = (f"{name} needs about {describe_memory(memory, n_ctx)} and "
                        f"{gb(memory['available'])} was available when it loaded; ")
            return ModelError("The LLM was killed", "SIGKILL, most likely by the out-of-memory killer: " + need +
                              "use a smaller model or quantization, lower llm.n_ctx, or close other programs",
                              model_path)
        if number in (signal.SIGSEGV, signal.SIGBUS):
            return ModelError("The LLM crashed", f"{signal.Signals(number).name} (a memory fault in llama.cpp)"
                              f"{': ' + last if last else ''}; the file may be damaged or of an architecture "
                              f"llama-cpp-python {llama_cpp_version()} does not support: try "
                              "`ragbox models --check NAME`, another download of it, or a newer llama-cpp-python",
                              model_path)
        if number == signal.SIGABRT:
            return ModelError("The LLM crashed", f"llama.cpp aborted (SIGABRT){': ' + last if last else ''}; "
                              "the model may not be supported by this llama-cpp-python: try "
                              "`ragbox models --check NAME` or a newer llama-cpp-python", model_path)
        try:
            what = signal.Signals(number).name
        except ValueError:
            what = f"signal {number}"
        return ModelError("The LLM worker was stopped", f"{what}{': ' + last if last else ''}; "
                          "ask again to restart it", model_path)
    if status is None:
        return ModelError("The LLM worker stopped answering", "its output pipe closed but it did not exit; "
                          "ask again to restart it", model_path)
    return ModelError("The LLM worker exited", f"exit status {status}{': ' + last if last else ''}", model_path)


def hang_error(model_path: Path, timeout_s: float) -> ModelError:
    return ModelError("The LLM stopped responding", f"no token and no sign of work for {timeout_s:g} s "
                      "(llm.timeout_s), so it was stopped; ask again to restart it, or raise llm.timeout_s "
                      "for a very slow machine", model_path)


def check_fits(model_path: Path, name: str, n_ctx: int) -> dict:
    """What the model needs, with the memory available now; refuses one that does not fit."""
    import psutil

    from ragbox.llm.gguf_header import GGUFFormatError, read_header
    from ragbox.llm.model_facts import describe_memory, gb, memory_needed, split_parts

    try:
        header = read_header(model_path)
        size = sum(part.stat().st_size for part in split_parts(Path(model_path)))
    except GGUFFormatError as exc:
        raise ModelError("Not a GGUF model file", str(exc), model_path) from None
    except OSError as exc:
        raise ModelError("Cannot read the model file", exc.strerror or str(exc), model_path) from None
    need = memory_needed(header, size, n_ctx)
    available = psutil.virtual_memory().available
    if need["total"] > available:
        raise ModelError("Not enough memory for the LLM",
                         f"{name} needs about {describe_memory(need, n_ctx)}, {gb(available)} is available now; "
                         "choose a smaller model or quantization, lower llm.n_ctx, or close other programs "
                         "(llm.check_memory = false loads it anyway)", model_path)
    return {**need, "available": available}


def _last_line(lines: list[str]) -> str:
    """The line most likely to say what failed: an error or a failed assert, else the last one."""
    for line in reversed(lines):
        if any(word in line for word in ("GGML_ASSERT", "error", "Error", "failed")):
            return line.strip()[:300]
    for line in reversed(lines):
        line = line.strip()
        if line and not line.startswith(("Traceback", "File ")):
            return line[:300]
    return ""
