"""Finding the sentence, and the span within it, that answers a question, in the passages.

Every sentence of the retrieved passages (and, for a question that expects a fact, of the whole
document the question is about) is scored by the words it shares with the question, the words
that usually stand next to that kind of answer ("governed by the laws of", "renews for
successive", "prior written notice"), how similar it is to the question, and the rank of its
passage; a question that expects a fact only takes sentences stating one. The answer span is that
fact, quoted exactly from the sentence, or the whole sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from ragbox.answer.facts import Fact, all_facts, date_role, ends
from ragbox.answer.own import agreement_role, defines_another_term, incorporation_place, own_feature, with_roles
from ragbox.answer.questions import QuestionKind
from ragbox.text import NOTICE_WORDS, PASSAGE_STOPWORDS, TITLE_NOUNS, alternation, sentence_spans, stems
from ragbox.types import Hit, split_chunk_id

# Words every question about a document uses: they say nothing about which sentence answers.
_GENERIC = frozenset(stems("contract agreement document clause clauses provision provisions section this there exist "
                           "contain include includes provide provides require requires specify specified designate "
                           "designated under", frozenset()))
# "two (2) successive [one-year terms]": the count and kind of renewals belong to the answer.
_PREFIX = re.compile(r"(?:\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten)(?:\s*\(\d+\))?\s+)?"
                     r"\b(?:successive|additional|consecutive|further)\b[^.;]{0,30}$", re.IGNORECASE)
Similarity = Callable[[str, list[str]], list[float]]
# Words that make a duration say what it is: "[within] 45 days [after the invoice date]".
_QUALIFIER = re.compile(r"\b(?:within|at least|not less than|no less than|no later than|up to|no more than)\s+$",
                        re.IGNORECASE)
_TERM_NOUN = re.compile(r"\s+(?:renewal\s+)?(?:terms?|periods?)\b", re.IGNORECASE)
_RELATION = re.compile(r"\s+(?:after|before|following|from|of|prior to|preceding)\b[^.;,()]{1,60}", re.IGNORECASE)
# Words that say what kind of answer is asked ("which state's law"), not where it stands: the
# answer may be a country ("the laws of Japan").
# A period before an end, or a notice, is no renewal term: "not less than ninety (90) days prior to the
# expiration of the Initial Term", "upon sixty (60) days' written notice".
_NOTICE_AFTER = re.compile(rf"\s*(?:calendar\s+|business\s+)?(?:days?\b)?[\s'’]*(?:{NOTICE_WORDS}|preceding)\b",
                           re.IGNORECASE)
_ANSWER_TYPE = {"place": frozenset(stems("state states country countries jurisdiction jurisdictions",
                                          frozenset()))}
SIMILARITY_CANDIDATES = 24  # sentences, best by their words, that are also compared by meaning
MIN_SENTENCE_WORDS = 3  # content words a sentence needs to answer an open question


@dataclass
class Candidate:
    """A sentence that may answer, with the exact span to state (offsets into ``hit.text``)."""

    hit: Hit
    retrieved_rank: int | None  # 0-based rank among the retrieved passages; None for a document scan
    sentence: tuple[int, int]
    span: tuple[int, int]
    value: str  # the fact's normal form ("30 day", "New York", "1999-06-21"), or "" for a sentence
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    note: str = ""  # how a value not written in the sentence was computed ("computed: one (1) year from ...")
    rival: Candidate | None = None  # another document's passage stating a different value (sureness.mark_rival)

    @property
    def sentence_text(self) -> str:
        return self.hit.text[self.sentence[0]:self.sentence[1]]

    @property
    def span_text(self) -> str:
        return self.hit.text[self.span[0]:self.span[1]]


def question_terms(question: str, naming: Sequence[str] = ()) -> set[str]:
    """The stems of what the question asks about, without the words that name the document."""
    named = set()
    for name in naming:
        named |= set(stems(name, PASSAGE_STOPWORDS))
    return set(stems(question, PASSAGE_STOPWORDS)) - _GENERIC - named


NEAR = 60  # characters: a fact this close after a cue word is what the cue introduces
REQUIRED_NEAR = 100  # characters: "renewed by mutual written agreement of the parties for [two (2) years]"


def _word_ends(sentence: str, beginnings: Sequence[str]) -> list[int]:
    return [m.end() for m in re.finditer(r"[^\W_]+(?:-[^\W_]+)*", sentence)
            if m.group(0).lower().startswith(tuple(beginnings))]


def answer_span(sentence: str, facts: list[Fact], kind: QuestionKind) -> tuple[tuple[int, int], str, bool] | None:
    """The span of ``sentence`` that answers, its normal value, and whether a cue word introduces
    it ("laws of [New York]", "renews for [successive one (1) year] terms"). None when every fact
    follows a word that marks another question's answer ("effective until [date]")."""
    cue_ends = _word_ends(sentence, kind.cues)
    other_ends = _word_ends(sentence, kind.not_after)
    usable = [f for f in facts if not any(0 <= f.start - end <= 25 for end in other_ends)
              and (not kind.roles or f.kind != "date" or date_role(sentence, f) in kind.roles)
              and not (kind.name == "place" and incorporation_place(sentence, f))
              and not (kind.topic == "renewal" and _NOTICE_AFTER.match(sentence, f.end))]
    if not usable:
        return None

    def gap(fact: Fact) -> int:
        return min((fact.start - end for end in cue_ends if end <= fact.start), default=10_000)

    near = [f for f in usable if gap(f) <= NEAR]
    chosen = min(near, key=lambda f: f.start) if near else min(usable, key=lambda f: (gap(f), f.start))
    start, end = chosen.start, chosen.end
    value = chosen.value
    if kind.name == "place" and near:  # "the laws of British Columbia and the federal laws of Canada"
        last = max(near, key=lambda f: f.end)
        end = max(end, last.end)
        value = " and ".join(dict.fromkeys(f.value for f in sorted(near, key=lambda f: f.start)))
    # "[two (2) successive] one-year terms" -- for a duration only: "the Plan of Additional Stock
    # Issuance dated [June 21, 2006]" has no lead
    lead = _PREFIX.search(sentence[:start]) if chosen.kind == "duration" else None
    if chosen.kind == "duration":  # "within [45 days after the invoice date]", "[at least 60 days before ...]"
        qualifier = _QUALIFIER.search(sentence[:start])
        start = qualifier.start() if qualifier and not lead else start
        noun = _TERM_NOUN.match(sentence, end)
        end = noun.end() if noun else end
        relation = _RELATION.match(sentence, end)
        end = relation.end() if relation else end
    return (lead.start() if lead else start, end), value, bool(near)


