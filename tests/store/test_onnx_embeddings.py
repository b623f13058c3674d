"""The ONNX Runtime embedder: the same vectors as sentence-transformers, an export that is never
used half-written, and the fallback to torch for a model it cannot export."""

import json
import logging
import os
import shutil

import numpy as np
import pytest

from ragbox.bundled import embedding_model_dir
from ragbox.errors import ModelError
from ragbox.store import onnx_export
from ragbox.store.embeddings import SentenceTransformerEmbedder, make_embedder, model_fingerprint, onnx_possible
from ragbox.store.onnx_embeddings import OnnxEmbedder, token_batches
from ragbox.types import Page

from support import SAMPLE_DOCS


def real_texts(embedder) -> list[str]:
    """Passages of the sample documents as ragbox cuts them, plus questions of very different
    lengths, and one text longer than the model reads (truncated the same way by both)."""
    from ragbox.ingest.chunking import Chunker

    chunker = Chunker(embedder.tokenizer, 96, 24, True)
    passages = []
    for path in sorted(SAMPLE_DOCS.rglob("*.txt")) + sorted(SAMPLE_DOCS.rglob("*.md")):
        passages += [c.text for c in chunker.chunk_pages([Page(None, path.read_text(encoding="utf-8"))])]
    questions = ["governing law", "What medication was started for the asthma?",
                 "How does the master services agreement renew after the initial term?"]
    long_text = " ".join(passages)[:6000]
    return passages + questions + [long_text, "  padded with spaces  "]


@pytest.fixture(scope="module")
def torch_embedder():
    return SentenceTransformerEmbedder(embedding_model_dir())


@pytest.mark.slow
def test_onnx_fp32_matches_sentence_transformers(embedder, torch_embedder):
    assert isinstance(embedder, OnnxEmbedder) and embedder.precision == "fp32"
    texts = real_texts(embedder)
    assert len(texts) > 40
    onnx = np.asarray(embedder.embed(texts))
    reference = np.asarray(torch_embedder.embed(texts))
    cosines = (onnx * reference).sum(axis=1)
    assert cosines.min() >= 0.9999, f"worst cosine {cosines.min():.6f} for {texts[int(cosines.argmin())][:60]!r}"
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert embedder.model_id == torch_embedder.model_id  # one index, either backend
    one_by_one = np.asarray([embedder.embed([t])[0] for t in texts[:5]])  # a query's path: no padding
    assert np.allclose(one_by_one, onnx[:5], atol=1e-5)


@pytest.mark.slow
def test_int8_vectors_are_close_but_not_the_same(embedder):
    int8 = make_embedder(embedding_model_dir(), "onnx-int8", "int8")
    texts = real_texts(embedder)[:30]
    cosines = (np.asarray(int8.embed(texts)) * np.asarray(embedder.embed(texts))).sum(axis=1)
    assert cosines.mean() > 0.98
    assert cosines.min() < 0.9999  # different vectors: an index records which it holds


@pytest.mark.slow
def test_export_is_published_whole_and_keyed_by_the_fingerprint(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(tmp_path / "cache"))
    model_dir = embedding_model_dir()
    fingerprint = model_fingerprint(model_dir)
    target = onnx_export.exported_path(model_dir, fingerprint, "fp32")
    assert fingerprint in str(target.parent)

    # A run killed between writing the graph and checking it leaves no file under the final name.
    def crash(partial, target, *args):
        assert partial.is_file() and partial.name.endswith(".partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(onnx_export, "_check_and_publish", crash)
    with pytest.raises(KeyboardInterrupt):
        onnx_export.ensure_exported(model_dir, fingerprint, "fp32")
    assert not target.exists()
    monkeypatch.undo()
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(tmp_path / "cache"))

    assert onnx_export.ensure_exported(model_dir, fingerprint, "fp32") == target
    assert target.is_file()
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".partial") and p.stat().st_size]
    stamp = target.stat().st_mtime_ns
    assert onnx_export.ensure_exported(model_dir, fingerprint, "fp32") == target  # cached, not redone
    assert target.stat().st_mtime_ns == stamp


def test_a_bad_export_is_refused_and_remembered(tmp_path, monkeypatch):
    """An export that disagrees with torch is not published; "auto" then uses torch for that model."""
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(tmp_path / "cache"))
    model_dir = embedding_model_dir()
    fingerprint = model_fingerprint(model_dir)

    def bad_export(model_dir, target):
        raise ModelError("The exported embedding model disagrees with sentence-transformers", "cosine 0.5")

    monkeypatch.setattr(onnx_export, "_export_fp32", bad_export)
    with pytest.raises(ModelError, match="disagrees"):
        onnx_export.ensure_exported(model_dir, fingerprint, "fp32")
    assert not onnx_export.exported_path(model_dir, fingerprint, "fp32").exists()
    assert "cosine 0.5" in json.loads(onnx_export.failure_path(model_dir, fingerprint).read_text())["why"]
    assert not onnx_possible(model_dir)
    assert isinstance(make_embedder(model_dir, "auto", "fp32"), SentenceTransformerEmbedder)
    assert isinstance(make_embedder(model_dir, "onnx", "fp32"), OnnxEmbedder)  # asked for: it says why
    with pytest.raises(ModelError, match="delete .* to try again"):
        make_embedder(model_dir, "onnx", "fp32").embed(["x"])


