"""From retrieved passages to the answer a user reads first: right, or visibly unsure.

1. Find the evidence: the sentence, and the span in it, that answers (``extract``).
2. Decide whether it answers at all (``decision``); if not, say "not found" and what was
   searched, and never ask the model to guess.
3. Answer: with ``extract`` the answer is that span, quoted from its source; with ``generate``
   the model writes it from the sources and each sentence is checked against the passage it cites
   (``checking``) as it streams: only supported sentences are shown as the answer; when none is,
   the evidence is shown instead, labelled as such, with the model's words flagged below.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from ragbox.answer.checking import check_sentence
from ragbox.answer.citations import best_quote, with_quotes
from ragbox.answer.clauses import EXISTENCE, clause_asked, expresses, yes_or_no
from ragbox.answer.decision import decide
from ragbox.answer.extract import Candidate, Similarity, candidates, in_document, plain_clause, title_of
from ragbox.answer.facts import another_documents_date
from ragbox.answer.figure_answers import figure_answer, unsure_in_filing
from ragbox.answer.furniture import running_lines, without_furniture
from ragbox.answer.parties import parties_of
from ragbox.answer.prompting import NO_SUCH_CLAUSE, NOT_FOUND, build_prompt, cannot_find
from ragbox.answer.questions import EFFECTIVE_DATE, OPEN_END, TERM, QuestionKind
from ragbox.answer.sections import section_candidate
from ragbox.answer.sureness import mark_rival, unsure_because, with_evidence_value
from ragbox.answer.terms import renewal_details, renews_by_itself, spoken_date, term_end
from ragbox.document_cards import DocumentCard
from ragbox.llm.generator import counted_in_one_batch
from ragbox.text import fold_spaces, sentence_spans
from ragbox.types import Answer, AnswerSentence, Evidence, Hit

TokenCallback = Callable[[str], None]


@dataclass
class Question:
    """A question with what ragbox found for it, ready to be answered."""

    text: str  # as asked
    part: str  # the clause that asks (without a context clause)
    kind: QuestionKind
    hits: list[Hit]  # retrieved passages, best first
    document: list[Hit]  # the passages of the document the question is about, in reading order
    naming: list[str]  # words that name the document (its file name, the context clause)
    searched: dict
    card: DocumentCard | None = None  # the card of the document the question is about (its parties)


def find_evidence(question: Question, similarity: Similarity | None, passages: int) -> Candidate | None:
    evidence = _best_candidate(question, similarity, passages)
    if evidence is not None:
        evidence.features["in_document"] = in_document(question.part, question.document, question.naming)
        if question.kind.name == "yesno" and (EXISTENCE.search(question.part.strip())
                                              or evidence.features.get("expressed")):
            plain = plain_clause(question.part, evidence.hit, evidence.sentence, question.naming)
            evidence.features["plain"] = float(plain)  # a heading names the clause: sure (decision.py)
        if question.kind.topic == "renewal" and evidence.value:  # does it renew by itself? (sureness)
            evidence.features["automatic"] = renews_by_itself(evidence.sentence_text)
    return evidence


def _best_candidate(question: Question, similarity: Similarity | None, passages: int) -> Candidate | None:
    if question.kind.name == "title":
        return title_of(question.document)
    if question.kind.name == "parties" and (named := parties_of(question.card, question.document)):
        return named  # the card's parties where the opening names them
    section = section_candidate(question.part, question.document)
    if section is not None:  # "What is the patient allergic to?": the note's ALLERGIES section
        return section
    hits = question.hits[:passages]
    clause = clause_asked(question.part, question.naming) if question.kind.name == "yesno" else None
    keep = (lambda sentence: expresses(clause, sentence)) if clause is not None else None
    found = candidates(question.part, question.kind, hits, question.document, question.naming, similarity, keep)
    if clause is not None:  # only a sentence stating the clause answers whether it is there (decision.py)
        for candidate in found:
            candidate.features["expressed"] = 1.0
    if question.kind.derive_end:  # "when does it expire?" is often answered by its term
        starts = candidates("effective date", EFFECTIVE_DATE, hits, question.document, question.naming)
        effective = next((c.value for c in starts if len(c.value) == 10), None)
        terms = candidates(question.part, TERM, hits, question.document, question.naming, similarity)
        terms += candidates(question.part, OPEN_END, hits, question.document, question.naming, similarity)
        found += [end for end in (term_end(c, effective) for c in terms) if end is not None]
        found.sort(key=lambda c: -c.score)
    if not found:
        return None
    if "date" in question.kind.facts:  # "amends the Supply Agreement dated [April 1, 2017]": the last resort
        found.sort(key=lambda c: another_documents_date(c.hit.text[c.sentence[0]:c.span[0]]))  # stable: by score
    # checks for "sure": the value written whole, the runner-up, another document's value
    found[0].rival = mark_rival(found[0], found, question.kind.facts)
    return found[0]


def _sources_with(evidence: Candidate | None, hits: Sequence[Hit], k: int) -> tuple[list[Hit], int | None]:
    """The sources to show and give the model: the top ``k`` passages, with the evidence's passage
    first when the document scan found it elsewhere. Returns them and the evidence's number."""
    sources = list(hits[:k])
    if evidence is None:
        return sources, None
    for number, hit in enumerate(sources, start=1):
        if hit.chunk_id == evidence.hit.chunk_id:
            if hit.text != evidence.hit.text:  # two passages joined (the parties): shown as the answer quotes them
                sources[number - 1] = replace(evidence.hit, score=hit.score)
            return sources, number
    return [evidence.hit] + sources[:max(0, k - 1)], 1


