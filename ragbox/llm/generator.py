"""What every LLM backend is to its callers: the ``Prompt`` it is given and the ``Generator`` interface."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from typing import Generator as PiecesStream

from ragbox.types import Hit

COMPLETION_STOPS = ["\n\n", "\nQuestion:", "\nSources:", "\n["]


class Generator(abc.ABC):
    """What the engine and its callers ask of an LLM, whichever backend runs it.

    ``stream`` is a generator of text pieces; a piece may be empty (the model is still reading the
    prompt), so a caller can notice a cancel between pieces, and closing it stops the generation.
    ``start`` begins loading without waiting, ``load`` waits until the model is ready, ``close``
    frees it (a later request starts it again)."""

    name: str
    context_size: int
    model_path: Path | None = None  # the GGUF file it runs; None: not a file (a server, a script)

    @abc.abstractmethod
    def prompt_style(self) -> str:
        """``chat`` or ``completion``: the prompt this model is given."""

    @abc.abstractmethod
    def count_tokens(self, text: str) -> int:
        """``text``'s length in the model's own tokens."""

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        """Each text's length in tokens (a backend with a worker counts them in one round trip)."""
        return [self.count_tokens(text) for text in texts]

    @abc.abstractmethod
    def stream(self, prompt: Prompt, max_tokens: int) -> PiecesStream[str, None, None]:
        """The answer to ``prompt``, piece by piece, at most ``max_tokens`` tokens."""

    def start(self) -> None:
        """Start loading the model without waiting (it loads while ragbox searches)."""
        return None  # a backend that loads nothing ahead

    def load(self) -> None:
        """Load the model now, if it is not loaded yet."""
        return None  # a backend with nothing to load

    def close(self) -> None:
        """Free the model (its worker, its connection)."""
        return None  # a backend holding nothing

    @property
    def loaded(self) -> bool:
        """Whether the model is loaded and running (False after a crash, until it loads again)."""
        return True

    @property
    def info(self) -> dict:
        """What loading reported (threads, load time, library version, CPU features); may be empty."""
        return {}


def counted_in_one_batch(generator: Generator, build: Callable[[Callable[[str], int]], object]):
    """``build(count_tokens)`` with the token counts fetched in one batch: a first pass records the
    texts ``build`` measures, the model counts them all at once (one round trip to its worker),
    and the real pass reads the counts; a text only the real pass measures is counted alone."""
    seen: list[str] = []
    build(lambda text: seen.append(text) or 0)
    counts = dict(zip(seen, generator.count_tokens_many(seen)))

    def count(text: str) -> int:
        if text not in counts:
            counts[text] = generator.count_tokens(text)
        return counts[text]

    return build(count)


@dataclass
class Prompt:
    style: str  # "completion" or "chat"
    text: str = ""
    messages: list[dict] = field(default_factory=list)
    sources: list[Hit] = field(default_factory=list)
    tokens: int = 0
