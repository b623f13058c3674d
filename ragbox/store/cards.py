"""Document cards in the catalog: read, written, and the opening text a card is made from.

A card belongs to one ready document version and one of its parts; the ``cards`` table is keyed by
``doc_id`` (which changes with the content) and emptied by a trigger when the document row goes,
so cards follow every add, change, rename and removal without code of their own.
"""

from __future__ import annotations

import json
from typing import Iterable

from ragbox.document_cards import HEAD_CHARS, DocumentCard
from ragbox.paths import part_path
from ragbox.store.catalog import Catalog


def stored_cards(catalog: Catalog) -> dict[str, DocumentCard]:
    """The cards of every ready document, by the part path they describe."""
    rows = catalog.db.execute(
        "SELECT c.card FROM cards c JOIN documents d ON d.doc_id = c.doc_id WHERE d.state='ready'")
    cards = [DocumentCard.from_dict(json.loads(card)) for (card,) in rows]
    return {card.path: card for card in cards}


def documents_without_cards(catalog: Catalog) -> list[str]:
    """Ready documents no card was made for (indexed before cards existed, or interrupted)."""
    return [r[0] for r in catalog.db.execute(
        "SELECT doc_id FROM documents d WHERE state='ready' AND chunks > 0 "
        "AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.doc_id = d.doc_id)")]


def save_cards(catalog: Catalog, doc_id: str, cards: Iterable[tuple[str, DocumentCard]]) -> None:
    """Store ``(part, card)`` pairs of ``doc_id``, replacing any it had, in one transaction."""
    with catalog.transaction():
        catalog.db.execute("DELETE FROM cards WHERE doc_id=?", (doc_id,))
        catalog.db.executemany("INSERT INTO cards VALUES (?,?,?)",
                               [(doc_id, part, json.dumps(card.as_dict())) for part, card in cards])


def document_heads(catalog: Catalog, doc_id: str, limit: int = HEAD_CHARS) -> dict[str, tuple[str, str]]:
    """``{part: (part path, opening text)}`` of a document: its chunks in reading order, the
    overlap between neighbouring chunks of a page left out, up to ``limit`` characters."""
    heads: dict[str, tuple[str, list[str], int]] = {}
    ends: dict[str, tuple[int | None, int]] = {}
    for row in catalog.chunks_of(doc_id):
        path, pieces, size = heads.get(row.part, (row.path, [], 0))
        if size >= limit:
            continue
        page, end = ends.get(row.part, (None, -1))
        if row.page == page and row.char_start < end:
            text = row.text[end - row.char_start:]
        else:
            text = ("\n" if pieces else "") + row.text
        pieces.append(text)
        heads[row.part] = (path, pieces, size + len(text))
        ends[row.part] = (row.page, max(end, row.char_end) if row.page == page else row.char_end)
    return {part: (path or part_path("", part), "".join(pieces)[:limit])
            for part, (path, pieces, _) in heads.items()}