def extracted_text(evidence: Candidate, kind: QuestionKind, number: int, question: str = "",
                   document: Sequence[Hit] = (), naming: Sequence[str] = ()) -> str:
    """The answer taken from the evidence; a clause is quoted without the running headers and
    footers of its ``document`` (furniture.running_lines)."""
    if evidence.features.get("parties"):  # "A (“a”) and B (“b”)": the card's names, quoted where they stand
        return f"{evidence.value} [{number}]"
    if evidence.features.get("section"):  # a note's section, its items on one line
        return f"{evidence.value[:1].upper()}{evidence.value[1:]} [{number}]"
    if kind.name == "yesno":  # "Yes: “Neither party shall compete ...” [1]": the answer with the clause that says so
        clause = fold_spaces(without_furniture(evidence.sentence_text, running_lines(document))) or fold_spaces(
            evidence.sentence_text)
        return f"{yes_or_no(question, evidence.sentence_text, naming)}: “{clause}” [{number}]"
    if evidence.value == "event":  # a term that ends on an event: "until completion of the Research Program"
        return f"No fixed date: {fold_spaces(evidence.span_text)} [{number}]"
    if evidence.note:  # a value computed from the sentence, not written in it
        value = "Perpetual" if evidence.value == "perpetual" else spoken_date(evidence.value)
        return f"{value} ({evidence.note}) [{number}]"
    if evidence.value or kind.name == "title":
        span = fold_spaces(evidence.span_text)
        details = renewal_details(evidence) if kind.required and evidence.value else ""
        return f"{span[:1].upper()}{span[1:]}{f' ({details})' if details else ''} [{number}]"
    return f"“{fold_spaces(evidence.sentence_text)}” [{number}]"


def _source_number(sources: list[Hit], hit: Hit) -> int:
    """The number of ``hit`` among ``sources``, added after them if not one (another document's value)."""
    number = next((n for n, source in enumerate(sources, start=1) if source.chunk_id == hit.chunk_id), None)
    if number is None:
        sources.append(hit)
        number = len(sources)
    return number


def _with_rival(text: str, evidence: Candidate, sources: list[Hit], cited: list[int]) -> tuple[str, list[int]]:
    """The answer with the other value after it ("...; but amendment.txt states ...", "...; but the
    same document also states ..."), its passage among the sources."""
    rival = evidence.rival
    number = _source_number(sources, rival.hit)
    whose = "the same document also" if rival.hit.path == evidence.hit.path else Path(rival.hit.path).name
    return f"{text}; but {whose} states {fold_spaces(rival.span_text)} [{number}]", cited + [number]


def not_found_text(question: Question) -> str:
    """ "Not found" ("No such clause was found" for a yes/no question) with what was searched: the document
    named (the answer is from it or from nowhere), else the files in scope."""
    searched = question.searched
    yesno = question.kind.name == "yesno"
    document = searched.get("document")
    if document:
        head = f"{NO_SUCH_CLAUSE} in {document}." if yesno else f"Not found in {document}."
        return f"{head} Searched the whole document, in index '{searched.get('index', '')}'."
    where = f" matching {searched['where']}" if searched.get("where") else ""
    head = f"{NO_SUCH_CLAUSE} in the indexed documents." if yesno else NOT_FOUND
    text = f"{head} Searched {searched.get('files', 0)} file(s){where} in index '{searched.get('index', '')}'"
    focused = searched.get("documents") or []
    if focused:
        text += f", most closely {', '.join(focused[:2])}"
    return text + "."


