"""Counting text in the embedding model's own tokens, without importing torch.

``sentence-transformers`` truncates every input at the model's max sequence length; ragbox keeps
each chunk below it, measured with the very tokenizer the model uses (its ``tokenizer.json``), so
no text is silently invisible to search.
"""

from __future__ import annotations

import json
from pathlib import Path

from ragbox.errors import ModelError

# [CLS] and [SEP] (or <s> and </s>) take two of the model's positions.
SPECIAL_TOKENS = 2


class ModelTokenizer:
    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        path = self.model_dir / "tokenizer.json"
        if not path.is_file():
            raise ModelError("Embedding model has no tokenizer.json", "a fast tokenizer is required", model_dir)
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self.word_bounded = _splits_at_words(path)
        self.max_tokens = max_sequence_length(Path(model_dir)) - SPECIAL_TOKENS

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of every token of ``text``, in order."""
        return self._tokenizer.encode(text, add_special_tokens=False).offsets

    def encoded(self, text: str) -> tuple[list[tuple[int, int]], list[int] | None]:
        """Each token's character span in ``text`` and, when ``word_bounded``, the token ids (the
        ids of a run of words of ``text`` are then those the run alone gets); else None."""
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        return encoding.offsets, (encoding.ids if self.word_bounded else None)

    def counts(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.ids(texts)]

    def ids(self, texts: list[str]) -> list[list[int]]:
        """The token ids of each text (no special tokens)."""
        return [e.ids for e in self._tokenizer.encode_batch(texts, add_special_tokens=False)]


def max_sequence_length(model_dir: Path) -> int:
    """The length sentence-transformers truncates at, read from the model's own config files."""
    for name, key in (("sentence_bert_config.json", "max_seq_length"), ("config.json", "max_position_embeddings")):
        path = model_dir / name
        if path.is_file():
            try:
                value = json.loads(path.read_text(encoding="utf-8")).get(key)
            except (OSError, ValueError) as exc:
                raise ModelError("Cannot read embedding model config", str(exc), path) from exc
            if isinstance(value, int) and value > SPECIAL_TOKENS:
                return value
    raise ModelError("Embedding model config has no max sequence length", "", model_dir)


def _splits_at_words(path: Path) -> bool:
    """Whether the tokenizer (a BERT WordPiece one) splits text into words at whitespace and
    punctuation before it splits each word into pieces, character by character normalised: then a
    run of whole words gets the same ids alone as inside a longer text. A byte-level BPE or
    SentencePiece tokenizer marks a word by the space before it, so a text's first word differs."""
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    normalizer, pre = config.get("normalizer") or {}, config.get("pre_tokenizer") or {}
    return (config.get("model", {}).get("type") == "WordPiece" and pre.get("type") == "BertPreTokenizer"
            and normalizer.get("type") in ("BertNormalizer", None))
