"""Text generation with llama-cpp-python: the only module importing llama_cpp.

``LlamaCppGenerator`` runs the model in the process that creates it. ragbox creates it only inside
its model worker (``model_worker``), so a crash of llama.cpp never takes ragbox down; the engine
talks to the worker through ``model_process.WorkerGenerator``, which has the same interface.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import Callable, Iterator, Protocol

from ragbox.answer.prompting import Prompt
from ragbox.cpu import free_cores
from ragbox.errors import ModelError

COMPLETION_STOPS = ["\n\n", "\nQuestion:", "\nSources:", "\n["]


class Generator(Protocol):
    """What the engine asks of an LLM. ``stream`` yields text pieces; a piece may be empty (the
    model is still reading the prompt), so a caller can notice a cancel between pieces. Closing the
    iterator stops the generation. ``grammar`` is GBNF text that constrains the output."""

    name: str
    context_size: int

    def prompt_style(self) -> str: ...

    def count_tokens(self, text: str) -> int: ...

    def stream(self, prompt: Prompt, max_tokens: int, grammar: str | None = None) -> Iterator[str]: ...


def counted_in_one_batch(generator, build: Callable[[Callable[[str], int]], object]):
    """``build(count_tokens)`` with the token counts fetched in one batch: a first pass records the
    texts ``build`` measures, the model counts them all at once (one round trip to its worker),
    and the real pass reads the counts; a text only the real pass measures is counted alone."""
    many = getattr(generator, "count_tokens_many", None)
    if many is None:
        return build(generator.count_tokens)
    seen: list[str] = []
    build(lambda text: seen.append(text) or 0)
    counts = dict(zip(seen, many(seen)))

    def count(text: str) -> int:
        if text not in counts:
            counts[text] = generator.count_tokens(text)
        return counts[text]

    return build(count)


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


class LlamaCppGenerator:
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

    def stream(self, prompt: Prompt, max_tokens: int, grammar: str | None = None) -> Iterator[str]:
        llm = self._load()
        constraint = _grammar(llm, grammar) if grammar else None
        if prompt.style == "chat":
            chunks = llm.create_chat_completion(
                messages=prompt.messages, max_tokens=max_tokens, temperature=self.temperature,
                seed=self.seed, stream=True, grammar=constraint)
            for chunk in chunks:
                text = chunk["choices"][0]["delta"].get("content")
                if text:
                    yield text
        else:
            chunks = llm.create_completion(
                prompt=prompt.text, max_tokens=max_tokens, temperature=self.temperature,
                seed=self.seed, stop=COMPLETION_STOPS, stream=True, grammar=constraint)
            for chunk in chunks:
                text = chunk["choices"][0]["text"]
                if text:
                    yield text


def _grammar(llm, text: str):
    """A ``LlamaGrammar`` for GBNF ``text``, parsed here first: llama-cpp-python hands an invalid
    grammar to the sampler unchecked, and llama.cpp then crashes with SIGSEGV."""
    import llama_cpp
    from llama_cpp import LlamaGrammar

    vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
    with _captured_stderr() as said:
        sampler = llama_cpp.llama_sampler_init_grammar(vocab, text.encode("utf-8"), b"root")
    if not sampler:
        why = " ".join(line.strip() for line in said if line.strip())[:300] or "no rule 'root'?"
        raise ModelError("Bad grammar", f"llama.cpp cannot parse it: {why}")
    llama_cpp.llama_sampler_free(sampler)
    return LlamaGrammar.from_string(text, verbose=False)


@contextlib.contextmanager
def _captured_stderr():
    """What C code writes to fd 2 meanwhile, as a list of lines filled on exit."""
    import tempfile

    lines: list[str] = []
    with tempfile.TemporaryFile() as sink:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            lines.extend(sink.read().decode("utf-8", "replace").splitlines())


def system_info() -> str:
    """The CPU features this llama.cpp build uses, as llama.cpp prints them."""
    import llama_cpp

    return llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()


def library_version() -> str:
    import llama_cpp

    return getattr(llama_cpp, "__version__", "?")
