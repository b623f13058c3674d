"""Turning text into vectors, with ONNX Runtime (the default) or sentence-transformers (torch).

``Embedder`` is the seam: anything with ``model_id``, ``tokenizer`` and ``embed()`` can stand in
(``OnnxEmbedder``, ``SentenceTransformerEmbedder``, a deterministic fake in unit tests). Both
backends compute the same fp32 vectors from the same weights; an int8 graph computes slightly
different ones, so an index records its vectors' precision and is always queried at it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Protocol, Sequence

from ragbox import bundled
from ragbox.cpu import free_cores
from ragbox.errors import ModelError
from ragbox.store.tokens import ModelTokenizer

BACKENDS = ("auto", "onnx", "onnx-int8", "torch")
# The precision "auto" gives a new index: int8, the fastest whose retrieval stayed within 0.01 of
# fp32 on the dev CUAD set (evidence in budget 0.8125 against 0.8125 on 400 queries, 0.870
# against 0.860 on 100; it indexes about twice as fast as fp32 on ONNX Runtime: README,
# "Performance"). An index keeps the precision it was built with.
DEFAULT_PRECISION = "int8"


class Embedder(Protocol):
    model_id: str
    tokenizer: ModelTokenizer

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def configured_precision(backend: str) -> str:
    """The precision of the vectors a backend setting asks for."""
    return "int8" if backend == "onnx-int8" else ("fp32" if backend in ("onnx", "torch") else DEFAULT_PRECISION)


def make_embedder(model_dir: Path, backend: str, precision: str, batch_size: int = 32, threads: int = 0):
    """The embedder computing ``precision`` vectors: torch when asked for (fp32), or when this
    model cannot run on ONNX Runtime ("auto" then falls back to it, with fp32 vectors); int8
    vectors only on ONNX Runtime."""
    model_id = model_identity(model_dir)
    fingerprint = model_id.rsplit("@", 1)[1]
    if (precision == "fp32" and backend == "torch") or (backend == "auto" and not onnx_possible(model_dir)):
        return SentenceTransformerEmbedder(model_dir, batch_size, threads)  # fp32: recorded as such
    from ragbox.store.onnx_embeddings import OnnxEmbedder

    return OnnxEmbedder(model_dir, model_id, fingerprint, precision, batch_size, threads)


def onnx_possible(model_dir: Path) -> bool:
    """Whether this model's graph can be exported (or already was), judged from its files alone."""
    from ragbox.store import onnx_export

    fingerprint = model_fingerprint(model_dir)
    if onnx_export.failure_path(model_dir, fingerprint).is_file():
        return False
    try:
        onnx_export.pooling_mode(model_dir)
    except ModelError:
        return False
    return True


def resolve_model_dir(configured: str) -> Path:
    path = Path(configured).expanduser() if configured else bundled.embedding_model_dir()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelError("Not a sentence-transformers model folder", "no modules.json or config.json", path)
    return path


def model_fingerprint(model_dir: Path) -> str:
    """A cheap identity of a model folder: its configs' contents and every file's name and size."""
    digest = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(model_dir).as_posix()
        digest.update(f"{rel}:{path.stat().st_size}\n".encode())
        if path.suffix == ".json" and path.stat().st_size < 1_000_000:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_identity(model_dir: Path) -> str:
    """What an index records as its embedding model: the same for every backend."""
    return f"{model_display_name(model_dir)}@{model_fingerprint(model_dir)}"


def model_display_name(model_dir: Path) -> str:
    if model_dir == bundled.embedding_model_dir():
        return bundled.EMBEDDING_NAME
    try:
        name = json.loads((model_dir / "config.json").read_text()).get("_name_or_path", "")
    except (OSError, ValueError):
        name = ""
    return Path(name).name or model_dir.name


class SentenceTransformerEmbedder:
    """Loads the model on first use, so building the engine (and ``--help``) stays instant."""

    def __init__(self, model_dir: Path, batch_size: int = 32, threads: int = 0) -> None:
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.threads = threads
        self.tokenizer = ModelTokenizer(model_dir)
        self.model_id = model_identity(model_dir)
        self.precision = "fp32"
        self.backend = "torch-fp32"
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self.threads or free_cores())
                self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
            except Exception as exc:  # any failure here means the folder is not a usable model
                raise ModelError("Cannot load embedding model", f"{type(exc).__name__}: {exc}", self.model_dir) from exc
        return self._model

    def load(self) -> None:
        self._load()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        vectors = model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return vectors.astype("float32").tolist()