def copy_model(tmp_path, modules=None, pooling=None):
    target = tmp_path / "model"
    shutil.copytree(embedding_model_dir(), target)
    if modules is not None:
        (target / "modules.json").write_text(json.dumps(modules))
    if pooling is not None:
        (target / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    return target


def test_pooling_mode_is_read_from_the_model_folder(tmp_path):
    assert onnx_export.pooling_mode(embedding_model_dir()) == "mean"
    cls = copy_model(tmp_path, pooling={"word_embedding_dimension": 384, "pooling_mode_cls_token": True,
                                         "pooling_mode_mean_tokens": False})
    assert onnx_export.pooling_mode(cls) == "cls"


def test_a_model_with_other_modules_stays_on_torch(tmp_path):
    modules = json.loads((embedding_model_dir() / "modules.json").read_text())
    modules.append({"idx": 3, "name": "3", "path": "3_Dense", "type": "sentence_transformers.models.Dense"})
    model = copy_model(tmp_path, modules=modules)
    with pytest.raises(ModelError, match="Dense"):
        onnx_export.pooling_mode(model)
    assert not onnx_possible(model)
    assert isinstance(make_embedder(model, "auto", "fp32"), SentenceTransformerEmbedder)
    assert make_embedder(model, "auto", "int8").precision == "fp32"  # the default falls back too
    assert isinstance(make_embedder(model, "torch", "fp32"), SentenceTransformerEmbedder)


def test_torch_is_never_used_for_int8():
    assert isinstance(make_embedder(embedding_model_dir(), "torch", "int8"), OnnxEmbedder)


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(tmp_path))
    path = onnx_export.exported_path(embedding_model_dir(), "abc", "int8")
    assert str(path).startswith(str(tmp_path)) and path.name == f"model-int8.v{onnx_export.EXPORT_VERSION}.onnx"
    assert os.fspath(path.parent).endswith("model-abc")


def test_the_int8_export_prints_none_of_the_quantisers_advice(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(tmp_path / "cache"))
    model_dir = embedding_model_dir()
    with caplog.at_level(logging.WARNING):
        target = onnx_export.ensure_exported(model_dir, model_fingerprint(model_dir), "int8")
    assert target.is_file()
    assert [r.getMessage() for r in caplog.records if "quantization" in r.getMessage()] == []


def test_token_batches_pad_little_and_stay_small():
    lengths = [126, 30, 128, 31, 90, 126, 29, 600, 32, 30, 127, 28]
    batches = token_batches(lengths, most_texts=3, most_tokens=256)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))  # each text once
    assert batches[0] == [7]  # longer than a call may be: alone, first
    for batch in batches:
        assert len(batch) <= 3
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= 256
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(lengths, reverse=True)  # longest first, so each call pads to about its own length
    assert [len(b) for b in batches] == [1, 2, 2, 2, 3, 2]  # 600 | 128 127 | 126 126 | 90 32 | 31 30 30 | 29 28


@pytest.mark.slow
def test_int8_vectors_in_a_batch_are_close_to_the_query_path(embedder):
    """Texts embedded many at once (indexing) against one at a time (a query): int8 scales each
    call by its own range, so the batches stay small and of like lengths (cosines on these texts:
    min 0.985, mean 0.992; 0.981 / 0.991 in calls of 32 texts sorted by characters)."""
    int8 = make_embedder(embedding_model_dir(), "onnx-int8", "int8")
    texts = real_texts(embedder)[:40]
    together = np.asarray(int8.embed(texts))
    alone = np.asarray([int8.embed([t])[0] for t in texts])
    cosines = (together * alone).sum(axis=1)
    assert cosines.min() > 0.98 and cosines.mean() > 0.99


def test_chunk_token_ids_give_the_same_vectors_as_tokenising_again(embedder):
    """Indexing embeds a chunk from the token ids the chunker counted it with (no text tokenised
    twice): over every passage of the sample documents (PDF pages with titles and table context
    among them), the model's input ids and the vectors are exactly those of tokenising the text
    again; a text with non-ASCII letters is tokenised again (its joined ids happen to agree too), as is one
    whose ids are unknown; a text longer than the model reads is cut where the tokenizer cuts it."""
    from ragbox.ingest.chunking import Chunker, embedding_input
    from ragbox.ingest.loaders import pdf
    from ragbox.store.onnx_embeddings import embed_chunks

    chunker = Chunker(embedder.tokenizer, 96, 24, True)
    chunks = []
    for path in sorted(SAMPLE_DOCS.rglob("*.txt")) + sorted(SAMPLE_DOCS.rglob("*.md")):
        chunks += chunker.chunk_pages([Page(None, path.read_text(encoding="utf-8"))])
    for path in sorted(SAMPLE_DOCS.rglob("*.pdf")):
        chunks += chunker.chunk_pages(pdf.pages(path, path.read_bytes()))
    unicode_text = "İSTANBUL ŞUBESİ: the Licensee's ﬁnal payment of €1,200 — naïve façade Σ ΣΑΣ"
    chunks += chunker.chunk_pages([Page(1, unicode_text)])
    assert any(c.context for c in chunks) and all(c.token_ids for c in chunks)
    long_text = "The governing law is that of Delaware. " * 60  # longer than the model reads: truncated
    texts = [embedding_input(c) for c in chunks] + [f"Title\n{long_text}", "a text with no known ids"]
    known = [(c.context, c.token_ids) for c in chunks] + [("Title", embedder.tokenizer.ids([long_text])[0]), ("", ())]

    embedder.load()
    session = embedder._session
    assert session.ends is not None  # MiniLM's BERT tokenizer: the ids are joined, not re-made
    prepared = [t.strip().lower() if session.lower_case else t.strip() for t in texts]
    assert session._encode(prepared, known) == session._encode(prepared, None)
    joined = [session._joined(context, ids) for context, ids in known[:-1]]
    assert joined == session._encode(prepared[:-1], None)  # the non-ASCII text's too
    assert len(joined[-1][0]) == 256
    assert np.array_equal(np.asarray(embed_chunks(embedder, texts, known)), np.asarray(embedder.embed(texts)))
