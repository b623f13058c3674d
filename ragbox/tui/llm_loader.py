"""Loading and switching the LLM behind the engine, one at a time, off the UI thread."""

from __future__ import annotations

import threading
from typing import Callable

StateCallback = Callable[[str, str, str], None]  # state, model name, detail


class LLMLoader:
    """Serializes model loads so a background load, an ask and a switch never load twice, and
    reports each state change (not loaded, loading, ready, error) to the app."""

    def __init__(self, engine, on_state: StateCallback) -> None:
        self.engine = engine
        self.on_state = on_state
        self._lock = threading.Lock()
        self._loaded: set[int] = set()
        self.state = "not loaded"

    def _set(self, state: str, name: str, detail: str = "") -> None:
        self.state = state
        self.on_state(state, name, detail)

    def not_needed(self) -> None:
        """The answers are taken from the sources, with no model: say so instead of loading one."""
        self._set("not used", self.current_name(), "answers are taken from the sources")

    def current_name(self) -> str:
        return self.engine.llm.name()

    def ensure_loaded(self):
        """The engine's generator, loaded. Raises ``RagboxError`` (and reports it) on failure."""
        from ragbox.errors import RagboxError

        with self._lock:
            try:
                generator = self.engine.llm.generator
            except RagboxError as exc:
                self._set("error", self.current_name(), exc.one_line())
                raise
            # A worker that crashed or was stopped reports itself not loaded: load it again.
            if id(generator) in self._loaded and generator.loaded:
                return generator
            self._set("loading", generator.name)
            try:
                self.engine.llm.load()
            except RagboxError as exc:
                self._set("error", generator.name, exc.one_line())
                raise
            self._loaded.add(id(generator))
            self._set("ready", generator.name)
            return generator

    def report_failure(self, detail: str) -> None:
        """The model failed while answering (a crash, a hang): shown until it loads again."""
        self._set("error", self.current_name(), detail)

    def switch(self, model_path: str):
        """Load ``model_path`` (a GGUF path or a model name) and make it the engine's LLM if it loads."""
        from pathlib import Path

        from ragbox.errors import RagboxError

        with self._lock:
            was_loaded = self.engine.llm.built() and id(self.engine.llm.generator) in self._loaded
            restore = ("ready" if was_loaded else "not loaded", self.current_name())
            self._set("loading", Path(model_path).name)
            try:
                new = self.engine.llm.switch(model_path)
            except RagboxError:
                self._set(*restore)
                raise
            self._loaded.add(id(new))
            self._set("ready", new.name)
            return new
