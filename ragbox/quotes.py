"""Picking the sentence of a cited passage to quote: the one that best matches the question.

The quote a user sees next to a citation should be the words that answer, not the first line of
the passage (often a running header). Query words that merely name the document (its file name's
words, like the parties of a contract) are ignored: they are in every passage of that document.
"""

from __future__ import annotations

import re
from pathlib import Path

from ragbox.documents import Answer, Hit

_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*\u2022]|\d+(?:\.\d+)*\.?)\s)")
_WORD = re.compile(r"[a-z0-9]+(?:[./][a-z0-9]+)*")
_STOP = frozenset("""a an and are as at be by can did do does for from has have how in is it its
of on or shall should that the their this to under was were what when where which who will with
would much many any""".split())


def quote(text: str, limit: int = 300) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (with …)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _stems(text: str) -> set[str]:
    # A five-letter prefix is a crude stem, but it matches "terminate"/"termination"/"terminated".
    return {w[:5] if len(w) > 5 else w for w in _WORD.findall(text.lower()) if w not in _STOP}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in list(_SENTENCE.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            spans.append((start, end))
        if match:
            start = match.end()
    return spans


def best_quote(hit: Hit, question: str, answer: str = "") -> tuple[int, int]:
    """Offsets, within ``hit.text``, of the sentence sharing most distinctive words with the
    question (and the answer, when given); the whole passage when it has one sentence."""
    naming = _stems(Path(hit.path).stem.replace("_", " ").replace("-", " "))
    wanted = (_stems(question) | _stems(answer)) - naming
    best, best_score = (0, len(hit.text)), 0.0
    for start, end in sentence_spans(hit.text):
        words = _stems(hit.text[start:end])
        if len(words) < 3:
            continue
        score = len(wanted & words) + 0.01 * min(len(words), 30) / 30  # ties: the fuller sentence
        if score > best_score:
            best, best_score = (start, end), score
    return best


def answer_quote(answer: Answer, number: int) -> tuple[int, int]:
    """Offsets of the sentence to quote for source ``number``, relative to its passage."""
    hit = answer.sources[number - 1]
    return best_quote(hit, answer.question, answer.text if number in answer.cited else "")


def unsupported_answer_evidence(answer: Answer) -> str | None:
    """For an answer matched to no source: the sentence of the top-ranked source that best
    answers the question, to show beside it. Small models invent; the sources do not."""
    if not answer.found or answer.cited or not answer.sources:
        return None
    start, end = best_quote(answer.sources[0], answer.question)
    return answer.sources[0].text[start:end]
