"""Follow-up questions made standalone for retrieval, deterministically.

``standalone_query`` makes a follow-up ("and what about the renewal term?") usable as a retrieval
query on its own by carrying over the key terms of the previous question. It is rule-based on
purpose: the bundled 270M model cannot rewrite queries reliably.
"""

from __future__ import annotations

import re
from typing import Sequence

from ragbox.text import COMPOUND_WORD, FOLLOW_UP_NOUNS, FUNCTION_WORDS, QUESTION_OPENINGS, fold_spaces, quoted_phrases

# Openings that only make sense after an earlier question.
FOLLOW_UP_OPENINGS = (
    "and", "also", "but", "or", "so", "then", "what about", "how about", "what else", "same for",
    "and what", "and how", "why", "how so", "what if", "is that", "are they", "does it", "did it",
    "can it", "tell me more", "more on", "more about", "ok", "okay",
)
# Words that point back at something named earlier.
PRONOUNS = {"it", "its", "it's", "they", "them", "their", "theirs", "he", "she", "him", "her", "his", "hers"}
DEMONSTRATIVE = re.compile(r"\b(this|that|these|those|the same|said)\s+([a-z]+)\b")
# Words a question may open with, glue included: a capital after them does not start a name.
QUESTION_WORDS = frozenset(QUESTION_OPENINGS) | {
    "would", "and", "but", "or", "also", "tell", "list", "explain", "describe", "give", "show", "find", "summarize",
    "summarise", "please", "according", "in", "on", "for", "the", "a", "an", "under", "if", "so", "then", "ok", "okay"}
# Nouns that name a document (kept with the word before them: "services agreement").
DOCUMENT_NOUNS = frozenset(FOLLOW_UP_NOUNS)
SHORT_QUESTION_CONTENT_WORDS = 3



def _words(text: str) -> list[str]:
    return COMPOUND_WORD.findall(text)


def content_words(text: str) -> list[str]:
    return [w for w in _words(text) if w.lower() not in FUNCTION_WORDS and len(w) > 1]


def named_terms(text: str) -> list[str]:
    """Runs of capitalized words or acronyms ("Acme Globex", "NDA"), question words excluded."""
    terms: list[str] = []
    run: list[str] = []
    for word in _words(text) + [""]:
        bare = word.strip(".'")
        capital = bool(bare) and (bare[0].isupper() or bare.isupper() or any(c.isdigit() for c in bare))
        if capital and not (not run and bare.lower() in QUESTION_WORDS):
            run.append(bare)
            continue
        if run:
            terms.append(" ".join(run))
            run = []
    return terms


def document_phrases(text: str) -> list[str]:
    """Nouns naming a document, with the word before them when it is not a stopword."""
    words = _words(text)
    found = []
    for i, word in enumerate(words):
        if word.lower() in DOCUMENT_NOUNS:
            before = words[i - 1] if i else ""
            if before and before.lower() not in FUNCTION_WORDS and before.lower() not in QUESTION_WORDS:
                found.append(f"{before} {word}")
            else:
                found.append(word)
    return found


def is_follow_up(question: str) -> bool:
    q = " ".join(question.lower().split()).lstrip("¿¡ ")
    if not q:
        return False
    if any(q == o or q.startswith(o + " ") or q.startswith(o + ",") or q.startswith(o + "?")
           for o in FOLLOW_UP_OPENINGS):
        return True
    words = [w.lower() for w in _words(q)]
    if any(w in PRONOUNS for w in words):
        return True
    if DEMONSTRATIVE.search(q) and any(m.group(2) in DOCUMENT_NOUNS | {"one", "clause", "section", "term",
                                                                       "party", "parties", "document", "file"}
                                       for m in DEMONSTRATIVE.finditer(q)):
        return True
    if re.search(r"\b(this|that)\s*\??$", q):
        return True
    own_names = named_terms(question) or quoted_phrases(question)
    return not own_names and len(content_words(question)) <= SHORT_QUESTION_CONTENT_WORDS


def key_terms(question: str) -> list[str]:
    """What a later follow-up most likely refers to: quoted phrases, names, document nouns."""
    terms: list[str] = []
    for term in quoted_phrases(question) + named_terms(question) + document_phrases(question):
        if not any(term.lower() in t.lower() for t in terms):
            terms = [t for t in terms if t.lower() not in term.lower()] + [term]
    if not terms:
        terms = content_words(question)
    return terms


def standalone_query(history: Sequence[str], question: str) -> str:
    """``question`` made self-contained for retrieval, given the earlier (standalone) queries.

    A question that does not look like a follow-up is returned unchanged. A follow-up gets the key
    terms of the most recent query that has any prepended, unless it already mentions them.
    """
    question = fold_spaces(question)
    if not history or not is_follow_up(question):
        return question
    lowered = question.lower()
    for previous in reversed(history):
        terms = [t for t in key_terms(previous) if t.lower() not in lowered]
        if terms:
            return f"{' '.join(terms)}: {question}"
        if key_terms(previous):  # everything it named is mentioned again: already standalone
            return question
    return question
