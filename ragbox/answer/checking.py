"""Checking each sentence of a generated answer against the passage it cites.

A sentence is supported when every fact it states — dates, durations, sums, numbers, places,
names — is stated in the passage it cites (in the same normal form: "30 days" = "thirty (30)
days"), it does not negate what the passage affirms or the reverse, and most of its words come
from that passage. A sentence that cites nothing is checked against every source; it is
supported by the source that supports it. What a sentence states that no source does is named,
so the user sees why it was flagged.
"""

from __future__ import annotations

import re
from typing import Sequence

from ragbox.answer.facts import Fact, all_facts, negated
from ragbox.text import CITATION, PASSAGE_STOPWORDS, cited_numbers, fold_spaces, sentence_spans, stems
from ragbox.types import AnswerSentence, Hit

MIN_WORD_SUPPORT = 0.6  # of a sentence's own words, the share its passage must hold
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


def stated_facts(text: str) -> list[Fact]:
    """The facts a text states, without the numbers that are only parts of a date, a duration or
    a sum ("June 21, 1999" states a date, not also 21 and 1999)."""
    facts = all_facts(text)
    wholes = [f for f in facts if f.kind != "number"]
    return wholes + [f for f in facts if f.kind == "number"
                     and not any(w.start <= f.start and f.end <= w.end for w in wholes)]


def _names(text: str) -> set[str]:
    """Capitalised words that are not the sentence's first word: names of people, firms, places."""
    first = re.match(r"\W*[^\W_]+", text)
    skip = first.end() if first else 0
    return {m.group(0).lower() for m in _NAME.finditer(text) if m.start() >= skip}


def unsupported_facts(sentence: str, passage: str, question: str = "") -> list[str]:
    """What ``sentence`` states that ``passage`` does not, as the sentence words it. A name the
    question used is the user's word, not a claim ("the Northwind Bluefin NDA" when the cited
    clause says "this Agreement"); a number or date the question used still has to be stated."""
    sentence = CITATION.sub(lambda m: " " * len(m.group(0)), sentence)
    facts = stated_facts(passage)
    have = {(f.kind, f.value) for f in facts}
    have_numbers = {f.value for f in facts if f.kind == "number"} | {
        f.value.split()[0] for f in facts if f.kind == "duration"}
    missing = []
    for fact in stated_facts(sentence):
        if (fact.kind, fact.value) in have:
            continue
        if fact.kind == "number" and fact.value in have_numbers:
            continue
        missing.append(sentence[fact.start:fact.end])
    flat, asked = passage.lower(), fold_spaces(question.lower())
    missing += [name for name in sorted(_names(sentence)) if name not in flat and name not in asked
                and name not in missing]
    return missing


def word_support(sentence: str, passage: str, question: str = "") -> float:
    """The share of the words ``sentence`` adds to the question that ``passage`` holds: the
    question's own words, repeated, support nothing ("the Northwind NDA ... within thirty days
    of the signing" against a clause on thirty days' notice)."""
    words = set(stems(CITATION.sub(" ", sentence), PASSAGE_STOPWORDS)) - set(stems(question, PASSAGE_STOPWORDS))
    if not words:
        return 1.0
    return len(words & set(stems(passage, PASSAGE_STOPWORDS))) / len(words)


def check_sentence(sentence: str, sources: Sequence[Hit], question: str = "") -> AnswerSentence:
    """``sentence`` checked against the sources it cites (all of them when it cites none)."""
    cited = cited_numbers(sentence, len(sources))
    pool = cited or list(range(1, len(sources) + 1))
    best: tuple[int, list[str], float] | None = None
    for number in pool:
        passage = sources[number - 1].text
        missing = unsupported_facts(sentence, passage, question)
        if negated(CITATION.sub(" ", sentence)) != _negated_near(sentence, passage):
            missing = missing + ["its negation"]
        support = word_support(sentence, passage, question)
        if best is None or (len(missing), -support) < (len(best[1]), -best[2]):
            best = (number, missing, support)
    if best is None:
        return AnswerSentence(sentence, False, cited, ["no source to check against"])
    number, missing, support = best
    if support < MIN_WORD_SUPPORT:
        missing = missing + [f"most of its words ({support:.0%} found)"]
    return AnswerSentence(sentence, not missing, cited or ([number] if not missing else []), missing)


def _negated_near(sentence: str, passage: str) -> bool:
    """Whether the passage sentence that shares most words with ``sentence`` is negated."""
    wanted = set(stems(sentence, PASSAGE_STOPWORDS))
    spans = sentence_spans(passage) or [(0, len(passage))]
    start, end = max(spans, key=lambda s: len(wanted & set(stems(passage[s[0]:s[1]], PASSAGE_STOPWORDS))))
    return negated(passage[start:end])
