"""A scripted LLM, ``llm.backend = "scripted"``: no model, an answer written by rule.

For the tests of everything around the model (the CLI, ``serve``, MCP, the app) where the model's
words do not matter: it is built, started, loaded and closed like a real backend. Its script is
the pieces it is given; with none, the first sentence of the prompt's first source (of at
least four words), cited [1].
It keeps the prompts it was given; ``gate`` holds it before piece ``gate_at`` and ``delay``
paces the pieces, so a test can act while an answer is being written.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Iterator

from ragbox.llm.generator import Generator, Prompt

NO_SOURCE = "The scripted model was given no source."
SCRIPTED_NAME = "scripted.gguf"  # its name when llm.model_path names none
MIN_WORDS = 4  # a sentence shorter than this is a heading or a clause number ("9.", "Governing Law.")


class ScriptedGenerator(Generator):
    def __init__(self, pieces: str | list[str] | None = None, name: str = SCRIPTED_NAME,
                 context_size: int = 2048, prompt_style: str = "completion",
                 gate: threading.Event | None = None, gate_at: int = 3, delay: float = 0.0) -> None:
        self.pieces = [pieces] if isinstance(pieces, str) else None if pieces is None else list(pieces)
        self.name = name
        self.context_size = context_size
        self._style = "completion" if prompt_style == "auto" else prompt_style
        self.gate = gate
        self.gate_at = gate_at
        self.delay = delay
        self.prompts: list[Prompt] = []
        self.starts = 0
        self.loads = 0

    def prompt_style(self) -> str:
        return self._style

    def count_tokens(self, text: str) -> int:
        return len(text) // 4

    def start(self) -> None:
        self.starts += 1

    def load(self) -> None:
        self.loads += 1

    def stream(self, prompt: Prompt, max_tokens: int) -> Iterator[str]:
        self.prompts.append(prompt)
        for i, piece in enumerate(self.script(prompt)):
            if i == self.gate_at and self.gate is not None:
                self.gate.wait(30)
            if self.delay:
                time.sleep(self.delay)
            yield piece

    def script(self, prompt: Prompt) -> list[str]:
        """The pieces it writes for ``prompt``."""
        if self.pieces is not None:
            return self.pieces
        if not prompt.sources:
            return [NO_SOURCE]
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(prompt.sources[0].text.split()))
        first = next((s for s in sentences if len(s.split()) >= MIN_WORDS), sentences[0]).rstrip(".!?")
        words = f"{first} [1].".split(" ")
        return [word + " " for word in words[:-1]] + words[-1:]
