"""What a GGUF's header says about a model, and what ragbox can add without guessing.

From the header: architecture, parameters, quantization, context length, chat template, licence,
base model. Computed: the memory it needs (weights + KV cache at the configured context +
llama.cpp's buffers). From a small table of known families, labelled as such: whether a family
publishes its weights only, or also its training data and code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ragbox.llm.gguf_header import GGUFHeader

# llama.cpp's llama_ftype (general.file_type) -> the quantization's usual name
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
    36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
}
# Besides weights and KV cache: the worker process itself (Python, llama.cpp's libraries), the
# attention scores of one 512-token batch against the whole context, and per-token vocabulary
# tables. Checked against the worker's RSS after reading a 1,700-token prompt at n_ctx 2048:
# Gemma 3 270M 434 MB measured, 441 MB estimated; SmolLM2 135M 264 MB measured, 290 MB estimated.
PROCESS_BYTES = 100 * 10**6
BATCH = 512
SCORE_BYTES = 4
VOCAB_ENTRY_BYTES = 128
KV_BYTES = 2  # llama.cpp keeps the KV cache in F16 by default


@dataclass(frozen=True)
class Family:
    match: tuple[str, ...]  # lower-case prefixes of general.basename / general.name
    family: str
    publisher: str
    openness: str  # what the family publishes
    note: str


# Only what the publishers state themselves; a family not listed here is reported as unknown.
FAMILIES = (
    Family(("smollm",), "SmolLM", "Hugging Face", "open weights, training data and training code",
           "Apache-2.0; the pre-training corpora and training recipes are published"),
    Family(("olmo",), "OLMo", "Allen Institute for AI", "open weights, training data and training code",
           "Apache-2.0; Dolma/OLMo-mix data, code and checkpoints are published"),
    Family(("pythia",), "Pythia", "EleutherAI", "open weights, training data and training code",
           "Apache-2.0; trained on the Pile, code and checkpoints published"),
    Family(("gemma",), "Gemma", "Google", "open weights only",
           "Gemma Terms of Use; the training data are not published"),
    Family(("llama", "meta-llama"), "Llama", "Meta", "open weights only",
           "Llama Community License; the training data are not published"),
    Family(("qwen",), "Qwen", "Alibaba", "open weights only",
           "mostly Apache-2.0 (some sizes under the Qwen licence); the training data are not published"),
    Family(("mistral", "mixtral", "ministral"), "Mistral", "Mistral AI", "open weights only",
           "Apache-2.0 for the open models; the training data are not published"),
    Family(("phi",), "Phi", "Microsoft", "open weights only", "MIT; the training data are not published"),
    Family(("deepseek",), "DeepSeek", "DeepSeek", "open weights only",
           "MIT for the R1 family; the training data are not published"),
)


def quantization(header: GGUFHeader) -> str:
    file_type = header.get("general.file_type")
    if file_type is None:
        return "-"
    return FILE_TYPES.get(file_type, f"type {file_type}")


def parameters_label(header: GGUFHeader) -> str:
    count = header.parameters
    if not count:
        return header.get("general.size_label") or "-"
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= size:
            return f"{count / size:.3g}{unit}"
    return str(count)


def kv_cache_bytes(header: GGUFHeader, n_ctx: int) -> int:
    """The KV cache llama.cpp allocates for ``n_ctx`` tokens (F16, every layer full size)."""
    layers = header.arch("block_count") or 0
    heads = _first(header.arch("attention.head_count")) or 0
    kv_heads = _first(header.arch("attention.head_count_kv")) or heads
    width = header.arch("embedding_length") or 0
    head_dim = width // heads if heads else 0
    key = header.arch("attention.key_length") or head_dim
    value = header.arch("attention.value_length") or head_dim
    return layers * n_ctx * kv_heads * (key + value) * KV_BYTES


def memory_needed(header: GGUFHeader, file_bytes: int, n_ctx: int) -> dict:
    """Bytes to run the model at ``n_ctx``: weights, KV cache, buffers and their total."""
    vocab = header.array_length("tokenizer.ggml.tokens") or header.arch("vocab_size") or 0
    heads = _first(header.arch("attention.head_count")) or 0
    buffers = PROCESS_BYTES + n_ctx * BATCH * heads * SCORE_BYTES + vocab * VOCAB_ENTRY_BYTES
    parts = {"weights": file_bytes, "kv_cache": kv_cache_bytes(header, n_ctx), "buffers": buffers}
    return {**parts, "total": sum(parts.values())}


def family_of(header: GGUFHeader, file_name: str = "") -> tuple[Family, str] | None:
    """The known family a model belongs to and the metadata field that says so, or None."""
    for key in ("general.basename", "general.name", "general.base_model.0.name"):
        value = str(header.get(key) or "").lower()
        for family in FAMILIES:
            if value and any(value.startswith(prefix) for prefix in family.match):
                return family, key
    return None


def base_model(header: GGUFHeader) -> str:
    """``general.base_model.N.*`` as one line: name (organization, repo URL)."""
    count = header.get("general.base_model.count") or 0
    names = []
    for n in range(count):
        name = header.get(f"general.base_model.{n}.name") or ""
        org = header.get(f"general.base_model.{n}.organization") or ""
        url = header.get(f"general.base_model.{n}.repo_url") or ""
        extra = ", ".join(p for p in (org, url) if p)
        names.append(f"{name} ({extra})" if extra else name)
    return "; ".join(n for n in names if n)


def gb(size: int) -> str:
    return f"{size / 1e9:.2f} GB" if size < 10e9 else f"{size / 1e9:.1f} GB"


def describe_memory(parts: dict, n_ctx: int) -> str:
    return (f"{gb(parts['total'])} ({gb(parts['weights'])} weights + {gb(parts['kv_cache'])} KV cache at "
            f"llm.n_ctx={n_ctx} + {gb(parts['buffers'])} buffers)")


def _first(value):
    """Some architectures store a per-layer list where others store one number."""
    if isinstance(value, list):
        return max(value) if value else None
    return value


def split_parts(path: Path) -> list[Path]:
    """All files of a split GGUF (``name-00001-of-00003.gguf``), or just ``path``."""
    stem = path.name
    marker = stem.rfind("-00001-of-")
    if marker < 0:
        return [path]
    total = stem[marker + len("-00001-of-"):].removesuffix(".gguf")
    if not total.isdigit():
        return [path]
    prefix = stem[:marker]
    return [path.with_name(f"{prefix}-{n:05d}-of-{total}.gguf") for n in range(1, int(total) + 1)]


def describe(entry, n_ctx: int, available: int) -> dict:
    """One model of ``model_catalog.discover`` as ``ragbox models`` lists it (``error`` when its
    header cannot be read: the rest stay empty)."""
    from ragbox.llm.gguf_header import GGUFFormatError, read_header

    row = {"name": entry.name, "source": entry.source, "path": str(entry.path), "architecture": "",
           "parameters": "", "quantization": "", "size_bytes": 0, "context_length": None,
           "chat_template": None, "license": "", "ram_bytes": None, "fits": None, "error": ""}
    try:
        header = read_header(entry.path)
        row["size_bytes"] = sum(p.stat().st_size for p in split_parts(Path(entry.path)))
    except (GGUFFormatError, OSError) as exc:
        return {**row, "error": str(getattr(exc, "strerror", None) or exc)}
    need = memory_needed(header, row["size_bytes"], n_ctx)
    return {**row, "architecture": header.get("general.architecture") or "?",
            "parameters": parameters_label(header), "quantization": quantization(header),
            "context_length": header.arch("context_length"),
            "chat_template": bool(header.get("tokenizer.chat_template")),
            "license": header.get("general.license") or entry.license_text or "",
            "ram_bytes": need["total"], "memory": need, "fits": need["total"] <= available}


def transparency(entry) -> dict:
    """Licence, base model and openness, each with where it came from; nothing is guessed."""
    from ragbox.llm.gguf_header import read_header

    header = read_header(entry.path)
    facts = {}

    def fact(key: str, value, source: str) -> None:
        if value:
            facts[key] = {"value": str(value), "source": source}

    fact("name", header.get("general.name"), "GGUF metadata general.name")
    fact("organization", header.get("general.organization"), "GGUF metadata general.organization")
    if header.get("general.license"):
        fact("license", header.get("general.license"), "GGUF metadata general.license")
    elif entry.license_text:
        fact("license", entry.license_text, "Ollama's licence layer (first line)")
    fact("license_link", header.get("general.license.link"), "GGUF metadata general.license.link")
    fact("base_model", base_model(header), "GGUF metadata general.base_model.*")
    fact("source_url", header.get("general.source.url") or header.get("general.url"), "GGUF metadata")
    known = family_of(header)
    if known:
        family, key = known
        where = f"ragbox's table of known families (matched on {key} = {header.get(key)!r})"
        fact("family", f"{family.family} ({family.publisher})", where)
        fact("openness", family.openness, where)
        fact("openness_note", family.note, where)
    else:
        facts["openness"] = {"value": "unknown", "source": "not in the GGUF metadata, and not a family in "
                             "ragbox's table of known families"}
    return facts
