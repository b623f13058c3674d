"""Turning text into vectors. The sentence-transformers adapter is the only module importing torch.

``Embedder`` is the seam: anything with ``model_id``, ``dimension`` and ``embed()`` can stand in
(an ONNX path later, a deterministic fake in unit tests).
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


class Embedder(Protocol):
    model_id: str
    tokenizer: ModelTokenizer

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


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
        self.model_id = f"{model_display_name(model_dir)}@{model_fingerprint(model_dir)}"
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

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        vectors = model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return vectors.astype("float32").tolist()
