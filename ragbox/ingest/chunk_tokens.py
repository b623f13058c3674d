"""A chunk's token ids taken from its page's: the chunker tokenises a page once to place its cuts,
and a chunk between two word boundaries gets those tokens' ids (``Chunk.token_ids``, which the
embedder reuses) instead of being tokenised again. Only for a tokenizer whose ids of a run of
words do not depend on what surrounds it (``ModelTokenizer.word_bounded``); a chunk cut inside a
word (a long run without spaces) is tokenised alone, as before."""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import replace

from ragbox.types import Chunk


def with_page_ids(chunks: list[Chunk], text: str, low: int, high: int, spans: list[tuple[int, int]],
                  ids: list[int] | None) -> list[Chunk]:
    """``chunks`` of ``text[low:high]``, whose tokens are ``spans`` (relative to ``low``) and
    ``ids``, each with its ids when it starts and ends at a word boundary (else as they were; all
    as they were when ``ids`` is None)."""
    if ids is None:
        return chunks
    starts = [low + start for start, _ in spans]
    result = []
    for chunk in chunks:
        first = bisect.bisect_left(starts, chunk.char_start)
        last = bisect.bisect_left(starts, chunk.char_end)
        at_words = (first < last and starts[first] == chunk.char_start and low + spans[last - 1][1] <= chunk.char_end
                    and (chunk.char_start == low or _space(text[chunk.char_start - 1]))
                    and (chunk.char_end == high or _space(text[chunk.char_end])))
        result.append(replace(chunk, token_ids=tuple(ids[first:last])) if at_words else chunk)
    return result


def _space(character: str) -> bool:
    """Whitespace as a BERT tokenizer sees it (str.isspace also takes control characters, which it
    deletes: the letters either side would then be one word)."""
    return character in " \t\n\r" or unicodedata.category(character) == "Zs"