def candidates(question: str, kind: QuestionKind, passages: Sequence[Hit], document: Sequence[Hit] = (),
               naming: Sequence[str] = (), similarity: Similarity | None = None,
               keep: Callable[[str], bool] | None = None) -> list[Candidate]:
    """Every sentence that may answer, best first. ``passages`` are the retrieved ones in rank
    order; ``document`` the passages of the document the question is about, in reading order
    (scanned for a question that expects a fact, and with ``keep``: only the sentences it keeps
    answer, wherever they stand -- a clause's sentence, answers.clauses)."""
    wanted = question_terms(question, naming) - _ANSWER_TYPE.get(kind.name, frozenset())
    pool: list[tuple[Hit, int | None, int]] = [(hit, rank, 0) for rank, hit in enumerate(passages)]
    if kind.facts or kind.name == "title" or keep is not None:
        seen = {h.chunk_id for h in passages}
        pool += [(hit, None, order) for order, hit in enumerate(document) if hit.chunk_id not in seen]
    found: list[Candidate] = []
    spans_seen: set[tuple[str, int | None, int, int]] = set()
    for hit, rank, order in pool:
        for start, end in sentence_spans(hit.text):
            key = (hit.path, hit.page, hit.char_start + start, hit.char_start + end)
            if key in spans_seen:
                continue  # the same sentence in an overlapping passage
            spans_seen.add(key)
            if keep is not None and not keep(hit.text[start:end]):
                continue
            candidate = _candidate(hit, rank, order, (start, end), kind, wanted, len(document))
            if candidate is not None:
                found.append(candidate)
    found.sort(key=lambda c: -c.score)
    cover = max((c.features["question"] for c in found), default=0.0)
    for candidate in found:  # how much of the question the best-covering sentence holds
        candidate.features["cover"] = cover
    if similarity is not None and found:
        top = found[:SIMILARITY_CANDIDATES]
        for candidate, value in zip(top, similarity(question, [c.sentence_text for c in top])):
            candidate.features["similarity"] = value
            candidate.score += value
        found = sorted(top, key=lambda c: -c.score) + found[SIMILARITY_CANDIDATES:]
    return found


