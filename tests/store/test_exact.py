"""Vectors kept in the catalog: exact search equal to Chroma's, the fallback for passages indexed
before the catalog kept vectors, and an index moved to a Chroma server without re-embedding."""

import numpy as np

from ragbox.store.exact import VectorReader, catalog_vectors, exact_possible
from ragbox.types import split_chunk_id

from support import assert_consistent


def chroma_vector(engine, text):
    return engine.embedder.embed([text])[0]


def test_exact_search_equals_chromas(sample_index):
    reader = VectorReader(sample_index.catalog, lambda: sample_index.vectors, 50000)
    assert reader.exact
    for question in ("governing law", "What medication was started?", "renewal term notice"):
        vector = chroma_vector(sample_index, question)
        exact = reader.query(vector, 10)
        approximate = sample_index.vectors.query(vector, 10)
        assert [i for i, _ in exact] == [i for i, _ in approximate]
        assert np.allclose([s for _, s in exact], [s for _, s in approximate], atol=1e-5)
    nda = [d.doc_id for d in sample_index.catalog.documents() if "nda" in d.path]
    filtered = reader.query(chroma_vector(sample_index, "governing law"), 5, nda)
    assert filtered == [(i, s) for i, s in filtered if split_chunk_id(i)[0] in nda] and len(filtered) == 5
    assert filtered[0][0] == sample_index.vectors.query(chroma_vector(sample_index, "governing law"), 1, nda)[0][0]
    assert reader.query(chroma_vector(sample_index, "x"), 5, []) == []


def test_vectors_in_the_catalog_are_the_stored_ones(sample_index):
    ids = sample_index.catalog.chunk_ids(sample_index.catalog.documents()[0].doc_id)
    kept = catalog_vectors(sample_index.catalog, ids)
    stored = sample_index.vectors.vectors_of(ids)
    assert set(kept) == set(ids) and all(np.allclose(kept[i], stored[i], atol=1e-7) for i in ids)


def test_a_catalog_without_vectors_is_searched_through_chroma(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    reader = VectorReader(engine.catalog, lambda: engine.vectors, 50000)
    assert reader.exact
    assert not exact_possible(engine.catalog, engine.catalog.ready_chunk_count() - 1)  # too big
    doc = engine.catalog.documents()[0]
    engine.catalog.db.execute("UPDATE chunks SET vector = NULL WHERE doc_id = ?", (doc.doc_id,))
    engine.catalog.db.execute("UPDATE documents SET indexed_at = indexed_at WHERE doc_id = ?", (doc.doc_id,))
    assert not reader.exact  # as a catalog from before it kept vectors
    ids = engine.catalog.chunk_ids(doc.doc_id)
    assert set(reader.vectors_of(ids)) == set(ids)  # read from Chroma instead
    hits = engine.search("governing law", k=3)
    assert hits and all(h.score > 0 for h in hits)


def test_the_generation_moves_with_every_document_change(make_engine, docs):
    engine = make_engine()
    before = engine.catalog.generation()
    engine.index([docs])
    indexed = engine.catalog.generation()
    assert indexed != before
    engine.search("governing law")
    assert engine.catalog.generation() == indexed  # reading changes nothing
    engine.forget(next(docs.rglob("*.md")))
    assert engine.catalog.generation() != indexed


def test_an_index_moves_to_a_chroma_server_without_re_embedding(make_engine, docs, chroma_server, embedder):
    local = make_engine()
    local.index([docs])

    class Counting:
        model_id, tokenizer, precision, backend = embedder.model_id, embedder.tokenizer, "fp32", "onnx-fp32"
        texts = 0

        def embed(self, texts):
            Counting.texts += len(texts)
            return embedder.embed(texts)

    moved = make_engine(Counting(), **{"store.url": chroma_server, "retrieval.exact_up_to": 0})
    summary = moved.index([docs])
    assert summary.unchanged == 7 and summary.repaired == local.catalog.ready_chunk_count()
    assert Counting.texts == 0  # every vector came from the catalog
    assert_consistent(moved)
    assert moved.search("governing law", k=1)[0].path.endswith("mutual_nda_northwind_bluefin.pdf")


def test_ranking_inside_the_full_text_index_gives_the_full_ranking(sample_index):
    """The unfiltered keyword search stops at the best k inside FTS5; filtered by every document,
    it ranks all matches through the join: the same ids, scores and order."""
    catalog = sample_index.catalog
    everything = [d.doc_id for d in catalog.documents()]
    for match in ('"governing" OR "law"', '"notice" OR "terminate" OR "days"', '"blood" OR "pressure"'):
        for k in (1, 5, 50):
            assert catalog.lexical_search(match, k) == catalog.lexical_search(match, k, everything)
    assert catalog.lexical_search('"zzzz"', 5) == []


def test_vectors_as_arrays_are_the_same_numbers(sample_index):
    reader = VectorReader(sample_index.catalog, lambda: sample_index.vectors, 50000)
    ids = sample_index.catalog.chunk_ids(sample_index.catalog.documents()[0].doc_id)
    as_lists, as_arrays = reader.vectors_of(ids), reader.arrays_of(ids)
    assert set(as_arrays) == set(ids) and all(a.dtype == np.float32 for a in as_arrays.values())
    assert all(as_arrays[i].tolist() == as_lists[i] for i in ids)


def test_passages_tied_at_the_last_place_are_taken_by_id(sample_index):
    """Copies of a document have the same vectors: which of them fill the last places must not
    depend on where numpy's partition happens to leave them."""
    reader = VectorReader(sample_index.catalog, lambda: sample_index.vectors, 50000)
    found = reader._loaded()
    vector = np.asarray(chroma_vector(sample_index, "governing law"), dtype=np.float32)
    scores = found.matrix @ vector
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], found.chunk_id(i)))
    for k in range(1, 12):
        assert [i for i, _ in reader.query(vector, k)] == [found.chunk_id(i) for i in order[:k]]
    found.matrix = np.repeat(found.matrix[:1], len(found.ids), axis=0)  # every passage tied
    assert [i for i, _ in reader.query(vector, 5)] == sorted(found.chunk_id(i) for i in range(len(found.ids)))[:5]


def test_a_search_within_documents_multiplies_their_rows_only_and_finds_the_same(sample_index):
    reader = VectorReader(sample_index.catalog, lambda: sample_index.vectors, 50000)
    found = reader._loaded()
    vector = chroma_vector(sample_index, "What medication was started?")
    doc_ids = found.documents[1::2]
    assert found.runs() is not None  # each document's rows together, as the catalog writes them
    within = reader.query(vector, 7, doc_ids)
    found._runs = None  # as when a document's rows are not together: all rows, the others masked
    assert reader.query(vector, 7, doc_ids) == within
    assert within and all(split_chunk_id(i)[0] in doc_ids for i, _ in within)
    everything = reader.query(vector, 10**6)
    assert within == [(i, s) for i, s in everything if split_chunk_id(i)[0] in doc_ids][:7]
