"""Optional reranking with a local cross-encoder (sentence-transformers ``CrossEncoder``)."""

from __future__ import annotations

import os
from pathlib import Path

from ragbox.errors import ModelError


class CrossEncoderReranker:
    """Scores (query, passage) pairs jointly; loaded on first use from a local folder only."""

    def __init__(self, model_dir: Path, batch_size: int = 16) -> None:
        if not (Path(model_dir) / "config.json").is_file():
            raise ModelError("Not a cross-encoder folder", "no config.json (retrieval.reranker)", model_dir)
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from sentence_transformers import CrossEncoder

                self._model = CrossEncoder(str(self.model_dir), device="cpu", local_files_only=True)
            except Exception as exc:
                raise ModelError("Cannot load reranker", f"{type(exc).__name__}: {exc}", self.model_dir) from exc
        return self._model

    def rerank(self, query: str, ids: list[str], texts: dict[str, str]) -> list[str]:
        if not ids:
            return []
        scores = self._load().predict([(query, texts[i]) for i in ids], batch_size=self.batch_size,
                                      show_progress_bar=False)
        order = sorted(range(len(ids)), key=lambda n: (-float(scores[n]), n))
        return [ids[n] for n in order]
