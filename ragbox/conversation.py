"""A conversation of questions and cited answers, independent of any user interface.

``standalone_query`` makes a follow-up question ("and what about the renewal term?") usable as a
retrieval query on its own by carrying over the key terms of the previous question. It is
deterministic on purpose: the bundled 270M model cannot rewrite queries reliably.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ragbox.documents import Answer, Hit
from ragbox.quotes import quote

# Openings that only make sense after an earlier question.
FOLLOW_UP_OPENINGS = (
    "and", "also", "but", "or", "so", "then", "what about", "how about", "what else", "same for",
    "and what", "and how", "why", "how so", "what if", "is that", "are they", "does it", "did it",
    "can it", "tell me more", "more on", "more about", "ok", "okay",
)
# Words that point back at something named earlier.
PRONOUNS = {"it", "its", "it's", "they", "them", "their", "theirs", "he", "she", "him", "her", "his", "hers"}
DEMONSTRATIVE = re.compile(r"\b(this|that|these|those|the same|said)\s+([a-z]+)\b")
STOPWORDS = set("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having here how i if in into is it its itself just may me might more most must my no nor not now of
off on once only or other our out over own please same shall she should so some such tell than that
the their them then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your yours also much many give show find
list explain describe say says said mean means regarding concerning else ok okay
""".split())
QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are",
                  "does", "do", "did", "can", "could", "should", "would", "will", "was", "were", "has",
                  "have", "and", "but", "or", "also", "tell", "list", "explain", "describe", "give",
                  "show", "find", "summarize", "summarise", "please", "according", "in", "on", "for",
                  "the", "a", "an", "under", "if", "so", "then", "ok", "okay"}
# Nouns that name a document (kept with the word before them: "services agreement").
DOCUMENT_NOUNS = {"agreement", "contract", "nda", "lease", "note", "notes", "policy", "report", "invoice",
                  "letter", "memo", "manual", "visit", "patient", "plan", "statement", "order", "case",
                  "proposal", "specification", "guide", "handbook", "minutes", "record", "records"}
SHORT_QUESTION_CONTENT_WORDS = 3

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_QUOTED = re.compile(r"\"([^\"]{2,80})\"|“([^”]{2,80})”|'([^']{2,80})'(?![a-z])")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    return [w for w in _words(text) if w.lower() not in STOPWORDS and len(w) > 1]


def quoted_phrases(text: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]


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
            if before and before.lower() not in STOPWORDS and before.lower() not in QUESTION_WORDS:
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
    question = " ".join(question.split())
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


# --- display helpers (plain text, shared by the TUI, saving and copying) ---------------------------
def relative_path(path: str, roots: Sequence[str] = ()) -> str:
    """``path`` relative to the indexed folder it lies in, else with ~ for home, else unchanged."""
    p = Path(path)
    for root in sorted(roots, key=len, reverse=True):
        r = Path(root)
        try:
            rel = p.relative_to(r)
        except ValueError:
            continue
        return str(rel) if str(rel) != "." else p.name
    home = str(Path.home())
    return "~" + path[len(home):] if path.startswith(home + "/") else path


def locator(hit: Hit, roots: Sequence[str] = ()) -> str:
    where = relative_path(hit.path, roots)
    return f"{where}, page {hit.page}" if hit.page is not None else where


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
            lines.append(f"{number}. [{number}] {locator(hit, roots)} · score {hit.score:.2f}{mark}")
            lines.append(f"   > {quote(hit.text)}")
        return "\n".join(lines)

    def to_markdown(self, roots: Sequence[str] = (), heading: str = "##") -> str:
        parts = [f"{heading} {self.question}", ""]
        if self.query != self.question:
            parts += [f"*Searched for: {self.query}*", ""]
        if self.where:
            parts += [f"*Scope: `{self.where}`*", ""]
        text = self.answer.text or "(no answer)"
        if self.cancelled:
            text += " *(cancelled)*"
        parts += [text, ""]
        sources = self.sources_markdown(roots)
        if sources:
            parts += [sources, ""]
        return "\n".join(parts)


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

    def add(self, turn: Turn) -> Turn:
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
