"""Cards for the documents that have none, made at the end of an index run.

Cards are made from the catalog's own passages rather than from the parsed pages, so one step
covers new files, renamed ones (a new ``doc_id``) and catalogs written before cards existed, and a
run interrupted before it leaves nothing wrong behind: the next run makes what is missing.
"""

from __future__ import annotations

from ragbox.document_cards import DocumentCard
from ragbox.ingest.cards import document_card
from ragbox.store.cards import document_heads, documents_without_cards, save_cards, stored_cards
from ragbox.store.catalog import Catalog

# The card reader's version: a ragbox that reads cards differently makes them all again.
CARDS_VERSION = "5"  # 3: filings' cards (issue 25); 4: a letter's "agreement with" party, "AND:" blocks;
# 5: other headings the document goes by (``also_titled``)


def refresh_cards(catalog: Catalog) -> int:
    """Make and store the cards of every ready document without one (all of them when the stored
    cards were read by another version); returns how many documents."""
    if catalog.get_meta("cards_version") != CARDS_VERSION:
        with catalog.transaction():
            catalog.db.execute("DELETE FROM cards")
            catalog.set_meta("cards_version", CARDS_VERSION)
    missing = documents_without_cards(catalog)
    for doc_id in missing:
        save_cards(catalog, doc_id, _made(catalog, doc_id))
    return len(missing)


def all_cards(catalog: Catalog) -> list[DocumentCard]:
    """Every ready document's cards, read, or made in memory for the documents that have none yet
    (another process is indexing them, or the index predates cards): a question never writes."""
    current = catalog.get_meta("cards_version") == CARDS_VERSION
    cards = list(stored_cards(catalog).values()) if current else []
    for doc_id in documents_without_cards(catalog) if current else [d.doc_id for d in catalog.documents()]:
        cards += [card for _, card in _made(catalog, doc_id)]
    return cards


def _made(catalog: Catalog, doc_id: str) -> list[tuple[str, DocumentCard]]:
    return [(part, document_card(path, head)) for part, (path, head) in document_heads(catalog, doc_id).items()]
