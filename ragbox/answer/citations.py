"""Quoting each source of an answer by the sentence that answers.

The quote a user sees next to a citation should be the words that answer, not the first line of
the passage (often a running header): query words that merely name the document (its file name's
words, like the parties of a contract) are ignored, since they are in every passage of that
document.
"""

from __future__ import annotations

from pathlib import Path

from ragbox.text import PASSAGE_STOPWORDS, sentence_spans, stems
from ragbox.types import Answer, Hit


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
    """``answer`` with the sentence to quote of each source: the evidence's own sentence for the
    source it came from, else the sentence sharing most words with the question (and, for a cited
    source, with the answer)."""
    answer.quotes = [best_quote(hit, answer.question, answer.text if number in answer.cited else "")
                     for number, hit in enumerate(answer.sources, start=1)]
    if answer.evidence is not None and answer.evidence.source <= len(answer.sources):
        answer.quotes[answer.evidence.source - 1] = answer.evidence.sentence
    return answer
