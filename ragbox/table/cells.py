"""A review table's cells: the question a column asks, and what one document's answer to it shows.

A column may be a full question or a short phrase. A phrase that names a kind of fact ("governing
law", "renewal term", "expiration date", "current medications") is asked as "What is the ...?";
any other phrase names a clause or topic ("non-compete", "termination for convenience") and is
asked as "Is there a ... clause?", so a document that has one answers Yes with the clause quoted.
The answer itself comes from the same pipeline as ``ask`` (``answering.Answerer``); a cell only
adds the table's states on top of its confidence. With a model (``--generate``) a cell shows the
model's words only when the check passed them and its quote, the extractive evidence, states
everything they state; otherwise it is unsure and shows the evidence.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace

from ragbox.answer.checking import check_sentence
from ragbox.answer.questions import question_kind
from ragbox.text import CITATION, QUESTION_OPENINGS, alternation, fold_spaces
from ragbox.types import Answer, Evidence, TableCell

# "(renews automatically; notice of non-renewal at least sixty (60) days ...)" after a renewal term.
_RENEWAL_DETAILS = re.compile(r"\s+\((?:renews automatically|not automatic|notice of non-renewal)"
                              r"(?:[^()]|\([^()]*\))*\)$")
# A column that already asks: it starts like a question, ends with "?", or has a context clause.
_ASKS = re.compile(rf"^(?:{alternation(QUESTION_OPENINGS)}|may|must|shall|consider|list|name)\b", re.IGNORECASE)
# A plural noun at the end of a phrase ("payment terms", "current medications"), not "address", "status".
_PLURAL = re.compile(r"[^su]s$|ies$", re.IGNORECASE)


def column_question(column: str) -> str:
    """The question a column asks of each document (see the module's docstring)."""
    text = fold_spaces(column).strip().rstrip(".")
    if not text or text.endswith("?") or ";" in text or _ASKS.match(text):
        return text
    kind = question_kind(text)
    if kind.name in ("passage", "yesno"):
        article = "an" if text[0].lower() in "aeiou" else "a"
        return f"Is there {article} {text} clause?"
    verb = "are" if _PLURAL.search(text.split()[-1]) else "is"
    return f"What {verb} the {text}?"


def supported_by_quote(written: Answer, extracted: Answer) -> bool:
    """Whether every sentence the model wrote passed the check against its sources and states
    nothing its cell's quote (the sentence the extractive evidence found) does not: a value taken
    from another passage ("two (2) years", the initial term, for the renewal term) is not this
    cell's answer."""
    if written.style != "generated" or written.model_text is not None or not written.sentences \
            or extracted.evidence is None:
        return False
    evidence = extracted.evidence
    source = extracted.sources[evidence.source - 1]
    start, end = evidence.sentence
    quote = replace(source, char_start=source.char_start + start, char_end=source.char_start + end,
                    text=source.text[start:end])
    return all(check_sentence(CITATION.sub("", s.text).strip(), [quote]).supported for s in written.sentences)


def cell_state(answer: Answer, sure_confidence: float, unsupported: bool = False) -> str:
    """found, unsure or not found: not found when the decision says so; found only when ``ask``
    would call the answer sure (the same checks: ``answer.sureness``), its confidence reaches the
    table's own ``sure_confidence`` and the model's answer, if any, is not ``unsupported``."""
    if not answer.found:
        return "not found"
    return "found" if answer.sure and answer.confidence >= sure_confidence and not unsupported else "unsure"


def cell_text(answer: Answer) -> str:
    """The answer as a cell shows it: without citation marks or the quotes around a sentence."""
    if not answer.found:
        return ""
    text = fold_spaces(CITATION.sub("", answer.text)).strip()
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    if answer.kind == "yesno":  # "Yes: “<the clause>”": the cell's quote shows the clause
        said = re.match(r"(?:Yes|No)\b", text)
        text = said.group(0) if said else text.rstrip(".")
    text = _RENEWAL_DETAILS.sub("", text)  # how it renews: the cell's quote shows it
    return text.strip("“”").strip()


def cell_of(answer: Answer, path: str, column: int, sure_confidence: float, started: float,
            written: Answer | None = None) -> TableCell:
    """``answer`` (extracted, to column ``column``, about the document at ``path``) as a table
    cell; ``written``, the model's answer to the same question from the same passages, is shown
    instead when the cell's quote supports it, else kept aside as ``model_text``."""
    supported = written is not None and answer.found and supported_by_quote(written, answer)
    state = cell_state(answer, sure_confidence, unsupported=written is not None and not supported)
    source = evidence = None
    if answer.found and answer.evidence is not None:
        source = answer.sources[answer.evidence.source - 1]
        evidence = Evidence(1, answer.evidence.sentence, answer.evidence.span, answer.evidence.value)
    text, model_text = cell_text(answer), None
    if supported:
        text = cell_text(written)
    elif written is not None and answer.found:
        model_text = written.model_text if written.model_text is not None else written.text
    return TableCell(path, column, state, text, answer.confidence, source, evidence, model_text, answer.kind,
                     time.perf_counter() - started)
