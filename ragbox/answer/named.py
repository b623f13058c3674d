"""The answer to a question that names its documents: said to be from the document named, one
answer per document when it names several, and never silently one of several that fit alike."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ragbox.answer.prompting import NO_SUCH_CLAUSE
from ragbox.coverage import DocumentCoverage, page_ranges
from ragbox.document_cards import ResolvedDocument
from ragbox.paths import document_name, split_part_path
from ragbox.text import CITATION, NAMING_NOUNS, alternation, quote
from ragbox.types import Answer

_NOT_FOUND_OPENINGS = ("Not found", NO_SUCH_CLAUSE)


def document_label(document: ResolvedDocument) -> str:
    """How an answer names its document: its title as a reader writes it, and its file."""
    name = document_name(document.path)
    title = document.title.strip()
    if title.islower():  # a kind, "progress note"
        title = title[:1].upper() + title[1:]
    if title.isupper():
        title = re.sub(r"\b(And|Of|The|To|For|In|On|By|With)\b", lambda m: m.group().lower(), title.title())
    return f"{title} ({name})" if title else name


def labelled(on_token: Callable[[str], None] | None, label: str) -> Callable[[str], None] | None:
    """A token callback that opens a found answer with "In <document>: " (a "not found" names it)."""
    if on_token is None:
        return None
    started = False

    def emit(token: str) -> None:
        nonlocal started
        if not started and not token.startswith(_NOT_FOUND_OPENINGS):
            token = f"In {label}: {token}"
        started = True
        on_token(token)

    return emit


def named_answer(question: str, documents: Sequence[ResolvedDocument], ambiguous: bool,
                 answers: Sequence[Answer]) -> Answer:
    """One answer from the answers of each named document, in the order of ``documents``."""
    if len(answers) == 1:
        answer = answers[0]
        if answer.found and answer.text:  # a cancelled answer stays empty
            answer.text = f"In {document_label(documents[0])}: {answer.text}"
        answer.resolved, answer.ambiguous = list(documents), False
        return answer
    lines, sources, quotes, cited = [], [], [], []
    if ambiguous:
        lines.append(f"{len(documents)} documents fit the name; the answer from each "
                     "(name one more fully, or narrow with --where):")
    for document, answer in zip(documents, answers):
        offset = len(sources)
        text = CITATION.sub(lambda m, o=offset: f"[{int(m.group(1)) + o}]", answer.text)
        lines.append(f"In {document_label(document)}: {text}" if answer.found else text)
        sources += answer.sources
        quotes += answer.quotes or [(0, len(h.text)) for h in answer.sources]
        cited += [n + offset for n in answer.cited]
    first = answers[0]
    found = any(a.found for a in answers)
    return Answer(question, "\n".join(lines), sources, first.model, found=found, cited=cited,
                  citation_method=first.citation_method if found else "none", quotes=quotes,
                  style=next((a.style for a in answers if a.found), "not found"), kind=first.kind,
                  confidence=min(a.confidence for a in answers), searched=first.searched,
                  sure=not ambiguous and all(a.sure for a in answers),
                  timings={k: sum(a.timings.get(k, 0.0) for a in answers) for k in first.timings},
                  resolved=list(documents), ambiguous=ambiguous, per_document=list(answers))


# "the agreement", "this contract", "the supply agreement", "the [] agreement": a question about one document.
_ONE_DOCUMENT = re.compile(rf"\b(?:the|this)\s+(?:\S+\s+){{0,4}}?(?:{alternation(NAMING_NOUNS)})\b", re.I)


def unnamed_document_answer(answer: Answer, question: str) -> Answer:
    """A folder-wide answer to a question about one document that names none ("When does the
    agreement expire?" over forty contracts) is never sure: which document was meant is unknown, and
    the answer is one document's among several. Over a folder of one document it may be."""
    if answer.found and answer.sure and answer.searched.get("files", 0) > 1 and _ONE_DOCUMENT.search(question):
        answer.sure, answer.unsure_because = False, ["document_not_named"]
    return answer


def unknown_name_answer(answer: Answer, name: str) -> Answer:
    """The answer to a question that called its document by a name none goes by: it says so and
    takes no value from the folder (that would come from another document than the one meant);
    the closest passages stay as sources."""
    answer.text = (f"No single document here goes by “{name}”: name it by a party, its title or its file "
                   "(`ragbox documents` lists them), or narrow with --where.")
    answer.found, answer.sure, answer.style, answer.unknown_name = False, False, "not found", name
    answer.evidence, answer.cited, answer.sentences = None, [], []
    return answer


def closest_elsewhere(answer: Answer, named: ResolvedDocument) -> str:
    """Where the folder-wide ``answer`` was found, when that is another document than the one
    ``named`` ('' when it is that one, or nothing answers): said apart from the answer."""
    if not answer.found or answer.evidence is None:
        return ""
    hit = answer.sources[answer.evidence.source - 1]
    if split_part_path(hit.path)[0] == split_part_path(named.path)[0]:
        return ""
    place = document_name(hit.path) + (f", page {hit.page}" if hit.page else "")
    return f"Not from the document named, the closest elsewhere: {place}: “{quote(answer.evidence_text, 200)}”"


def unread_note(coverage: DocumentCoverage) -> dict:
    """The pages of a document that were not read, and the line an answer from it adds: what was
    not searched cannot be "not found" in it."""
    pages = coverage.not_read()
    which = f"Page {pages[0]}" if len(pages) == 1 else f"Pages {page_ranges(pages)}"
    verb = "was" if len(pages) == 1 else "were"
    line = f"{which} of {document_name(coverage.path)} could not be read and {verb} not searched."
    return {"path": coverage.path, "pages": pages, "line": line}
