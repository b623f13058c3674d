"""Whether a sentence speaks of the document itself: the law that governs *this* Agreement, its own
term, its own date, not a dispute's law, a period met on the way or the date of a document it names.

A contract names other documents and other periods all the time ("the Supply Agreement dated",
"for a period in excess of ninety (90) days, the other party may terminate this Agreement"); the
answer to "when does it end?" or "which law governs it?" is the sentence about the contract itself.
"""

from __future__ import annotations

import re

from ragbox.answer.facts import Fact, another_documents_date, date_role, dated_by_title
from ragbox.answer.questions import QuestionKind
from ragbox.text import CONTRACT_NOUNS, OWN_NOUNS, alternation
from ragbox.types import Hit

# The document speaking of itself: "this Agreement", "the Amendment", "hereof".
SELF = re.compile(rf"\b(?:this|the)\s+(?:\w+\s+){{0,3}}?(?:{alternation(OWN_NOUNS)})\b|\bhere(?:of|by|in|to)\b",
                  re.IGNORECASE)
# "this Agreement shall be governed by": the document's own law, not a dispute's or an escrow's.
# Also said the other way round: "The laws of the State of New York govern all matters arising out of
# or relating to this Agreement".
GOVERNS_SELF = re.compile("(?:" + SELF.pattern + r")[^.;]{0,60}?\b(?:shall|will|is|are|be)\b[^.;]{0,20}?"
                          r"\b(?:governed|construed|interpreted)\b|"
                          r"\blaws?\s+of\b[^.;]{0,120}?\b(?:shall\s+)?governs?\b[^.;]{0,80}?(?:"
                          + SELF.pattern + ")",
                          re.IGNORECASE)
# A sentence that opens by stating the document's term ("Unless terminated earlier, this Agreement
# shall terminate ...", "The term of this Agreement is ...", "The initial period of this Agreement
# ... shall continue until"), not one that mentions it on the way ("If ... for ninety (90) days,
# the other party may terminate this Agreement"); also after a colon ("is amended to read: This
# Agreement shall expire on ...").
TERM_CLAUSE = re.compile(r"(?:^|:\s)\W*(?:(?:section|article)\s+)?(?:\d+(?:\.\d+)*\.?\s*)?"
                         r"(?:(?:the\s+)?(?:term|duration)(?:\s+and\s+termination)?\s*[.:\-]\s*)?"
                         r"(?:unless\s+(?:sooner\s+|earlier\s+)?(?:terminated|extended)[^,]{0,80},\s*)?"
                         r"(?:the\s+(?:initial\s+|original\s+)?(?:term|period)\b|"
                         rf"(?:this|the)\s+(?:\w+\s+){{0,3}}?(?:{alternation(CONTRACT_NOUNS)})\s+(?:shall|will|is|expires|"
                         r"terminates|continues))", re.IGNORECASE)


def with_roles(hit: Hit, sentence: tuple[int, int], facts: list[Fact],
               kind: QuestionKind) -> tuple[list[Fact], dict[Fact, str]]:
    """The facts of the sentence that may answer ``kind``, and each date's role ("title" for a
    date right under a title in capitals: an agreement's date)."""
    text = hit.text[sentence[0]:sentence[1]]
    heading = hit.text[max(0, sentence[0] - 40):sentence[0]]  # "CONSULTING AGREEMENT\n[July 20, 2018]"
    roles = {f: date_role(text, f) or ("title" if not text[:f.start].strip() and dated_by_title(heading) else "")
             for f in facts if f.kind == "date"}
    facts = [f for f in facts if f.kind != "date" or agreement_role(roles[f]) in kind.roles]
    # "This Amendment to the Supply Agreement dated [April 1, 2017] is made [June 22, 2018]": the
    # sentence's own date answers before the other document's.
    return [f for f in facts if not another_documents_date(text[:f.start])] or facts, roles


_DEFINITION = re.compile(r"^\W*(?:\d+(?:\.\d+)*\.?\s*)?[\"\u201c]([^\"\u201d]{1,40})[\"\u201d]\s+"
                         r"(?:means|shall\s+mean|has\s+the\s+meaning)\b", re.IGNORECASE)


def defines_another_term(text: str) -> bool:
    """Whether the sentence defines a word other than the term ('"Year" means ...'; not
    '"Initial Term" means ...', '"Expiration Date" means ...')."""
    match = _DEFINITION.match(text)
    return bool(match) and not re.search(r"\b(?:term|expir\w*|end)\b", match.group(1), re.IGNORECASE)


def agreement_role(role: str) -> str:
    """A date's role as a question asks it: a date under a title is the agreement's date."""
    return "agreement" if role == "title" else role


def own_feature(kind: QuestionKind, text: str, facts: list[Fact], roles: dict[Fact, str]) -> float | None:
    """1.0 when the sentence states the asked thing of the document itself, 0.0 when not; None for a
    kind with no such thing. A date: "this Agreement" in the sentence or a title in capitals right
    above it, and not only other documents' dates ("the Plan of Stock Issuance dated ...").
    A place: the law that governs this Agreement. An end: the term clause."""
    if kind.prefer_first:
        own = (SELF.search(text) or "title" in roles.values()) and not all(
            another_documents_date(text[:f.start]) for f in facts if f.kind == "date")
        return 1.0 if own else 0.0
    if kind.name == "place":
        return 1.0 if GOVERNS_SELF.search(text) else 0.0
    if kind.derive_end or kind.name == "term":
        return 1.0 if TERM_CLAUSE.search(text) else 0.0
    return None


# Where a party is incorporated is no law the contract chooses: "a corporation duly incorporated
# under the laws of the Republic of Korea", "organized and existing under the laws of the State of
# Delaware", "a Delaware corporation", "a New York limited liability company".
_INCORPORATED_UNDER = re.compile(r"\b(?:incorporated|organi[sz]ed|existing|formed|registered|chartered|established)"
                                 r"\s+(?:in\s+and\s+)?(?:under\s+the\s+laws?\s+of|in)\s+(?:the\s+)?"
                                 r"(?:(?:state|province|commonwealth|republic|kingdom)\s+of\s+)?$", re.IGNORECASE)
_ENTITY_AFTER = re.compile(r"\s+(?:general\s+|limited\s+)?(?:corporation|company|limited\s+liability\s+company|"
                           r"limited\s+partnership|partnership|banking\s+corporation|LLC|L\.L\.C\.|Inc\b|"
                           r"statutory\s+trust|business\s+trust|trust|nonprofit|non-profit)(?!\s+(?:law|code|act|statute)s?\b)",
                           re.IGNORECASE)  # "the Delaware General Corporation Law" is a law


def incorporation_place(sentence: str, fact: Fact) -> bool:
    """Whether the place ``fact`` says where a party is incorporated, not which law governs."""
    return bool(_INCORPORATED_UNDER.search(sentence[max(0, fact.start - 80):fact.start])
                or _ENTITY_AFTER.match(sentence, fact.end))

