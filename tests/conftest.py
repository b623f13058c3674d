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

from support import SAMPLE_DOCS  # noqa: E402

# A test that uses one of these loads the real embedding model (and maybe the GGUF): it is slow,
# whether or not it says so. Tests that load models another way (a subprocess, the CLI runner)
# carry @pytest.mark.slow themselves.
MODEL_FIXTURES = {"embedder", "sample_index", "make_engine", "sample_engine"}


def pytest_collection_modifyitems(items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def embedder():
    """The default embedder: the bundled model on ONNX Runtime (exported on first use)."""
    from ragbox.bundled import embedding_model_dir
    from ragbox.store.embeddings import DEFAULT_PRECISION, make_embedder

    return make_embedder(embedding_model_dir(), "auto", DEFAULT_PRECISION, batch_size=32)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(config_path=None, environ={}, flags={"store.dir": str(tmp_path / "store")})


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
