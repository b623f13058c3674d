"""Tying an answer to its sources, and quoting each source by the sentence that answers.

Small models often answer without writing ``[n]``; ``supporting_sources`` attributes an answer to
the passages its wording comes from (and to none when it was not taken from any). The quote a
user sees next to a citation should be the words that answer, not the first line of the passage
(often a running header): query words that merely name the document (its file name's words, like
the parties of a contract) are ignored, since they are in every passage of that document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ragbox.text import CITATION, PASSAGE_STOPWORDS, cited_numbers, sentence_spans, stems, words
from ragbox.types import Answer, Hit

__all__ = ["cited_numbers", "supporting_sources", "best_quote", "with_quotes", "unsupported_answer_evidence"]


def _trigrams(text: str) -> set[tuple[str, ...]]:
    found = words(text)
    if len(found) < 3:
        return {tuple(found)} if found else set()
    return {tuple(found[i:i + 3]) for i in range(len(found) - 2)}


def supporting_sources(answer: str, sources: Sequence[Hit], min_overlap: float = 0.5) -> list[int]:
    """Sources that contain at least ``min_overlap`` of the answer's word trigrams, best first."""
    wanted = _trigrams(CITATION.sub(" ", answer))
    if not wanted:
        return []
    scored = []
    for number, hit in enumerate(sources, start=1):
        overlap = len(wanted & _trigrams(hit.text)) / len(wanted)
        if overlap >= min_overlap:
            scored.append((overlap, -number))
    return [-n for _, n in sorted(scored, reverse=True)]


def best_quote(hit: Hit, question: str, answer: str = "") -> tuple[int, int]:
    """Offsets, within ``hit.text``, of the sentence sharing most distinctive words with the
    question (and the answer, when given); the whole passage when it has one sentence."""
    naming = set(stems(Path(hit.path).stem, PASSAGE_STOPWORDS))
    wanted = (set(stems(question, PASSAGE_STOPWORDS)) | set(stems(answer, PASSAGE_STOPWORDS))) - naming
    best, best_score = (0, len(hit.text)), 0.0
    for start, end in sentence_spans(hit.text):
        found = set(stems(hit.text[start:end], PASSAGE_STOPWORDS))
        if len(found) < 3:
            continue
        score = len(wanted & found) + 0.01 * min(len(found), 30) / 30  # ties: the fuller sentence
        if score > best_score:
            best, best_score = (start, end), score
    return best


def with_quotes(answer: Answer) -> Answer:
    """``answer`` with the sentence to quote of each source (a cited source's quote also follows
    the answer's words) and, when it is tied to no source, the evidence to show beside it."""
    answer.quotes = [best_quote(hit, answer.question, answer.text if number in answer.cited else "")
                     for number, hit in enumerate(answer.sources, start=1)]
    answer.evidence = unsupported_answer_evidence(answer)
    return answer


def unsupported_answer_evidence(answer: Answer) -> str | None:
    """For an answer matched to no source: the sentence of the top-ranked source that best
    answers the question, to show beside it. Small models invent; the sources do not."""
    if not answer.found or answer.cited or not answer.sources:
        return None
    start, end = best_quote(answer.sources[0], answer.question)
    return answer.sources[0].text[start:end]