def _candidate(hit: Hit, rank: int | None, order: int, sentence: tuple[int, int], kind: QuestionKind,
               wanted: set[str], document_length: int) -> Candidate | None:
    text = hit.text[sentence[0]:sentence[1]]
    words = set(stems(text, PASSAGE_STOPWORDS))
    if len(words) < 2 or (not kind.facts and (len(words) < MIN_SENTENCE_WORDS or is_heading(text))):
        return None
    if (kind.derive_end or kind.name == "term") and defines_another_term(text):
        return None  # '"Year" means the period ... ending on November 7th 2009': not when it ends
    facts = [f for f in all_facts(text) + (ends(text) if "end" in kind.facts else []) if f.kind in kind.facts]
    role, roles = "", {}
    if kind.roles:  # an agreement's date, its effective date and its end are told apart by their words
        facts, roles = with_roles(hit, sentence, facts, kind)
        role = next((roles[f] for f in facts if f in roles and agreement_role(roles[f]) == kind.roles[0]), "")
    if kind.facts and not facts:
        return None
    if kind.required:  # "renews for [one (1) year terms]": the renewal word stands before its term
        required_ends = _word_ends(text, kind.required)
        facts = [f for f in facts if any(0 <= f.start - end <= REQUIRED_NEAR for end in required_ends)]
        if not facts:
            return None
    cues = {c for c in kind.cues if any(w.startswith(c) for w in text.lower().split())}
    features = {
        "question": len(wanted & words) / len(wanted) if wanted else 0.0,
        "question_words": _besides_cues(wanted, kind.cues),
        "cue": min(1.0, len(cues) / 2) if kind.cues else 0.0,
        "rank": 1.0 / (1 + rank) if rank is not None else 0.0,
    }
    if kind.prefer_first:  # a contract's own date: early, next to "this Agreement"
        position = order if rank is None else hit_position(hit)
        features["early"] = 1.0 / (1 + position)
    own = own_feature(kind, text, facts, roles)  # the document's own date, law or term
    if own is not None:
        features["own"] = own
    if kind.roles:
        features["role"] = 1.0 if role else 0.0
        preferred = [f for f in facts if f.kind == "date" and agreement_role(roles[f]) == kind.roles[0]]
        facts = preferred or facts  # "effective as of [date]" before the other dates of its sentence
    span, value = (0, len(text)), ""
    if facts:
        found = answer_span(text, facts, kind)
        if found is None:
            return None
        span, value, introduced = found
        # a date whose role was asked for was introduced by the words that gave it the role
        features["introduced"] = float(introduced or bool(features.get("role")))
    score = (features["question"] + features["cue"] + features.get("introduced", 0.0) + 0.5 * features["rank"]
             + features.get("early", 0.0) + features.get("own", 0.0) + 0.5 * features.get("role", 0.0))
    offset = sentence[0]
    return Candidate(hit, rank, sentence, (offset + span[0], offset + span[1]), value, score, features)


def _besides_cues(wanted: set[str], cues: Sequence[str]) -> float:
    """How many of the question's words are not its kind's cues ("expire" in "When does the X
    agreement expire?"): none, and the cue and the date's role say all its words could (sureness,
    ``few_question_words``)."""
    return float(sum(not any(w.startswith(c) or c.startswith(w) for c in cues) for w in wanted))


_NUMBERING = re.compile(r"\s*(?:(?:section|article|clause)\s+)?(?:\d{1,3}(?:\.\d+)*\.?|[A-Z]\.|\(\w{1,3}\))?\s*",
                        re.IGNORECASE)
_HEADING_BEFORE = re.compile(r"(?:^|\n|[.;:]\s)\s*(?:(?:section|article)\s+)?(?:\d{1,3}(?:\.\d+)*\.?\s*)?"
                             r"(?P<head>[A-Za-z][^\n.;:]{1,60}?)\s*[.:]?\s*$", re.IGNORECASE)
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w'’-]*[ \t]*){1,6}")
_OBLIGATION = re.compile(r"\b(?:shall|will|may\s+not|must|agrees?|undertakes?|covenants?|grants?|appoints?|"
                         r"warrants?)\b", re.IGNORECASE)


def clause_heading(hit: Hit, sentence: tuple[int, int]) -> str:
    """The heading a sentence stands under: its own first capitalised words ("Non-Competition: (a)
    During the term ...") or a short heading line just before it ("7.2 Exclusivity.")."""
    text = hit.text[sentence[0]:sentence[1]]
    own = _CAPITALISED_RUN.match(text, _NUMBERING.match(text).end())
    before = _HEADING_BEFORE.search(hit.text[max(0, sentence[0] - 80):sentence[0]])
    line = before.group("head").strip() if before else ""
    previous = line if line and is_heading(line) and len(line.split()) <= 6 else ""
    return " ".join(part for part in ((own.group(0) if own else ""), previous) if part)


