"""The int8 OCR models are built once a machine, in the user's cache, and copied into each index's
folder (where a sealed OCR child reads them): a new index costs a copy, not a build."""

from __future__ import annotations

from pathlib import Path

import rapidocr

from ragbox.ingest import ocr_models
from ragbox.ingest.ocr import MODEL_FILES


def test_a_model_built_once_is_copied_into_every_index_and_a_read_only_cache_still_works(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(tmp_path / "cache"))
    builds = []
    real_build = ocr_models._build
    monkeypatch.setattr(ocr_models, "_build", lambda *args: builds.append(args[1]) or real_build(*args))
    source = Path(rapidocr.__file__).parent / "models" / MODEL_FILES["Rec"]
    first = ocr_models.int8_model(source, tmp_path / "index-a" / "models", 1.0, head_only=True)
    second = ocr_models.int8_model(source, tmp_path / "index-b" / "models", 1.0, head_only=True)
    assert len(builds) == 1 and first.read_bytes() == second.read_bytes() and first.parent != second.parent
    assert (tmp_path / "cache" / ocr_models.BUILT / first.name).read_bytes() == first.read_bytes()
    assert not list((tmp_path / "index-b" / "models").glob("*.tmp"))  # written whole
    # a cache that cannot be written (a read-only home): built in the index's folder alone
    (tmp_path / "blocked").write_text("a file where the cache folder would be")
    monkeypatch.setenv("RAGBOX_CACHE_DIR", str(tmp_path / "blocked"))
    third = ocr_models.int8_model(source, tmp_path / "index-c" / "models", 1.0, head_only=True)
    assert len(builds) == 2 and third.read_bytes() == first.read_bytes()
