"""Embedding with ONNX Runtime: the only module importing onnxruntime, and no torch anywhere.

It runs the graph ``onnx_export`` made of the same weights (pooling and normalisation inside the
graph), fed by the model's own fast tokenizer with sentence-transformers' truncation, so an fp32
vector here equals the sentence-transformers one (cosine >= 0.9999, tested). Importing
onnxruntime and tokenizers takes about 0.3 s against 7 s for torch and sentence-transformers:
this is what makes a cold ``ragbox search`` fast.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Sequence

from ragbox.cpu import free_cores
from ragbox.errors import ModelError
from ragbox.store.tokens import ModelTokenizer, max_sequence_length

# Most padded tokens in one call to the graph. Measured on CUAD passages (96-token chunks with their
# context, 79 tokens on average; int8, one thread, CPU ms a passage): 4 passages a call 6.0-6.3,
# 8: 6.5-7.1, 16: 8.1-8.4, 32: 9.4-10.9, and 14.2-14.7 for 32 sorted by characters (31% padding,
# against 4% sorted by tokens). A small call keeps the activations in cache; int8's dynamic
# quantization also scales each call by its own range, so fewer texts share one scale.
BATCH_TOKENS = 512

Known = tuple[str, Sequence[int]]  # a text's context, and the token ids of the rest (empty: not known)


class OnnxSession:
    """One exported graph and the tokenizer that feeds it."""

    def __init__(self, graph: Path, model_dir: Path, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        ort.disable_telemetry_events()  # its Linux build sends usage events (1DS) unless told not to
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or free_cores()  # more threads than idle cores is slower
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initializers are not the user's concern
        # Idle worker threads sleep instead of spinning: on a laptop busy with other work a
        # spinning pool fought it for the cores (a query took 111 ms against 41 ms, 2 busy cores).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError("Cannot load the ONNX embedding model", f"{type(exc).__name__}: {exc}", graph) from exc
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.encoder = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self.encoder.enable_truncation(max_sequence_length(Path(model_dir)))
        self.pad_id = _pad_id(self.encoder, model_dir)
        self.encoder.no_padding()  # each call is padded to its own longest text (``_padded``)
        self.lower_case = _lower_case(model_dir)
        self.ends = _joinable_ends(self.encoder, model_dir, self.lower_case)

    def embed(self, texts: Sequence[str], batch_size: int, known: Sequence[Known] | None = None
              ) -> list[list[float]]:
        """``known``, when given, holds each text's context and the token ids of the rest (a
        chunk's, from the chunker): a text that has them is not tokenised again."""
        import numpy as np

        # As sentence-transformers: stripped (and lower-cased when the model says so) texts.
        prepared = [t.strip().lower() if self.lower_case else t.strip() for t in texts]
        encoded = self._encode(prepared, known)
        out = np.empty((len(prepared), 0), dtype=np.float32)
        for batch in token_batches([len(e[0]) for e in encoded], batch_size, BATCH_TOKENS):
            rows = [encoded[i] for i in batch]
            feed = {"input_ids": _padded([e[0] for e in rows], self.pad_id),
                    "attention_mask": _padded([e[1] for e in rows], 0)}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = _padded([e[2] for e in rows], 0)
            vectors = self.session.run(None, feed)[0]
            if out.shape[1] == 0:
                out = np.empty((len(prepared), vectors.shape[1]), dtype=np.float32)
            out[batch] = vectors
        return out.tolist()

    def _encode(self, prepared: list[str], known: Sequence[Known] | None) -> list[tuple[list[int], ...]]:
        """(ids, attention mask, token types) of each text, as the tokenizer gives them."""
        rows: list = [None] * len(prepared)
        if known is not None and self.ends is not None:
            rows = [self._joined(context, ids) if ids and text.isascii() else None
                    for text, (context, ids) in zip(prepared, known)]
        missing = [i for i, row in enumerate(rows) if row is None]
        texts = [prepared[i] for i in missing]
        # A query's one or two texts: encode() in this thread; the batch call wakes a thread
        # pool, which cost up to 40 ms on a busy machine for microseconds of work.
        encode = self.encoder
        encoded = encode.encode_batch(texts) if len(texts) > 8 else [encode.encode(t) for t in texts]
        for i, e in zip(missing, encoded):
            rows[i] = (e.ids, e.attention_mask, e.type_ids)
        return rows

    def _joined(self, context: str, ids: Sequence[int]) -> tuple[list[int], ...]:
        """What the tokenizer gives for ``context + "\\n" + text`` from the ids of ``text``: a BERT
        tokenizer splits words at whitespace first, so the ids of the two are the ids of each,
        one after the other, truncated as sentence-transformers truncates, between the ends."""
        head, tail, most = self.ends
        context = context.strip().lower() if self.lower_case else context.strip()
        body = [*(self.encoder.encode(context, add_special_tokens=False).ids if context else ()), *ids][:most]
        joined = [*head, *body, *tail]
        return joined, [1] * len(joined), [0] * len(joined)


