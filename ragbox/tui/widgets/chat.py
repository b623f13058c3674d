"""The conversation view: questions, and answers streamed as Markdown with linked citations."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Markdown, Static

from ragbox.text import CITATION, quote
from ragbox.tui.messages import SourceRequested

_LINK = re.compile(r"^source:(\d+):(\d+)$")

WELCOME = """\
[b]Ask a question about your documents[/b] and press [b]Enter[/b].

Answers stream in with numbered citations; the sources are listed on the right.
Follow-up questions build on the conversation ("and what about the renewal term?").

[dim]Esc stops an answer · ctrl+g scopes questions to files · ctrl+f lists documents · F1 help[/dim]"""


def link_citations(text: str, turn_id: int, count: int) -> str:
    """Turn ``[n]`` markers that name a real source into links the app can follow."""

    def link(match: re.Match) -> str:
        number = int(match.group(1))
        already_linked = text.startswith("(", match.end())
        if 1 <= number <= count and not already_linked:
            return f"[\\[{number}\\]](source:{turn_id}:{number})"
        return match.group(0)

    return CITATION.sub(link, text)


def answer_markdown(answer, turn_id: int) -> str:
    """The answer, its evidence quoted below it, and any sentence of the model's that was held
    back because its sources do not support it."""
    count = len(answer.sources)
    # one line per document when the question named several: each its own paragraph in Markdown
    text = answer.text.replace("\n", "\n\n") if answer.per_document else answer.text
    parts = [link_citations(text, turn_id, count)]
    if answer.found and answer.evidence is not None:
        number = answer.evidence.source
        parts.append(f"> “{quote(answer.evidence_text, 600)}” [\\[{number}\\]](source:{turn_id}:{number})")
    for sentence in answer.unsupported:
        parts.append(f"~~{quote(sentence.text, 300)}~~ *(not in the sources: {'; '.join(sentence.unsupported)})*")
    return "\n\n".join(parts)


def answer_meta(answer) -> tuple[str, str]:
    """The line under an answer: how it was made and how far to trust it, and its style class."""
    if not answer.found:
        return "Not found: nothing in the sources answers this.", "-warning"
    made, style = _how_made(answer)
    if not answer.sure:
        return f"{escape(answer.unsure_line())} {made}", "-warning"  # why: the checks that fell short
    return made, style


def _how_made(answer) -> tuple[str, str]:
    if answer.model_text and answer.style == "extracted":
        return (f"{escape(answer.model)}'s answer was not supported by its sources: showing the sentence that "
                f"answers instead.", "-warning")
    if answer.style == "extracted" and answer.per_document:  # each document's answer from its own sources
        return f"Each of {len(answer.per_document)} documents answered from its own sources.", ""
    if answer.style == "extracted":
        return f"Taken from source [{answer.evidence.source}] of {len(answer.sources)}.", ""
    if answer.unsupported:
        return (f"{escape(answer.model)} · {len(answer.unsupported)} sentence(s) held back: their sources do "
                "not support them.", "-warning")
    cited = " ".join(f"[{n}]" for n in answer.cited)
    return f"{escape(answer.model)} · every sentence checked against its source ✓ {escape(cited)}", ""


class QuestionBlock(Static):
    """A question as asked, with the standalone query and scope when they differ."""

    def __init__(self, question: str, query: str, where: str | None) -> None:
        text = f"[b]{escape(question)}[/b]"
        notes = []
        if query != question:
            notes.append(f"searched for: {escape(query)}")
        if where:
            notes.append(f"scope: {escape(where)}")
        if notes:
            text += "\n[dim]" + " · ".join(notes) + "[/dim]"
        super().__init__(text, classes="question", markup=True)


class AnswerBlock(Vertical):
    """One answer: Markdown fed token by token, then re-rendered with citation links."""

    def __init__(self, turn_id: int) -> None:
        super().__init__(classes="answer")
        self.turn_id = turn_id
        self.phase = "searching"  # searching | streaming | done | cancelled | error
        self._stream = None
        self._text: list[str] = []

    def compose(self) -> ComposeResult:
        yield Markdown("", open_links=False, classes="answer-text")
        yield Static("Searching the index…", classes="answer-meta")

    @property
    def markdown(self) -> Markdown:
        return self.query_one(Markdown)

    @property
    def text(self) -> str:
        return "".join(self._text)

    def _meta(self, text: str, variant: str = "") -> None:
        meta = self.query_one(".answer-meta", Static)
        meta.update(text)
        meta.set_classes(f"answer-meta {variant}".strip())

    def waiting_for_model(self, name: str) -> None:
        if self.phase == "searching":
            self._meta(f"Loading {escape(name)}…")

    async def add_token(self, token: str) -> None:
        if self.phase not in ("searching", "streaming"):
            return
        if self.phase == "searching":
            self.phase = "streaming"
            self._stream = Markdown.get_stream(self.markdown)
            self._meta("Answering… [dim](Esc to stop)[/dim]")
        self._text.append(token)
        await self._stream.write(token)

    async def _close_stream(self) -> None:
        if self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.stop()

    async def cancel(self) -> None:
        if self.phase in ("searching", "streaming"):
            self.phase = "cancelled"
            await self._close_stream()
            if not self.text.strip():
                await self.markdown.update("*(stopped before the answer began)*")
            self._meta("Stopped.", "-warning")

    async def finish(self, answer, cancelled: bool = False) -> None:
        await self._close_stream()
        if cancelled or self.phase == "cancelled":
            self.phase = "cancelled"
            text = answer.text.strip() or "*(stopped before the answer began)*"
            await self.markdown.update(link_citations(text, self.turn_id, len(answer.sources)))
            self._meta("Stopped.", "-warning")
            return
        self.phase = "done"
        self._text = [answer.text]
        await self.markdown.update(answer_markdown(answer, self.turn_id))
        self._meta(*answer_meta(answer))

    async def fail(self, error: str) -> None:
        await self._close_stream()
        self.phase = "error"
        if not self.text.strip():
            await self.markdown.update("")
        self._meta(f"✖ {escape(error)}", "-error")

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        match = _LINK.match(event.href)
        if match:
            self.post_message(SourceRequested(int(match.group(1)), int(match.group(2))))


class ChatView(VerticalScroll):
    """The scrolling conversation; sticks to the bottom while an answer streams."""

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="welcome", markup=True)

    async def add_turn(self, turn_id: int, question: str, query: str, where: str | None) -> AnswerBlock:
        welcome = self.query("#welcome")
        if welcome:
            await welcome.remove()
        block = AnswerBlock(turn_id)
        await self.mount_all([QuestionBlock(question, query, where), block])
        self.anchor()
        self.scroll_end(animate=False)
        return block

    def block(self, turn_id: int) -> AnswerBlock | None:
        for block in self.query(AnswerBlock):
            if block.turn_id == turn_id:
                return block
        return None

    async def clear(self) -> None:
        await self.remove_children()
        await self.mount(Static(WELCOME, id="welcome", markup=True))
