"""Who the parties are, from the document's card (``ingest.cards``: the names its preamble gives,
with their defined short names), quoted where the document names them.

"Who are the parties to the Giggles agreement?" is answered by the card's parties, not by a
sentence picked for words like "between" (many preambles say "entered into by A and B", some
name the parties in "Party A:" lines): "Giggles N' Hugs, Inc. (“Giggles”) and Excite Media
Corporation (“Excite”) [1]", the quote being the passage of the document's opening that names
them. A card that names one party only is not the whole answer, and is not shown as sure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ragbox.answer.extract import Candidate
from ragbox.document_cards import HEAD_CHARS, DocumentCard, Party
from ragbox.text import within_budget
from ragbox.types import Hit

_CLOSE = re.compile(r"[\"'\u201d\u2019]?\)?")


def parties_of(card: DocumentCard | None, document: Sequence[Hit]) -> Candidate | None:
    """The card's parties found in the one of the document's opening passages (the text its card was
    read from) that names the most of them (the first such), as a candidate answer quoting the
    stretch of that passage that names them (None: the card names no party there). A cover page or a
    running header names one party; the preamble after it, maybe past a table of contents, all."""
    if card is None or not card.parties:
        return None
    opening = within_budget(document, HEAD_CHARS)  # the text its card was read from
    named = [(hit, [(party, match) for party in card.parties if (match := _named_at(party.name, hit.text))])
             for hit in opening + _joined(opening)]
    hit, found = max(named, key=lambda pair: len(pair[1]), default=(None, []))
    if not found:
        return None
    start = min(m.start() for _, m in found)
    end = max(_definition_end(hit.text, m.end(), party) for party, m in found)
    value = _listed([party for party, _ in found])
    features = {"parties": float(len(found)), "all_parties": float(len(found) == len(card.parties))}
    return Candidate(hit, None, (start, end), (start, end), value, 1.0, features)


def _joined(opening: list[Hit]) -> list[Hit]:
    """Each two neighbouring passages of one page that overlap or touch, as one passage (the page's
    text from the first's start to the second's end): a preamble that names three parties may be cut
    between two passages. Only ever preferred when it names more parties than either alone."""
    joined = []
    for first, second in zip(opening, opening[1:]):
        overlap = first.char_end - second.char_start
        if first.path == second.path and first.page == second.page and 0 <= overlap <= len(second.text) \
                and second.char_end > first.char_end:
            joined.append(replace(first, char_end=second.char_end, text=first.text + second.text[overlap:]))
    return joined


def _named_at(name: str, text: str) -> re.Match | None:
    """Where ``text`` names ``name``, spaces and line breaks as they fall."""
    words = name.split()
    return re.search(r"\s+".join(map(re.escape, words)), text) if words else None


def _definition_end(text: str, end: int, party: Party) -> int:
    """The end of a party's name with its short name's definition when it follows closely
    ('Giggles N' Hugs, Inc. ("Giggles")'), else of the name."""
    last = end
    for short in party.short_names:
        at = text.find(short, end, end + 120)
        if at >= 0:  # to the closing quote and bracket of the definition
            last = max(last, _CLOSE.match(text, at + len(short)).end())
    return last


def _listed(parties: Sequence[Party]) -> str:
    """"A (“a”) and B (“b”)", "A, B and C"."""
    named = [f"{p.name} ({', '.join(f'“{s}”' for s in p.short_names)})" if p.short_names else p.name
             for p in parties]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
