"""Loading and switching the LLM behind the engine, one at a time, off the UI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

StateCallback = Callable[[str, str, str], None]  # state, model name, detail


class ModelKeeper:
    """Serializes model loads so a background load, an ask and a switch never load twice."""

    def __init__(self, engine, on_state: StateCallback) -> None:
        self.engine = engine
        self.on_state = on_state
        self._lock = threading.Lock()
        self._loaded: set[int] = set()
        self.state = "not loaded"

    def _set(self, state: str, name: str, detail: str = "") -> None:
        self.state = state
        self.on_state(state, name, detail)

    def current_name(self) -> str:
        generator = self.engine.__dict__.get("generator")
        if generator is not None:
            return generator.name
        return Path(self.engine.settings.llm.model_path).name if self.engine.settings.llm.model_path \
            else "gemma-3-270m-q4_k_m.gguf"

    def ensure_loaded(self):
        """The engine's generator, loaded. Raises ``ModelError`` (and reports it) on failure."""
        from ragbox.errors import RagboxError

        with self._lock:
            try:
                generator = self.engine.generator
            except RagboxError as exc:
                self._set("error", self.current_name(), exc.one_line())
                raise
            if id(generator) in self._loaded:
                return generator
            self._set("loading", generator.name)
            try:
                load = getattr(generator, "load", None)
                if load is not None:
                    load()
            except RagboxError as exc:
                self._set("error", generator.name, exc.one_line())
                raise
            self._loaded.add(id(generator))
            self._set("ready", generator.name)
            return generator

    def switch(self, model_path: str):
        """Load the GGUF at ``model_path`` and make it the engine's generator if it loads."""
        from ragbox.errors import RagboxError
        from ragbox.generation import LlamaCppGenerator

        cfg = self.engine.settings.llm
        with self._lock:
            previous = self.engine.__dict__.get("generator")
            restore = ("ready", previous.name) if previous is not None and id(previous) in self._loaded \
                else ("not loaded", self.current_name())
            try:
                new = LlamaCppGenerator(Path(model_path).expanduser(), cfg.n_ctx, cfg.threads,
                                        cfg.temperature, cfg.seed, cfg.prompt_style)
                self._set("loading", new.name)
                new.load()
            except RagboxError:
                self._set(*restore)
                raise
            self.engine.generator = new
            self._loaded.add(id(new))
            self._set("ready", new.name)
            return new
