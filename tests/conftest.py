"""Shared fixtures. Real components throughout: the bundled embedding model is loaded once per
session and shared; each test gets its own on-disk store under ``tmp_path``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from ragbox.config import Settings, load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402

from support import SAMPLE_DOCS, start_chroma_server, stop_chroma_server  # noqa: E402

# A test that uses one of these loads the real embedding model (and maybe the GGUF): it is slow,
# whether or not it says so. Tests that load models another way (a subprocess, the CLI runner)
# carry @pytest.mark.slow themselves.
MODEL_FIXTURES = {"embedder", "sample_index", "sample_index_on_server", "make_engine", "sample_engine"}


def pytest_collection_modifyitems(items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def embedder():
    """The bundled model on ONNX Runtime, fp32 (exported on first use): the vectors of
    sentence-transformers, so ranks and scores in the tests and snapshots do not depend on the
    backend. The default (int8) runs in the CLI, serve and app tests, which build their own."""
    from ragbox.bundled import embedding_model_dir
    from ragbox.store.embeddings import make_embedder

    return make_embedder(embedding_model_dir(), "onnx", "fp32", batch_size=32)


@pytest.fixture
def store_url() -> str:
    """The Chroma server a test's index keeps its vectors in; "" for the embedded store. Modules
    that run their tests against both override it (see ``both_vector_stores``)."""
    return ""


@pytest.fixture
def chroma_server(tmp_path: Path):
    """A real `chroma run` on loopback, fresh for one test."""
    process, url = start_chroma_server(tmp_path / "chroma-server")
    yield url
    stop_chroma_server(process)


@pytest.fixture
def settings(tmp_path: Path, store_url: str) -> Settings:
    # On a server, search its vectors, not the catalog's copy (which a small index would use).
    server = {"store.url": store_url, "retrieval.exact_up_to": 0} if store_url else {}
    return load_settings(config_path=None, environ={}, flags={"store.dir": str(tmp_path / "store"), **server})


@pytest.fixture
def make_engine(settings, embedder):
    engines = []

    def make(embedder_instead=None, **flags) -> Engine:
        engine = Engine(settings.replace(flags), embedder=embedder_instead or embedder)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A private, writable copy of sample_docs for tests that edit, rename or delete files."""
    target = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS, target)
    return target


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, embedder):
    """sample_docs indexed once for the read-only tests."""
    store = tmp_path_factory.mktemp("sample-store")
    settings = load_settings(config_path=None, environ={}, flags={"store.dir": str(store)})
    engine = Engine(settings, embedder=embedder)
    engine.index([SAMPLE_DOCS])
    return engine


@pytest.fixture(scope="session")
def sample_index_on_server(tmp_path_factory, embedder):
    """sample_docs indexed once with its vectors in a real Chroma server, searched there."""
    process, url = start_chroma_server(tmp_path_factory.mktemp("chroma-server"))
    store = tmp_path_factory.mktemp("sample-store-server")
    settings = load_settings(config_path=None, environ={}, flags={
        "store.dir": str(store), "store.url": url, "retrieval.exact_up_to": 0})
    engine = Engine(settings, embedder=embedder)
    engine.index([SAMPLE_DOCS])
    yield engine
    engine.close()
    stop_chroma_server(process)
