"""Exporting the embedding model to ONNX once, locally, so queries never need torch.

The sentence-transformers folder (its transformer, mean/CLS/max pooling and normalisation) is
traced with ``torch.onnx.export`` into one graph whose output is the normalised sentence vector,
the same vector ``SentenceTransformer.encode(..., normalize_embeddings=True)`` returns. The int8
variant is that graph with ONNX Runtime's dynamic per-channel quantisation of its weights.

Files live in the user cache, under a folder named by the model's fingerprint, and appear only
whole: each is written under a temporary name, checked against the torch model on probe texts
and then renamed into place, under a file lock so two processes never export at once. This is
the one module (besides the sentence-transformers adapter) that imports torch, and only here,
once per model and machine, in a child process that gives its memory back when it ends.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ragbox.errors import ModelError
from ragbox.offline import in_child_process
from ragbox.paths import cache_dir

EXPORT_VERSION = 1  # bump when the exported graph changes: old files are then never used
PRECISIONS = ("fp32", "int8")
SUPPORTED_MODULES = {"Transformer", "Pooling", "Normalize"}
# Probe texts of very different lengths, embedded in one padded batch: padding must not move a
# vector, and the exported graph must agree with torch on each of them.
PROBES = [
    "governing law",
    "What is the notice period for terminating the agreement for convenience?",
    "7.2 Either party may terminate this Agreement at any time by giving thirty (30) days' written "
    "notice to the other party. Sections 4, 5 and 9 survive any termination of this Agreement.",
    "Patient is a 54-year-old male with hypertension, on lisinopril 10 mg daily; BP 142/90.",
]
MIN_COSINE = {"fp32": 0.9999, "int8": 0.95}


def export_dir(model_dir: Path, fingerprint: str) -> Path:
    return cache_dir() / "onnx" / f"{Path(model_dir).name}-{fingerprint}"


def exported_path(model_dir: Path, fingerprint: str, precision: str) -> Path:
    return export_dir(model_dir, fingerprint) / f"model-{precision}.v{EXPORT_VERSION}.onnx"


def failure_path(model_dir: Path, fingerprint: str) -> Path:
    return export_dir(model_dir, fingerprint) / f"export-failed.v{EXPORT_VERSION}.json"


def pooling_mode(model_dir: Path) -> str:
    """How sentence-transformers pools this model's token vectors: "mean", "cls" or "max".
    A ``ModelError`` when the folder holds modules the exported graph would not reproduce."""
    modules_file = Path(model_dir) / "modules.json"
    if not modules_file.is_file():
        return "mean"  # a plain transformers folder: sentence-transformers mean-pools it
    try:
        modules = json.loads(modules_file.read_text(encoding="utf-8"))
        kinds = {m["type"].rsplit(".", 1)[-1]: m.get("path", "") for m in modules}
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise ModelError("Cannot read the embedding model's modules", str(exc), modules_file) from exc
    unsupported = set(kinds) - SUPPORTED_MODULES
    if unsupported:
        raise ModelError("No ONNX export for this embedding model",
                         f"modules {', '.join(sorted(unsupported))} are not supported", model_dir)
    if "Pooling" not in kinds:
        return "mean"
    try:
        config = json.loads((Path(model_dir) / kinds["Pooling"] / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError("Cannot read the pooling config", str(exc), model_dir) from exc
    modes = [name for name, key in (("mean", "pooling_mode_mean_tokens"), ("cls", "pooling_mode_cls_token"),
                                    ("max", "pooling_mode_max_tokens")) if config.get(key)]
    others = [k for k, v in config.items() if k.startswith("pooling_mode") and v and not k.endswith(
        ("mean_tokens", "cls_token", "max_tokens"))]
    if len(modes) != 1 or others:
        raise ModelError("No ONNX export for this embedding model", "only one of mean, CLS or max pooling "
                         "is supported", model_dir)
    return modes[0]


def ensure_exported(model_dir: Path, fingerprint: str, precision: str) -> Path:
    """The exported graph for ``precision``, exporting it first when it is not cached yet."""
    target = exported_path(model_dir, fingerprint, precision)
    if target.is_file():
        return target
    failed = failure_path(model_dir, fingerprint)
    if failed.is_file():
        raise ModelError("No ONNX export for this embedding model", _failure_reason(failed), model_dir)
    with _export_lock(target.parent):
        if target.is_file():  # another process finished it while this one waited
            return target
        for stale in target.parent.glob(".*.partial"):  # left by an export that was killed
            stale.unlink(missing_ok=True)
        try:
            if precision == "fp32":
                _export_fp32(model_dir, target)
            else:
                _quantize_int8(ensure_exported_unlocked(model_dir, fingerprint), target, model_dir)
        except ModelError as exc:
            _write_atomically(failed, json.dumps({"why": exc.one_line()}).encode())
            raise
        except ChildProcessError as exc:  # the child was killed (out of memory?): not remembered, tried again next time
            raise ModelError("Cannot export the embedding model to ONNX", str(exc), model_dir) from exc
    return target


def ensure_exported_unlocked(model_dir: Path, fingerprint: str) -> Path:
    """The fp32 graph, exported by a caller that already holds the lock."""
    target = exported_path(model_dir, fingerprint, "fp32")
    if not target.is_file():
        _export_fp32(model_dir, target)
    return target


def _failure_reason(path: Path) -> str:
    try:
        reason = json.loads(path.read_text()).get("why", "")
    except (OSError, ValueError):
        reason = ""
    return f"{reason} (delete {path} to try again)"


@contextmanager
def _export_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "export.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _temporary(target)
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)


def _publish(partial: Path, target: Path) -> None:
    """Make a finished, checked file visible under its final name, durably."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _export_fp32(model_dir: Path, target: Path) -> None:
    """Trace the model into ``target``'s partial file in a child process (torch, its tracer and a
    second copy of the model for the reference vectors peak near 800 MB, which this process would
    otherwise keep while it indexes), then check the graph here and publish it."""
    partial = _temporary(target)
    try:
        reference = in_child_process(__name__, "_traced", model_dir, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _check_and_publish(partial, target, model_dir, reference, "fp32")


def _traced(model_dir: Path, partial: Path) -> list[list[float]]:
    """The graph of the model written to ``partial``; sentence-transformers' vectors of the probes."""
    pooling = pooling_mode(model_dir)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import warnings

        import torch
        from transformers import AutoModel

        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
        wrapper = _SentenceGraph(model, pooling, torch)
        names = ["input_ids", "attention_mask"] + (["token_type_ids"] if wrapper.takes_token_types else [])
        sample = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
        axes = {name: {0: "batch", 1: "tokens"} for name in names}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes concern no input we feed
            torch.onnx.export(wrapper, sample, str(partial), input_names=names,
                              output_names=["sentence_embedding"],
                              dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
                              opset_version=17, dynamo=False)
        return _torch_vectors(model_dir)
    except ModelError:
        partial.unlink(missing_ok=True)
        raise
    except Exception as exc:  # any failure of the tracer means this model cannot be exported
        partial.unlink(missing_ok=True)
        raise ModelError("Cannot export the embedding model to ONNX", f"{type(exc).__name__}: {exc}",
                         model_dir) from exc


def _quantize_int8(fp32_path: Path, target: Path, model_dir: Path) -> None:
    partial = _temporary(target)
    try:
        # In a child: the quantiser holds several copies of the graph (a 500 MB peak) for a moment.
        in_child_process(__name__, "_quantized", fp32_path, partial)
        reference = _session_vectors(fp32_path, model_dir)
    except ChildProcessError:
        partial.unlink(missing_ok=True)
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise ModelError("Cannot quantize the embedding model", f"{type(exc).__name__}: {exc}", model_dir) from exc
    _check_and_publish(partial, target, model_dir, reference, "int8")


def _quantized(fp32_path: Path, partial: Path) -> None:
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    onnxruntime.disable_telemetry_events()  # the quantiser may start a session (see onnx_embeddings)
    # Per-channel scales keep each output row's own range: per-tensor int8 moved the vectors
    # of real passages to a mean cosine of 0.95 against fp32, per-channel to 0.99.
    with _without_advice():
        quantize_dynamic(str(fp32_path), str(partial), weight_type=QuantType.QInt8, per_channel=True)


@contextmanager
def _without_advice():
    """The quantiser logs advice to Python's root logger ("Please consider to run pre-processing
    before quantization"), which would print under a user's first `ragbox index`: not theirs to act on."""
    def keep(record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()

    root = logging.getLogger()
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)


def _check_and_publish(partial: Path, target: Path, model_dir: Path, reference, precision: str) -> None:
    """Compare the new graph with the reference vectors on the probes; publish it only if close."""
    try:
        vectors = _session_vectors(partial, model_dir)
        worst = min(sum(a * b for a, b in zip(x, y)) for x, y in zip(vectors, reference))
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise ModelError("The exported embedding model does not run", f"{type(exc).__name__}: {exc}",
                         model_dir) from exc
    if worst < MIN_COSINE[precision]:
        partial.unlink(missing_ok=True)
        raise ModelError("The exported embedding model disagrees with sentence-transformers",
                         f"cosine {worst:.5f} < {MIN_COSINE[precision]} on a probe text", model_dir)
    _publish(partial, target)


def _torch_vectors(model_dir: Path) -> list[list[float]]:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    return model.encode(PROBES, normalize_embeddings=True, convert_to_numpy=True).tolist()


def _session_vectors(path: Path, model_dir: Path) -> list[list[float]]:
    from ragbox.store.onnx_embeddings import OnnxSession

    return OnnxSession(path, model_dir, threads=0).embed(PROBES, batch_size=len(PROBES))


class _SentenceGraph:
    """The transformer plus pooling and normalisation, as one module for the tracer (built
    lazily as a torch module: torch is imported only when exporting)."""

    def __new__(cls, model, pooling: str, torch):
        import inspect

        takes_token_types = "token_type_ids" in inspect.signature(model.forward).parameters

        class SentenceGraph(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model
                self.takes_token_types = takes_token_types

            def forward(self, input_ids, attention_mask, token_type_ids=None):
                extra = {"token_type_ids": token_type_ids} if takes_token_types else {}
                tokens = self.model(input_ids=input_ids, attention_mask=attention_mask, **extra)[0]
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                if pooling == "cls":
                    pooled = tokens[:, 0]
                elif pooling == "max":
                    pooled = (tokens - (1 - mask) * 1e9).max(dim=1).values
                else:  # as sentence-transformers: the sum over real tokens / their count
                    pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, p=2, dim=1)

        return SentenceGraph()
