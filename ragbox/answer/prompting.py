"""Grounded prompts, budgeted in the LLM's own tokens so a source is never cut mid-way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Sequence

from ragbox.llm.generator import Prompt
from ragbox.text import fold_spaces
from ragbox.types import Hit

# The one sentence for "the documents do not answer": what ragbox says, and what the model is told
# to say; a model's answer that says it (or words like it) is shown as not found (``cannot_find``).
NOT_FOUND = "Not found in the indexed documents."
# A clause question's "not found": said without "No", which would answer "Can it be assigned
# without consent?" the wrong way round (no anti-assignment clause means it can).
NO_SUCH_CLAUSE = "No such clause was found"
# How a model says it found nothing: the sentence it was told, or its own words for it.
_CANNOT_FIND = re.compile(r"^\W*(?:not found\b|(?:i|we)\s+(?:could|can|did|do)\s*(?:not|n't)\s+find\b|"
                          r"i\s+(?:am|was)\s+(?:unable|not able)\s+to\s+find\b|"
                          r"(?:the\s+)?(?:provided\s+)?sources\s+do\s*(?:not|n't)\s+(?:contain|say|mention|state|"
                          r"include|provide|answer)\b|"
                          r"there\s+is\s+no\s+(?:information|mention)\b)", re.IGNORECASE)

INSTRUCTIONS = (
    "Answer the question using only the numbered sources. Cite every source you use with its "
    f"number in brackets, like [1]. If the sources do not contain the answer, reply: {NOT_FOUND}"
)
# A base model (no chat template) follows a worked example far better than instructions: with
# this one, Gemma 3 270M answers from the sources in one sentence instead of echoing them.
COMPLETION_EXAMPLE = (
    "Read the sources and answer the question in one sentence, citing the source number in brackets.\n\n"
    "Sources:\n"
    "[1] (lease.pdf, page 2) 4.1 The Tenant shall pay rent of $2,400 per month, due on the first day of "
    "each month. 4.2 A late fee of $50 applies after the fifth day.\n"
    "[2] (lease.pdf, page 5) 12. Governing Law. This lease is governed by the laws of the State of Oregon.\n\n"
    "Question: How much is the monthly rent?\n"
    "Answer: The monthly rent is $2,400, due on the first day of each month [1].\n\n"
)
# Chat templates add role markers around each message; this covers them generously.
CHAT_OVERHEAD_TOKENS = 48


def cannot_find(text: str) -> bool:
    """Whether a model's answer says the sources do not answer ("Not found in the indexed
    documents.", "I could not find the answer ...", "The sources do not mention ...")."""
    return bool(_CANNOT_FIND.search(text))


def source_label(hit: Hit) -> str:
    where = Path(hit.path).name
    if hit.page is not None:
        where += f", page {hit.page}"
    if hit.section:
        where += f", {hit.section}"
    return where


def format_source(number: int, hit: Hit) -> str:
    return f"[{number}] ({source_label(hit)}) {fold_spaces(hit.text)}\n"


def build_prompt(
    question: str,
    hits: Sequence[Hit],
    style: str,
    count_tokens: Callable[[str], int],
    budget: int,
) -> Prompt:
    """Include whole sources in rank order while the prompt fits in ``budget`` tokens."""
    question = fold_spaces(question)
    if style == "chat":
        fixed = count_tokens(INSTRUCTIONS) + count_tokens(f"Sources:\n\nQuestion: {question}") + CHAT_OVERHEAD_TOKENS
    else:
        fixed = count_tokens(_completion_text("", question))
    used = fixed
    chosen: list[Hit] = []
    for hit in hits:
        cost = count_tokens(format_source(len(chosen) + 1, hit))
        if used + cost > budget:
            continue  # a shorter, lower-ranked source may still fit whole
        chosen.append(hit)
        used += cost
    sources_text = "".join(format_source(n, h) for n, h in enumerate(chosen, start=1))
    if style == "chat":
        messages = [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": f"Sources:\n{sources_text}\nQuestion: {question}"},
        ]
        return Prompt("chat", messages=messages, sources=chosen, tokens=used)
    return Prompt("completion", text=_completion_text(sources_text, question), sources=chosen, tokens=used)


def _completion_text(sources_text: str, question: str) -> str:
    return f"{COMPLETION_EXAMPLE}Sources:\n{sources_text}\nQuestion: {question}\nAnswer:"
