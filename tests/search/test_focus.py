"""The document-focus stage and queries that name their document before asking."""

from collections import Counter
from pathlib import Path

import pytest

from ragbox.search.focus import _Bm25, _Document
from ragbox.store.catalog import ChunkRow
from ragbox.text import PASSAGE_STOPWORDS, stems


def terms(text: str) -> list[str]:
    return stems(text, PASSAGE_STOPWORDS)


def _document(texts: list[str]) -> _Document:
    import numpy as np

    rows = [ChunkRow(f"d:{i:05d}", "d", "d.txt", None, 0, len(t), "", t) for i, t in enumerate(texts)]
    counts = [Counter(terms(t)) for t in texts]
    return _Document(rows, np.zeros((len(texts), 3), dtype=np.float32), _Bm25(counts), None, [])


def test_in_document_bm25_ignores_words_the_whole_document_repeats():
    doc = _document([
        "Acme Rockets shall deliver the rockets to Bolt Freight monthly.",
        "Acme Rockets and Bolt Freight agree on prices for Acme Rockets goods.",
        "Either party may terminate on sixty days written notice.",
        "Bolt Freight keeps records of orders placed with Acme Rockets.",
        "Acme Rockets invoices Bolt Freight each month.",
    ])
    scores = doc.passages.scores(terms("Acme Rockets Bolt Freight terminate notice"))
    assert max(range(5), key=scores.__getitem__) == 2
    # A word in most passages weighs little: a name adds a third of what one rare word does.
    assert doc.passages.scores(terms("Acme"))[1] < doc.passages.scores(terms("terminate"))[2] / 3


# Every passage but the one that answers repeats the parties' names: across the index those
# passages look most like the query; inside the document, the names say nothing.
PARTY_HEAVY_CONTRACT = """SUPPLY AGREEMENT

1. Parties
This Supply Agreement is made between Acme Rockets Ltd. ("Acme Rockets") and Bolt Freight Inc. ("Bolt Freight"). Acme Rockets and Bolt Freight each confirm that they have read this agreement.

2. Supply
Acme Rockets shall supply to Bolt Freight the rocket parts that Bolt Freight orders. Bolt Freight shall accept delivery of the parts from Acme Rockets at the Bolt Freight depot.

3. Prices
Bolt Freight shall pay Acme Rockets the prices in the Acme Rockets price list. Acme Rockets may change the prices it charges Bolt Freight once a year.

4. Ending the arrangement
Either party may end this arrangement by giving the other sixty (60) days' written notice; the arrangement ends when that period has run.

5. Records
Acme Rockets and Bolt Freight shall each keep records of every order Bolt Freight places with Acme Rockets for three years.
"""
OTHER_CONTRACT = """LEASE

1. Premises
Cedar Homes leases the flat at 4 Elm Road to Dana Price for one year.

2. Termination
The tenant may terminate this lease on ninety (90) days' notice to the landlord.
"""
QUESTION = 'Consider the Supply Agreement between "Acme Rockets" and "Bolt Freight"; How much notice is needed to terminate?'


@pytest.fixture
def party_heavy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "supply_acme_bolt.txt").write_text(PARTY_HEAVY_CONTRACT)
    (folder / "lease_cedar.txt").write_text(OTHER_CONTRACT)
    return folder


def test_focus_finds_the_clause_that_does_not_name_the_parties(make_engine, party_heavy_folder):
    engine = make_engine(**{"chunking.max_tokens": 64})
    engine.index([party_heavy_folder])
    hits = engine.search(QUESTION, k=3)
    assert "sixty (60) days' written notice" in hits[0].text
    # The context's quoted names pick the document; they need not be in the passage.
    assert {Path(h.path).name for h in hits} == {"supply_acme_bolt.txt"}
    # Without the focus stage the passages that repeat the names win.
    plain = make_engine(**{"chunking.max_tokens": 64, "retrieval.focus": False})
    assert "sixty (60) days' written notice" not in plain.search(QUESTION, k=1)[0].text


def test_names_in_the_context_pick_the_documents_holding_most_of_them(make_engine, party_heavy_folder):
    engine = make_engine(**{"chunking.max_tokens": 64})
    engine.index([party_heavy_folder])
    # "Zed Corp" is in no file (a misspelling, say): the lease still holds the other name.
    hits = engine.search('Consider the lease between "Zed Corp" and "Dana Price"; What is the notice?', k=3)
    assert hits and {Path(h.path).name for h in hits} == {"lease_cedar.txt"}
    # Names in no file at all restrict nothing.
    assert engine.search('Consider the deal of "Nobody Ltd"; How much notice is needed to terminate?', k=3)
    # A quoted phrase in the question itself must be in every passage.
    hits = engine.search('Consider the lease of "Cedar Homes"; Which clause says "ninety (90) days"?', k=3)
    assert hits and all("ninety (90) days" in h.text for h in hits)
    assert engine.search('Consider the lease of "Cedar Homes"; Which clause says "eleven days"?', k=3) == []


def test_a_named_documents_passages_are_scored_exactly_as_the_vector_store_would(make_engine, party_heavy_folder):
    engine = make_engine(**{"chunking.max_tokens": 64})
    engine.index([party_heavy_folder])
    retriever = engine.retriever
    doc_ids = sorted(retriever._documents_naming(["Acme Rockets"]))
    vector = engine.embedder.embed(["How much notice is needed to terminate?"])[0]
    exact = retriever.focus.nearest(vector, 5, doc_ids)
    from_store = retriever.vectors.query(vector, 5, doc_ids)
    assert [i for i, _ in exact] == [i for i, _ in from_store]
    assert all(abs(a - b) < 1e-5 for (_, a), (_, b) in zip(exact, from_store))
