"""Cards for the documents that have none, made at the end of an index run.

Cards are made from the catalog's own passages rather than from the parsed pages, so one step
covers new files, renamed ones (a new ``doc_id``) and catalogs written before cards existed, and a
run interrupted before it leaves nothing wrong behind: the next run makes what is missing.
"""

from __future__ import annotations

from ragbox.ingest.cards import document_card
from ragbox.store.cards import document_heads, documents_without_cards, save_cards
from ragbox.store.catalog import Catalog


def refresh_cards(catalog: Catalog) -> int:
    """Make and store the cards of every ready document without one; returns how many documents."""
    missing = documents_without_cards(catalog)
    for doc_id in missing:
        heads = document_heads(catalog, doc_id)
        save_cards(catalog, doc_id, [(part, document_card(path, head)) for part, (path, head) in heads.items()])
    return len(missing)
