"""Reading a question: its context clause, quoted phrases and the keyword (FTS5) expression.

"Consider the NDA between "Acme" and "Bolt"; What is the notice period?" has a context clause
that names the document and a question part that asks. Phrases in "double quotes" must match as
written: in the question part, in every passage; in the context clause, in the document.
"""

from __future__ import annotations

import re
from typing import Collection, Sequence

from ragbox.search.abbreviations import expansions
from ragbox.search.filings import fiscal_years, synonyms
from ragbox.text import (
    COMPOUND_WORD,
    SELF_REFERENCE_NOUNS,
    STOPWORDS,
    WORD,
    alternation,
    fold_spaces,
    quoted_phrases,
    stems,
    without_quoted,
)

# A clause boundary before the question: "; ", ". ", "? " or a line break.
_CLAUSE_END = re.compile(r"(?:[;?]|\.(?=\s))\s+|\n+")
# A full stop that ends a name, not a clause: "GSI TECHNOLOGY, INC. and SONY", "Ms. Chen".
_ABBREVIATION = re.compile(r"(?:\b(?:inc|ltd|co|corp|llc|plc|lp|llp|l\.l\.c|s\.a|n\.v|b\.v|ag|gmbh|mr|mrs|ms|"
                           r"dr|prof|st|no|jr|sr|u\.s)|\b[A-Za-z])\.$", re.IGNORECASE)
# Words that point at the document itself: they say which document, not which passage.
_SELF_REFERENCE = re.compile(
    rf"\b(?:this|the)\s+(?:{alternation(SELF_REFERENCE_NOUNS)})s?\b",
    re.IGNORECASE)
# Curly quotes in CUAD-style context clauses quote defined terms ("the “Parties”"), not names to
# match: only straight double quotes select phrases in search.
CURLY_PHRASES = False


def question_part(query: str) -> str:
    """The clause that asks, when the query sets a context first.

    "Consider the NDA between X and Y; What is the notice period?" -> "What is the notice period?".
    A query of one clause is returned whole.
    """
    clauses = [c.strip() for c in _clauses(query) if c.strip()]
    if len(clauses) < 2:
        return query.strip()
    last = clauses[-1]
    return last if len(WORD.findall(last)) >= 2 else query.strip()


def _clauses(query: str) -> list[str]:
    """``query`` cut at each clause boundary that does not follow an abbreviation."""
    found, start = [], 0
    for match in _CLAUSE_END.finditer(query):
        if _ABBREVIATION.search(query[start:match.end()].rstrip()):
            continue  # "INC. and GSI": the name goes on
        found.append(query[start:match.start()])
        start = match.end()
    return found + [query[start:]]


def split_query(query: str) -> tuple[str, str]:
    """(context, question): 'Consider the NDA between "Acme" and "Bolt"; What is the term?' ->
    ('Consider the NDA between "Acme" and "Bolt";', 'What is the term?'). Without a context
    clause, context is ''."""
    question = question_part(query)
    if question == query.strip():
        return "", question
    return query[:query.rindex(question)].strip(), question


def phrases(text: str) -> list[str]:
    """The quoted phrases search honours in ``text``."""
    return quoted_phrases(text, curly=CURLY_PHRASES)


def unquoted(text: str) -> str:
    """``text`` without the quoted phrases search honours."""
    return without_quoted(text, curly=CURLY_PHRASES)


def question_terms(question: str, drop: frozenset[str]) -> list[str]:
    """Stems of the question's words, without ``drop`` and the words that point at the document
    itself ("this contract", "the agreement", "this note")."""
    return stems(_SELF_REFERENCE.sub(" ", question), drop)


def contains_phrases(text: str, wanted: Sequence[str]) -> bool:
    flat = fold_spaces(text).lower()
    return all(p.lower() in flat for p in wanted)


def fts_query(query: str, optional_phrases: Sequence[str] = (), skip: Collection[str] = ()) -> str:
    """An FTS5 expression: every quoted phrase must match; any other meaningful word may, and so
    may each of ``optional_phrases`` (quoted phrases that only rank, not filter). Optional terms
    in ``skip`` are left out, unless that would leave none."""
    required_phrases = phrases(query)
    terms = optional_terms(query, optional_phrases)
    terms = [t for t in terms if t not in skip] or terms
    required = " AND ".join(fts_phrase(p) for p in required_phrases if COMPOUND_WORD.findall(p))
    optional = " OR ".join(terms)
    if required and optional:
        # Phrases are required; the other words only add to the BM25 score where present.
        return f"{required} AND ({required} OR {optional})"
    return required or optional


def optional_terms(query: str, optional_phrases: Sequence[str] = ()) -> list[str]:
    """The FTS5 terms of ``query`` that rank but do not filter, each a quoted phrase."""
    terms = [fts_phrase(p) for p in optional_phrases if COMPOUND_WORD.findall(p)]
    # "blood pressure" also looks for "BP", and back; "capex" for "purchases of property, plant
    # and equipment"; "FY2018" for "2018".
    for form in expansions(query) + synonyms(query) + fiscal_years(query):
        if fts_phrase(form) not in terms:
            terms.append(fts_phrase(form))
    for word in COMPOUND_WORD.findall(unquoted(query)):
        # "12.3" or "non-compete" is matched as the phrase of its parts, as FTS5 tokenizes it.
        term = " ".join(p for p in re.split(r"[.'-]", word.lower()) if p)
        if term and term not in STOPWORDS and f'"{term}"' not in terms:
            terms.append(f'"{term}"')
    return terms


def fts_phrase(phrase: str) -> str:
    return f'"{" ".join(COMPOUND_WORD.findall(phrase))}"'
