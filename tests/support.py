"""Helpers shared by the tests (imported by name; conftest.py holds only fixtures)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DOCS = REPO / "sample_docs"
FIXTURES = REPO / "tests" / "fixtures"
NDA = SAMPLE_DOCS / "contracts" / "mutual_nda_northwind_bluefin.pdf"
MSA = SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf"


def store_state(engine) -> dict:
    """Everything observable about an index, for comparing two of them (paths made relative)."""
    catalog = engine.catalog
    state = {}
    for doc in catalog.documents(state=None):
        state[Path(doc.path).name] = (
            doc.state, doc.content_hash, doc.pages,
            tuple((c.page, c.char_start, c.char_end, c.text) for c in catalog.chunks_of(doc.doc_id)),
        )
    return state


def assert_consistent(engine) -> None:
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


# --- model stores as the tools that fill them leave them (Ollama, LM Studio, Hugging Face) ---
def link(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system: a copy will do
        target.write_bytes(source.read_bytes())
    return target


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def blob(root: Path, data: bytes | Path, media_type: str) -> dict:
    """A blob in Ollama's store, named after its digest, and the manifest layer naming it."""
    if isinstance(data, Path):
        digest, size = sha256(data), data.stat().st_size
        link(data, root / "blobs" / f"sha256-{digest}")
    else:
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        (root / "blobs").mkdir(parents=True, exist_ok=True)
        (root / "blobs" / f"sha256-{digest}").write_bytes(data)
    return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": size}


def ollama_model(root: Path, manifest_path: str, gguf: Path, license_text: str = "") -> None:
    """What `ollama pull` leaves: blobs/sha256-<hex> and manifests/<host>/<namespace>/<model>/<tag>."""
    config = json.dumps({"model_format": "gguf", "model_family": "llama", "file_type": "Q4_1"}).encode()
    layers = [blob(root, gguf, "application/vnd.ollama.image.model"),
              blob(root, b"{{ .Prompt }}", "application/vnd.ollama.image.template")]
    if license_text:
        layers.append(blob(root, license_text.encode(), "application/vnd.ollama.image.license"))
    layers.append(blob(root, b'{"stop": ["<|im_end|>"]}', "application/vnd.ollama.image.params"))
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": blob(root, config, "application/vnd.docker.container.image.v1+json"), "layers": layers}
    target = root / "manifests" / manifest_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(manifest), encoding="utf-8")
