"""The LLM an engine answers with: built on first use, switched at run time, stopped with it.

One slot per engine. It starts the model's worker process (or names the server of
``llm.base_url``) only when an answer needs it, keeps the one in use, loads another on request
and keeps the old one when the new one fails, and stops every worker it started.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ragbox import bundled
from ragbox.config import LLMSettings
from ragbox.errors import RagboxError
from ragbox.llm.generator import Generator
from ragbox.llm.scripted_backend import SCRIPTED_NAME


class LlmSlot:
    def __init__(self, settings: LLMSettings, generator: Generator | None = None) -> None:
        """``generator`` replaces the configured LLM (a model loaded elsewhere, or a test double)."""
        self.settings = settings
        self._generator = generator
        self._own: list[Generator] = []  # the LLMs this slot started (their workers stop with it)
        self._lock = threading.Lock()  # the app asks from several threads

    @property
    def generator(self) -> Generator:
        """The LLM answering questions: the one switched to at run time, else the configured one."""
        with self._lock:
            if self._generator is None:
                self._generator = self.make()
            return self._generator

    def make(self, model: str | None = None) -> Generator:
        """An LLM for ``model`` (a GGUF path or a name from ``models()``; None: the configured one):
        a model worker process, the OpenAI-compatible server of ``llm.base_url``, or the scripted
        stand-in (``llm.backend = "scripted"``)."""
        from ragbox.llm.model_service import make_generator

        generator = make_generator(self.settings, model, self.model_dirs())
        self._own.append(generator)
        return generator

    def model_dirs(self) -> list[Path]:
        from ragbox.llm.model_catalog import model_folders

        return model_folders(self.settings.model_dirs)

    def use(self, generator: Generator) -> None:
        self._generator = generator

    def built(self) -> bool:
        """Whether an LLM has been chosen yet (building one may load nothing)."""
        return self._generator is not None

    def name(self) -> str:
        """The model answering now: a generator switched at run time, else the configured one."""
        if self._generator is not None:
            return self._generator.name
        if self.settings.base_url:
            from urllib.parse import urlsplit

            return f"{self.settings.model or 'default model'} @ {urlsplit(self.settings.base_url).netloc}"
        if self.settings.model_path:
            return Path(self.settings.model_path).name
        return SCRIPTED_NAME if self.settings.backend == "scripted" else bundled.LLM_FILE

    def path(self) -> str:
        """The model file answering now ('' for the bundled one not yet located)."""
        path = self._generator.model_path if self._generator is not None else None
        return str(path) if path else self.settings.model_path

    def load(self) -> Generator:
        """Build and load the LLM now (the app warms it up before the first question)."""
        generator = self.generator
        generator.load()
        return generator

    def switch(self, model: str) -> Generator:
        """Load ``model`` (a GGUF path or a model name); it answers from then on. On failure the
        model in use stays and the ``RagboxError`` says why."""
        new = self.make(model.strip())
        try:
            new.load()
        except RagboxError:
            self.stop(new)
            raise
        old, self._generator = self._generator, new
        if old is not None and old in self._own:
            self.stop(old)  # free its memory
        return new

    def stop(self, generator: Generator) -> None:
        generator.close()
        if generator in self._own:
            self._own.remove(generator)

    def start(self) -> None:
        """Start loading the LLM without waiting, so it loads while retrieval runs (only an LLM this
        slot builds: one handed in is asked for nothing until it is needed)."""
        if self._generator is not None and not any(g is self._generator for g in self._own):
            return
        try:
            self.generator.start()
        except RagboxError:
            pass  # the same error comes back, in its place, when the answer needs the model

    def models(self) -> list[dict]:
        """Every GGUF found on this machine (bundled, llm.model_dirs, Ollama, LM Studio, the Hugging
        Face cache) with its facts, the memory it needs at llm.n_ctx and whether that fits now."""
        from ragbox.llm.model_service import list_models

        built = self._generator
        in_use = self.path() if built is None or built.model_path else "(not a file)"
        return list_models(self.settings, self.model_dirs(), in_use)

    def info(self, name: str | None = None) -> dict:
        """One model's facts plus its licence, base model and openness, each with its source."""
        from ragbox.llm.model_service import model_info

        return model_info(self.settings, self.settings.model_path if name is None else name, self.model_dirs())

    def check(self, name: str | None = None) -> dict:
        """Load a model in a child process and have it write a few tokens: whether it runs here.
        ``{"ok", "model", "detail"}`` (one line), plus ``system_info`` (llama.cpp's CPU features)."""
        from ragbox.llm.model_service import check

        try:
            generator = self.make(name)
        except RagboxError as exc:
            return {"ok": False, "model": name or self.name(), "detail": exc.one_line()}
        try:
            return check(generator)
        finally:
            self.stop(generator)

    def close(self) -> None:
        for generator in self._own:
            generator.close()
        self._own.clear()
