"""Text generation with llama-cpp-python: the only module importing llama_cpp.

``LlamaCppGenerator`` runs the model in the process that creates it. ragbox creates it only inside
its model worker (``model_worker``), so a crash of llama.cpp never takes ragbox down; the engine
talks to the worker through ``model_process.WorkerGenerator``, which has the same interface.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterator

from ragbox.cpu import free_cores
from ragbox.errors import ModelError
from ragbox.llm.generator import COMPLETION_STOPS, Generator, Prompt

_LOG_CALLBACK = None


def _silence_llama_logs() -> None:
    """llama.cpp prints load details to stderr even with verbose=False; ragbox's output stays clean."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is None:
        import ctypes

        import llama_cpp

        @llama_cpp.llama_log_callback
        def ignore(level, text, user_data):  # noqa: ARG001
            return None

        _LOG_CALLBACK = ignore  # keep a reference: ctypes callbacks must outlive their use
        llama_cpp.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p())


class LlamaCppGenerator(Generator):
    def __init__(self, model_path: Path, n_ctx: int, threads: int = 0, temperature: float = 0.0,
                 seed: int = 0, prompt_style: str = "auto") -> None:
        if not Path(model_path).is_file():
            raise ModelError("LLM model file not found", "set llm.model_path or --model to a .gguf file", model_path)
        self.model_path = Path(model_path)
        self.name = self.model_path.name
        self.context_size = n_ctx
        self.threads = threads
        self.temperature = temperature
        self.seed = seed
        self._style = prompt_style
        self._llm = None
        self._loading = threading.Lock()  # the TUI may ask while a worker is still loading
        self.should_stop: Callable[[], bool] | None = None  # polled inside llama.cpp's compute
        self._abort_callback = None

    def _load(self):
        with self._loading:
            return self._load_once()

    def _load_once(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama

                _silence_llama_logs()

                self.threads = self.threads or free_cores()
                self._llm = Llama(
                    model_path=str(self.model_path), n_ctx=self.context_size,
                    n_threads=self.threads, seed=self.seed, verbose=False,
                )
            except Exception as exc:
                raise ModelError("Cannot load LLM", f"{type(exc).__name__}: {exc}", self.model_path) from exc
            if self.should_stop is not None:
                self._install_abort_callback()
        return self._llm

    def _install_abort_callback(self) -> None:
        """Let ``should_stop`` interrupt llama.cpp between two operations of a decode, so a cancel
        stops even the reading of a long prompt (one ``llama_decode`` of up to 512 tokens)."""
        import llama_cpp

        check = self.should_stop

        @llama_cpp.ggml_abort_callback
        def abort(data):  # noqa: ARG001
            return bool(check())

        self._abort_callback = abort  # keep a reference: ctypes callbacks must outlive their use
        llama_cpp.llama_set_abort_callback(self._llm._ctx.ctx, abort, None)

    def load(self) -> None:
        self._load()

    def has_chat_template(self) -> bool:
        return bool(self._load().metadata.get("tokenizer.chat_template"))

    def prompt_style(self) -> str:
        if self._style != "auto":
            return self._style
        return "chat" if self.has_chat_template() else "completion"

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        return [self.count_tokens(text) for text in texts]

    def stream(self, prompt: Prompt, max_tokens: int) -> Iterator[str]:
        llm = self._load()
        if prompt.style == "chat":
            chunks = llm.create_chat_completion(
                messages=prompt.messages, max_tokens=max_tokens, temperature=self.temperature,
                seed=self.seed, stream=True)
            for chunk in chunks:
                text = chunk["choices"][0]["delta"].get("content")
                if text:
                    yield text
        else:
            chunks = llm.create_completion(
                prompt=prompt.text, max_tokens=max_tokens, temperature=self.temperature,
                seed=self.seed, stop=COMPLETION_STOPS, stream=True)
            for chunk in chunks:
                text = chunk["choices"][0]["text"]
                if text:
                    yield text


def system_info() -> str:
    """The CPU features this llama.cpp build uses, as llama.cpp prints them."""
    import llama_cpp

    return llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()


def library_version() -> str:
    import llama_cpp

    return getattr(llama_cpp, "__version__", "?")
