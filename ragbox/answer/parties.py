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
from typing import Sequence

from ragbox.answer.extract import Candidate, joined_neighbours
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
    hit, found = max(named, key=lambda pair: (len(pair[1]), _defined(*pair)), default=(None, []))
    if not found:
        return None
    start = min(m.start() for _, m in found)
    end = max(_definition_end(hit.text, m.end(), party) for party, m in found)
    value = _listed([party for party, _ in found])
    features = {"parties": float(len(found)), "all_parties": float(len(found) == len(card.parties))}
    return Candidate(hit, None, (start, end), (start, end), value, 1.0, features)


def _joined(opening: list[Hit]) -> list[Hit]:
    """Runs of two to ``JOINED_PASSAGES`` neighbouring passages of one page, each as one passage (the
    page's text from the first's start to the last's end), shortest runs first: a preamble that names
    three parties may be cut between passages, and the chunker, splitting at sentences and
    paragraphs, leaves the whitespace between two passages out of both (a gap of ``NEIGHBOUR_GAP`` characters
    at most, written back as spaces: the joined text equals the page's but for the kind of that
    whitespace). Only ever preferred when a run names more parties than a shorter one, or defines
    more of their short names."""
    runs = []
    for size in range(2, JOINED_PASSAGES + 1):
        for first in range(len(opening) - size + 1):
            run = opening[first]
            for following in opening[first + 1:first + size]:
                run = joined_neighbours(run, following)
                if run is None:
                    break
            if run is not None:
                runs.append(run)
    return runs


JOINED_PASSAGES = 4


def _named_at(name: str, text: str) -> re.Match | None:
    """Where ``text`` names ``name``, spaces and line breaks as they fall, in capitals or not (a
    cover's "PEREGRINE/BRIDGE TRANSFER CORPORATION" is the preamble's "Peregrine/Bridge Transfer
    Corporation")."""
    words = name.split()
    return re.search(r"\s+".join(map(re.escape, words)), text, re.IGNORECASE) if words else None


def _defined(hit: Hit, found: list[tuple[Party, re.Match]]) -> int:
    """How many of the parties found in ``hit`` have their short name defined there too: of two
    passages naming every party, the one that also quotes '(the "Buyer")' is the fuller quote."""
    return sum(_definition_end(hit.text, match.end(), party) > match.end() for party, match in found)


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