class Answerer:
    def __init__(self, style: str, k: int, max_answer_tokens: int, min_confidence: float,
                 extract_passages: int = 5, sure_confidence: float = 0.8) -> None:
        self.style = style  # "extract" or "generate"
        self.k = k
        self.max_answer_tokens = max_answer_tokens
        self.min_confidence = min_confidence
        self.extract_passages = extract_passages
        self.sure_confidence = sure_confidence

    def answer(self, question: Question, similarity: Similarity | None, generator_of: Callable[[], object],
               model_name: str, on_token: TokenCallback | None = None, cancel: threading.Event | None = None, *,
               style: str | None = None, k: int | None = None, min_confidence: float | None = None) -> Answer:
        """``style``, ``k`` and ``min_confidence`` replace this answerer's own for one answer (a
        review table's cells are extracted, and weighed by the table's own threshold)."""
        started = time.perf_counter()
        figure = figure_answer(question.text, question.card, question.document, question.hits, k or self.k,
                               model_name, question.searched)
        if figure is not None:  # a figure of a filing: the cell of its statement, whatever the style
            if on_token:
                on_token(figure.text)
            return figure
        evidence = find_evidence(question, similarity, self.extract_passages)
        top_score = question.hits[0].score if question.hits else 0.0
        min_confidence = self.min_confidence if min_confidence is None else min_confidence
        decision = decide(question.kind, evidence, top_score, min_confidence)
        timings = {"evidence_s": time.perf_counter() - started}
        answer = self._answer(question, evidence, decision.found, generator_of, model_name, on_token, cancel, timings,
                              style or self.style, k or self.k)
        answer.confidence, answer.signals = round(decision.confidence, 4), decision.features
        reasons = unsure_because(question.kind.topic, question.kind.name, decision.confidence, decision.features,
                                 self.sure_confidence) if answer.found else []
        reasons += unsure_in_filing(question.card) if answer.found else []  # a filing's figures: its cells
        answer.unsure_because = answer.unsure_because + [r for r in reasons if r not in answer.unsure_because]
        answer.sure = answer.found and not answer.unsure_because
        return answer

    def _answer(self, question: Question, evidence: Candidate | None, found: bool, generator_of, model_name: str,
                on_token: TokenCallback | None, cancel: threading.Event | None, timings: dict, style: str,
                k: int) -> Answer:
        if not found:
            text = not_found_text(question)
            if on_token:
                on_token(text)
            return with_quotes(Answer(question.text, text, list(question.hits[:k]), model_name, found=False,
                                      style="not found", timings=timings, searched=question.searched,
                                      kind=question.kind.name))
        sources, number = _sources_with(evidence, question.hits, k)
        proof = Evidence(number, evidence.sentence, evidence.span, evidence.value)
        if style != "generate":
            text = extracted_text(evidence, question.kind, number, question.part, question.document, question.naming)
            cited = [number]
            if evidence.rival is not None:  # two values stated (sureness.mark_rival): both are shown
                text, cited = _with_rival(text, evidence, sources, cited)
            if on_token:
                on_token(text)
            return with_quotes(Answer(question.text, text, sources, model_name, cited=cited,
                                      citation_method="evidence", timings=timings, style="extracted",
                                      evidence=proof, searched=question.searched, kind=question.kind.name))
        return self._generate(question, sources, proof, evidence, generator_of(), on_token, cancel, timings)

    def _generate(self, question: Question, sources: list[Hit], proof: Evidence, evidence: Candidate, generator,
                  on_token: TokenCallback | None, cancel: threading.Event | None, timings: dict) -> Answer:
        mark = time.perf_counter()
        budget = generator.context_size - self.max_answer_tokens
        style = generator.prompt_style()
        prompt = counted_in_one_batch(generator, lambda count: build_prompt(question.text, sources, style, count,
                                                                             budget))
        sources = list(prompt.sources)
        number = _source_number(sources, evidence.hit)
        proof = Evidence(number, evidence.sentence, evidence.span, evidence.value)
        timings["prompt_s"] = time.perf_counter() - mark
        shown = _CheckedStream(sources, on_token, question.text)
        cancelled = self._stream(generator, prompt, shown, cancel, timings)
        generated = shown.text[:shown.done].strip()
        sentences = shown.checked
        supported = [s for s in sentences if s.supported]
        cited = sorted({n for s in supported for n in s.citations})
        if supported:  # the evidence shown is what the model's first supported sentence rests on
            first = supported[0].citations[0]
            sentence = best_quote(sources[first - 1], question.text, supported[0].text)
            shown_proof = Evidence(first, sentence, sentence)
        if sentences and len(supported) == len(sentences):
            answer = with_quotes(Answer(question.text, generated, sources, generator.name, cited=cited,
                                        citation_method="model", timings=timings, style="generated",
                                        evidence=shown_proof, sentences=sentences, searched=question.searched,
                                        kind=question.kind.name))
            return with_evidence_value(answer, evidence, question.kind, number, on_token)
        if not supported and not cancelled and cannot_find(generated):  # the model says the sources do not answer
            text = not_found_text(question)
            if on_token:
                on_token(text)
            return with_quotes(Answer(question.text, text, sources, generator.name, found=False, style="not found",
                                      timings=timings, sentences=sentences, model_text=generated,
                                      searched=question.searched, kind=question.kind.name))
        if supported or cancelled:
            text = " ".join(s.text for s in supported)
            style = "generated"
            proof = shown_proof if supported else proof
        else:
            number = proof.source
            text = extracted_text(evidence, question.kind, number, question.part, question.document, question.naming)
            cited = [number]
            style = "extracted"
            if on_token:  # nothing of the model's was shown: the answer taken from the evidence is
                on_token(text)
        return with_quotes(Answer(question.text, text, sources, generator.name, cited=cited,
                                  citation_method="evidence" if style == "extracted" else "model", timings=timings,
                                  style=style, evidence=proof, sentences=sentences, model_text=generated,
                                  searched=question.searched, kind=question.kind.name))

    def _stream(self, generator, prompt, shown: _CheckedStream, cancel: threading.Event | None,
                timings: dict) -> bool:
        """The model's words passed to ``shown`` as they come (checked a sentence at a time);
        whether ``cancel`` stopped it."""
        mark = time.perf_counter()
        first_token = None
        cancelled = False
        pieces = generator.stream(prompt, self.max_answer_tokens)
        try:
            for piece in pieces:
                if cancel is not None and cancel.is_set():
                    cancelled = True  # what was shown stays; the unfinished sentence is dropped
                    break
                if not piece:
                    continue  # the model is still reading the prompt; a cancel is seen above
                if first_token is None:
                    first_token = time.perf_counter() - mark
                shown.add(piece)
        finally:
            pieces.close()  # stops the model's generation at once
        if not cancelled:
            shown.finish()
        timings["first_token_s"] = first_token or 0.0
        timings["generation_s"] = time.perf_counter() - mark
        return cancelled


class _CheckedStream:
    """Passes a model's tokens on one checked sentence at a time: a supported sentence is shown as
    soon as it ends, an unsupported one is held back."""

    _ENDED = re.compile(r"[.!?][\"')\]]*\s+$")

    def __init__(self, sources: Sequence[Hit], on_token: TokenCallback | None, question: str = "") -> None:
        self.sources = sources
        self.question = question
        self.on_token = on_token
        self.text = ""
        self.done = 0  # characters of ``text`` already checked
        self.checked: list[AnswerSentence] = []

    def add(self, piece: str) -> None:
        self.text += piece
        rest = self.text[self.done:]
        spans = sentence_spans(rest)
        complete = spans if self._ENDED.search(rest) else spans[:-1]  # the last may still be growing
        for start, end in complete:
            self._check(rest[start:end])
        if complete:
            self.done += complete[-1][1]

    def finish(self) -> None:
        rest = self.text[self.done:].strip()
        if rest:
            self._check(rest)
        self.done = len(self.text)

    def _check(self, sentence: str) -> None:
        sentence = sentence.strip()
        if not sentence:
            return
        checked = check_sentence(sentence, self.sources, self.question)
        self.checked.append(checked)
        if checked.supported and self.on_token:
            self.on_token(sentence + " ")
