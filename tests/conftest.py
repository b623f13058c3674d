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

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DOCS = REPO / "sample_docs"
NDA = SAMPLE_DOCS / "contracts" / "mutual_nda_northwind_bluefin.pdf"
MSA = SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf"


@pytest.fixture(scope="session")
def embedder():
    from ragbox.embeddings import SentenceTransformerEmbedder, bundled_model_dir

    return SentenceTransformerEmbedder(bundled_model_dir(), batch_size=32)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(config_path=None, environ={}, flags={"store.dir": str(tmp_path / "store")})


@pytest.fixture
def make_engine(settings, embedder):
    engines = []

    def make(**flags) -> Engine:
        engine = Engine(settings.replace(flags), embedder=embedder)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        if "catalog" in engine.__dict__:
            engine.catalog.close()


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


def store_state(engine: Engine) -> dict:
    """Everything observable about an index, for comparing two of them (paths made relative)."""
    catalog = engine.catalog
    state = {}
    for doc in catalog.documents(state=None):
        state[Path(doc.path).name] = (
            doc.state, doc.content_hash, doc.pages,
            tuple((c.page, c.char_start, c.char_end, c.text) for c in catalog.chunks_of(doc.doc_id)),
        )
    return state


def assert_consistent(engine: Engine) -> None:
    """Catalog and vector store agree exactly: no orphan, missing or duplicate chunks."""
    catalog_ids = []
    for doc in engine.catalog.documents(state=None):
        assert doc.state == "ready", f"{doc.path} left in state {doc.state}"
        ids = engine.catalog.chunk_ids(doc.doc_id)
        assert len(ids) == doc.chunks
        catalog_ids.extend(ids)
    vector_ids = engine.vectors.all_ids()
    assert len(vector_ids) == len(set(vector_ids))
    assert sorted(vector_ids) == sorted(catalog_ids)
    paths = [d.path for d in engine.catalog.documents()]
    assert len(paths) == len(set(paths)), "a path is indexed twice"
