"""An index records the precision and backend of its vectors, is queried at that precision, and
never mixes fp32 and int8 vectors."""

import pytest

from ragbox.engine import Engine
from ragbox.errors import StoreError
from ragbox.store.embedding_record import stored_precision
from ragbox.store.onnx_embeddings import OnnxEmbedder

pytestmark = pytest.mark.slow  # real ONNX sessions, fp32 and int8


def engine_with(settings, backend: str) -> Engine:
    return Engine(settings.replace({"embedding.backend": backend}))


def test_an_int8_index_is_queried_in_int8_whatever_the_setting(settings, docs):
    int8 = engine_with(settings, "onnx-int8")
    int8.index([docs])
    assert int8.catalog.get_meta("embedding_vectors") == "int8"
    assert int8.catalog.get_meta("embedding_backend") == "onnx-int8"
    assert int8.status()["embedding_backend"] == "onnx-int8"
    for backend in ("auto", "onnx", "torch"):
        embedder = engine_with(settings, backend).embedder
        assert isinstance(embedder, OnnxEmbedder) and embedder.precision == "int8", backend
    hits = engine_with(settings, "auto").search("governing law of the NDA", k=3)
    assert hits[0].path.endswith("mutual_nda_northwind_bluefin.pdf")
    # The score is the cosine of an int8 query against int8 passages: the stored vector's own.
    stored = int8.vectors.vectors_of([hits[0].chunk_id])[hits[0].chunk_id]
    query = int8.embedder.embed(["governing law of the NDA"])[0]
    assert hits[0].score == pytest.approx(sum(a * b for a, b in zip(query, stored)), abs=1e-5)


def test_indexing_never_mixes_precisions(settings, docs):
    engine_with(settings, "onnx-int8").index([docs])
    (docs / "new.txt").write_text("The supplier shall deliver the goods within ten business days.")
    with pytest.raises(StoreError, match="holds int8 vectors: embedding.backend = onnx computes fp32 ones"):
        engine_with(settings, "onnx").index([docs])
    assert engine_with(settings, "auto").index([docs]).indexed == [str((docs / "new.txt").resolve())]
    rebuilt = engine_with(settings, "onnx")
    rebuilt.rebuild()
    rebuilt.index([docs])
    assert rebuilt.catalog.get_meta("embedding_vectors") == "fp32"
    assert rebuilt.embedder.precision == "fp32"


def test_an_index_from_before_the_record_holds_fp32_vectors(make_engine, docs):
    engine = make_engine()
    engine.index([docs])
    engine.catalog.db.execute("DELETE FROM meta WHERE key IN ('embedding_vectors', 'embedding_backend')")
    assert stored_precision(engine.catalog) == "fp32"
    assert Engine(engine.settings).embedder.precision == "fp32"
    assert stored_precision(None) is None