def token_batches(lengths: Sequence[int], most_texts: int, most_tokens: int) -> list[list[int]]:
    """The indexes of texts of ``lengths`` tokens in calls to the graph: longest first, each call
    at most ``most_texts`` texts and ``most_tokens`` tokens once padded to its longest (a text
    longer than that goes alone), so a call pads little and stays small."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for i in order:
        last = batches[-1] if batches else []
        if last and len(last) < most_texts and lengths[last[0]] * (len(last) + 1) <= most_tokens:
            last.append(i)
        else:
            batches.append([i])
    return batches


class OnnxEmbedder:
    """The ``Embedder`` on ONNX Runtime; exports the model on first use if it is not cached yet."""

    def __init__(self, model_dir: Path, model_id: str, fingerprint: str, precision: str = "fp32",
                 batch_size: int = 32, threads: int = 0) -> None:
        self.model_dir = Path(model_dir)
        self.model_id = model_id
        self.fingerprint = fingerprint
        self.precision = precision
        self.backend = f"onnx-{precision}"
        self.batch_size = batch_size
        self.threads = threads
        self.tokenizer = ModelTokenizer(self.model_dir)
        self._session: OnnxSession | None = None
        self._loading = threading.Lock()

    def load(self) -> None:
        with self._loading:
            if self._session is None:
                from ragbox.store.onnx_export import ensure_exported

                graph = ensure_exported(self.model_dir, self.fingerprint, self.precision)
                self._session = OnnxSession(graph, self.model_dir, self.threads)

    def embed(self, texts: Sequence[str], known: Sequence[Known] | None = None) -> list[list[float]]:
        if not texts:
            return []
        self.load()
        return self._session.embed(texts, self.batch_size, known)


def embed_chunks(embedder, texts: Sequence[str], known: Sequence[Known]) -> list[list[float]]:
    """``embedder.embed(texts)``, reusing the chunks' token ids where the embedder can."""
    return embedder.embed(texts, known) if isinstance(embedder, OnnxEmbedder) else embedder.embed(texts)


def _joinable_ends(encoder, model_dir: Path, lower_case: bool) -> tuple[list[int], list[int], int] | None:
    """(ids before, ids after, most ids between) a text, when the model's tokenizer lets ids of
    pieces of a text be joined (``OnnxSession._joined``); None when it does not."""
    try:
        spec = json.loads((Path(model_dir) / "tokenizer.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    normalizer, splitter = spec.get("normalizer") or {}, spec.get("pre_tokenizer") or {}
    # ASCII text only (``_encode``): Python's and the normalizer's lower-casing agree there
    if normalizer.get("type") != "BertNormalizer" or splitter.get("type") != "BertPreTokenizer" or (
            lower_case and not normalizer.get("lowercase")):
        return None
    probe = "two words"
    whole = encoder.encode(probe)
    inner = encoder.encode(probe, add_special_tokens=False).ids
    head, tail = whole.ids[:1], whole.ids[1 + len(inner):]
    if whole.ids != [*head, *inner, *tail] or set(whole.type_ids) != {0}:
        return None
    return head, tail, max_sequence_length(Path(model_dir)) - len(head) - len(tail)


def _padded(rows: list[list[int]], pad: int):
    import numpy as np

    width = max(len(r) for r in rows)
    return np.asarray([r + [pad] * (width - len(r)) for r in rows], dtype=np.int64)


def _special_tokens(model_dir: Path) -> dict:
    path = Path(model_dir) / "tokenizer_config.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return {}


def _pad_token(model_dir: Path) -> str:
    token = _special_tokens(model_dir).get("pad_token") or "[PAD]"
    return token.get("content", "[PAD]") if isinstance(token, dict) else str(token)


def _pad_id(encoder, model_dir: Path) -> int:
    found = encoder.token_to_id(_pad_token(model_dir))
    return found if found is not None else 0  # masked out either way; only its id is needed


def _lower_case(model_dir: Path) -> bool:
    path = Path(model_dir) / "sentence_bert_config.json"
    try:
        return bool(json.loads(path.read_text(encoding="utf-8")).get("do_lower_case")) if path.is_file() else False
    except (OSError, ValueError):
        return False