def plain_clause(question: str, hit: Hit, sentence: tuple[int, int], naming: Sequence[str] = ()) -> bool:
    """Whether the sentence is plainly the clause a question asks about: a heading over it names
    every word the question asks about ("Non-Competition" for a non-compete; not "Non-Exclusive
    License" for exclusivity) and the sentence binds someone ("shall", "agrees", "grants")."""
    wanted = question_terms(question, naming)
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", clause_heading(hit, sentence).lower())

    def named(stem: str) -> bool:
        return any(part.startswith(stem) for word in words if "non" in wanted or not word.startswith("non")
                   for part in ([word] + word.split("-")))

    return bool(wanted) and all(named(stem) for stem in wanted) and bool(
        _OBLIGATION.search(hit.text[sentence[0]:sentence[1]]))


def is_heading(text: str) -> bool:
    """A short line in title case with no closing stop ("7. Term and Termination") names a subject;
    it does not answer."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 3]
    stripped = text.strip()
    return (len(stripped.split()) <= 8 and not stripped.endswith((".", ";", ":", "?", "!")) and bool(words)
            and sum(w[0].isupper() for w in words) >= 0.6 * len(words))


def in_document(question: str, document: Sequence[Hit], naming: Sequence[str] = ()) -> float:
    """The share of what the question asks about that the document mentions at all: a clause
    whose words it never uses ("escrow", "favored nation") is not in it."""
    wanted = question_terms(question, naming)
    if not wanted or not document:
        return 0.0
    present: set[str] = set()
    for hit in document:
        present |= wanted & set(stems(hit.text, PASSAGE_STOPWORDS))
    return len(present) / len(wanted)


def hit_position(hit: Hit) -> int:
    """The passage's place in its document, from its id (``<doc>:<seq>``)."""
    try:
        return split_chunk_id(hit.chunk_id)[1]
    except (IndexError, ValueError):
        return 0


_DOCUMENT_NOUNS = alternation(TITLE_NOUNS, upper=True)
# A title in capitals at the start of a line: "MASTER SERVICES AGREEMENT", "AMENDMENT NO. 3 TO ...".
_CAPS = r"[A-Z0-9&,'’./()-]"
_CAPITAL_TITLE = re.compile(rf"(?<![^\s])[A-Z]{_CAPS}*(?:[ \t]+{_CAPS}+)*?[ \t]+(?:{_DOCUMENT_NOUNS})\b"
                            rf"(?:[ \t]+(?:FOR|OF|TO|ON|AND)[ \t]+[A-Z]{_CAPS}*(?:[ \t]+[A-Z]{_CAPS}*)*)?"
                            rf"|(?<![^\s])(?:{_DOCUMENT_NOUNS})\b")
# A title in title case on a line of its own: "Reseller Agreement".
_TITLE_LINE = re.compile(rf"^[ \t]*((?:[A-Z][\w&'’.-]*[ \t]+){{0,8}}(?i:{_DOCUMENT_NOUNS})(?:[ \t]+\S+){{0,6}})[ \t]*$",
                         re.MULTILINE)
_NOT_A_TITLE = re.compile(r"^(?:EXHIBIT|SCHEDULE|ANNEX|APPENDIX|ATTACHMENT|THIS|THE)\b", re.IGNORECASE)
TITLE_PASSAGES = 4  # a title stands in the first few passages of a document


def title_of(document: Sequence[Hit]) -> Candidate | None:
    """A document's title, from its first passages: the first run of capitals ending in a kind of
    document ("MASTER SERVICES AGREEMENT"), else the first short line naming one ("Reseller
    Agreement")."""
    for pattern in (_CAPITAL_TITLE, _TITLE_LINE):
        for hit in document[:TITLE_PASSAGES]:
            for match in pattern.finditer(hit.text):
                group = 1 if pattern is _TITLE_LINE else 0
                text = match.group(group).strip(" \t,(")
                if len(text.split()) < 2 or _NOT_A_TITLE.match(text):
                    continue
                start = match.start(group) + match.group(group).index(text)
                span = (start, start + len(text))
                return Candidate(hit, None, span, span, text, 1.0, {"title": 1.0})
    return None


def document_naming_words(paths: Sequence[str]) -> list[str]:
    """The words of the documents' file names: they name the document, not the answer."""
    return [Path(p).stem.replace("_", " ").replace("-", " ") for p in paths]


NEIGHBOUR_GAP = 40  # characters between two passages: a paragraph break and the next line's indent


def joined_neighbours(first: Hit, second: Hit) -> Hit | None:
    """``first`` and ``second`` as one passage, when they are neighbours on one page (None else):
    the chunker leaves the whitespace between two passages out of both, written back as spaces."""
    overlap = first.char_end - second.char_start
    if first.path != second.path or first.page != second.page or not -NEIGHBOUR_GAP <= overlap <= len(
            second.text) or second.char_end <= first.char_end:
        return None
    text = first.text + " " * max(0, -overlap) + second.text[max(0, overlap):]
    return replace(first, char_end=second.char_end, text=text)
