"""A conversation of questions and cited answers, independent of any user interface:
what the app shows, saves as Markdown and copies.

What a document says (passages, quotes, section names, an answer that repeats them) is written
inert (``text.inert_markdown``): a document reading ``![x](http://host/p.png)`` or ``<script>``
shows as that text in a Markdown viewer, never as an image fetched, a link or HTML."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Sequence

from ragbox.conversation.followups import standalone_query
from ragbox.paths import locator
from ragbox.text import inert_markdown, quote
from ragbox.types import Answer


@dataclass
class Turn:
    question: str  # as typed
    query: str  # the standalone retrieval query actually used
    answer: Answer
    where: str | None = None
    cancelled: bool = False
    turn_id: int = 0  # how a user interface refers to the turn
    asked_at: float = field(default_factory=time.time)

    def sources_markdown(self, roots: Sequence[str] = ()) -> str:
        if not self.answer.sources:
            return ""
        lines = ["Sources:", ""]
        for number, hit in enumerate(self.answer.sources, start=1):
            mark = " (cited)" if number in self.answer.cited else ""
            lines.append(f"{number}. [{number}] {inert_markdown(locator(hit, roots))} · score {hit.score:.2f}{mark}")
            lines.append(f"   > {inert_markdown(quote(hit.text))}")
        return "\n".join(lines)

    def to_markdown(self, roots: Sequence[str] = (), heading: str = "##") -> str:
        parts = [f"{heading} {self.question}", ""]
        if self.query != self.question:
            parts += [f"*Searched for: {self.query}*", ""]
        if self.where:
            parts += [f"*Scope: `{self.where}`*", ""]
        text = _with_citations(inert_markdown(self.answer.text)) or "(no answer)"
        if self.cancelled:
            text += " *(cancelled)*"
        parts += [text, ""]
        answer = self.answer
        if answer.found and answer.evidence is not None:
            where = inert_markdown(locator(answer.sources[answer.evidence.source - 1], roots))
            evidence = inert_markdown(quote(answer.evidence_text, 600))
            parts += [f"> “{evidence}” — [{answer.evidence.source}] {where}", ""]
        for sentence in answer.unsupported:
            unsupported = inert_markdown(quote(sentence.text, 300))
            parts += [f"*Not shown as the answer, its sources do not support it:* ~~{unsupported}~~", ""]
        sources = self.sources_markdown(roots)
        if sources:
            parts += [sources, ""]
        return "\n".join(parts)


def _with_citations(text: str) -> str:
    """The answer's citation marks ``[1]`` shown as written: no link without a definition, and none
    can be defined (the ``[n]:`` that would define one stays escaped)."""
    return _ESCAPED_CITATION.sub(r"[\1]", text)


_ESCAPED_CITATION = re.compile(r"\\\[(\d+)\\\](?!:)")


class Conversation:
    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.started_at = time.time()

    def __len__(self) -> int:
        return len(self.turns)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def queries(self) -> list[str]:
        return [t.query for t in self.turns]

    def standalone(self, question: str) -> str:
        return standalone_query(self.queries(), question)

    def record(self, question: str, query: str, answer: Answer, where: str | None = None,
               cancelled: bool = False, turn_id: int = 0) -> Turn:
        turn = Turn(question, query, answer, where, cancelled, turn_id)
        self.turns.append(turn)
        return turn

    def clear(self) -> None:
        self.turns.clear()
        self.started_at = time.time()

    def to_markdown(self, roots: Sequence[str] = (), title: str = "ragbox conversation",
                    index: str | None = None) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started_at))
        head = [f"# {title}", ""]
        head += [f"*{when}" + (f" · index `{index}`" if index else "") + "*", ""]
        return "\n".join(head) + "\n".join(t.to_markdown(roots) for t in self.turns)
