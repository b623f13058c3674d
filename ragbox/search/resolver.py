"""Which documents a question names, the way people name them: "the Giggles agreement", "the
strategic alliance agreement with Excite", "the Knee Injury note", "3M's 10-K".

A mention is a run of the question's words that equals a run of a card's names: a party's name
(without "Inc." and the like) or its defined short name, the title, the kind, the file name's words.
What a mention is worth depends on this index, not on a word list: a run found on many cards (more
than five, or more than half of them) names nothing (every contract is an "agreement", every
note's file name here may say "consult"), and a single word counts only when few documents use it
at all ("Giggles" is in one contract; "services" is in most, whatever one file is called). Numbers
(a year, "10-K") only narrow what other words named. A document whose matched words are a strict
part of another's is dropped ("the Acme *license* agreement" leaves Acme's supply agreement out);
documents matched by exactly the same words are ambiguous, and the caller must say so rather than
pick one.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ragbox.document_cards import DocumentCard, ResolvedDocument
from ragbox.paths import document_name
from ragbox.search.filings import filing_years, of_fiscal_year, years_apart
from ragbox.text import DEAL_NOUNS, FUNCTION_WORDS, GENERIC_DOCUMENT_WORDS, NAMING_NOUNS, alternation

MAX_NAMED = 5  # a mention fitting more documents than this names none of them
MIN_PREFIX = 4  # "Ability" may start "ABILITYINC" in a file name; "Abi" may not
MIN_WORD = 2  # a word shorter than this ("N'" of "Giggles N' Hugs") names nothing alone (``_short``)
MAX_BY_TEXT = 2  # a name found only in documents' text names at most this many
NEAR = 3  # question words between an everyday word and the rest of the name it belongs to
# What a run of words is, as a name here: it names, narrows what names (a number), names only
# beside the rest of its name (an everyday word), or names nothing.
NAME, NUMBER, EVERYDAY, NOTHING = "name", "number", "everyday", "nothing"
# Defined terms for a role rather than a name: "the Company", "Licensee".
ROLE_WORDS = frozenset("""
company licensee licensor distributor supplier customer client contractor consultant party parties buyer
seller purchaser vendor franchisee franchisor manufacturer reseller agent employee employer executive
landlord tenant lender borrower bank investor shareholder member provider recipient discloser partner
affiliate owner operator developer publisher sponsor host licensees corporation""".split())
CORPORATE_WORDS = frozenset("inc incorporated corp corporation llc ltd limited co plc lp llp sa ag gmbh nv bv".split())
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?;:]\s+)\W*$")  # what precedes a sentence's first word
_NAME_WORDS = r"[A-Z][\w'\u2019&.-]*(?:\s+(?:[A-Z][\w'\u2019&.-]*|of|and|&))*"
_NAMING = [re.compile(rf"\bthe\s+({_NAME_WORDS})[\u2019']?s?\s+(?i:{alternation(NAMING_NOUNS)})s?\b"),
           re.compile(rf"\b(?i:{alternation(DEAL_NOUNS)})s?\s+(?:with|between)\s+({_NAME_WORDS})")]
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "AudibleInc" is "Audible Inc"; "3M" stays whole
_COMPOUND = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*", re.UNICODE)
_NAME_PARTS = re.compile(r"\s+(?:and|&)\s+|\s*,\s*", re.IGNORECASE)  # the names of a run naming several
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_FIRST = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=[A-Za-z])")  # "AMCOR_2023Q2_10Q": "_" is a word's
_POSSESSIVE = re.compile(r"(?<=[^\W_])['\u2019]s\b")


@dataclass(frozen=True)
class Resolution:
    """The documents a question names (none: it names none), and whether one mention fitted
    several of them alike (``ambiguous``: the user must narrow, or read one answer per document)."""

    documents: tuple[ResolvedDocument, ...] = ()
    ambiguous: bool = False
    unknown: str = ""  # a name the question gives that no document here goes by ("the Kiosk agreement")


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(_POSSESSIVE.sub("", text))]


def compound_bounds(text: str) -> tuple[set[int], set[int]]:
    """Where a run of ``tokens(text)`` may start and end: not inside a hyphenated word ("non" of
    "non-compete" is not the "non" of "Non-Disclosure")."""
    starts, ends, index = set(), set(), 0
    for compound in _COMPOUND.findall(_POSSESSIVE.sub("", text)):
        count = len(_TOKEN.findall(compound))
        starts.add(index)
        ends.add(index + count)
        index += count
    return starts, ends


def card_names(card: DocumentCard) -> list[tuple[tuple[str, ...], str]]:
    """The word runs a card can be named by, each with its field."""
    names: list[tuple[tuple[str, ...], str]] = []
    for party in card.parties:
        name = tuple(t for t in tokens(party.name) if t not in CORPORATE_WORDS and t != "the")
        names.append((name, "party"))
        if len(name) > 1:  # written as one word too: "Inde Living Holdings" is "IndeLiving" to some
            names.append((("".join(name),), "party"))  # (its start names it: ``_postings_of``)
        names += [(tuple(t for t in tokens(s) if t != "the"), "short name") for s in party.short_names]
    # The file name as written, not the card's words: "..._EX-10.2_..." is a run; "2023Q2" a year, a quarter.
    file_name = _YEAR_FIRST.sub(r"\1 ", Path(document_name(card.path)).stem)
    # A filing is of its fiscal year, not of the calendar year its period ended in (a quarter of
    # FY2024 ended July 29, 2023): its title without that date; the year is ``of_fiscal_year``'s.
    title = re.sub(r"\s+for\s+the\s.*$", "", card.title) if filing_years(card) else card.title
    names += [(tuple(tokens(title)), "title"), *((tuple(tokens(other)), "title") for other in card.also_titled),
              (tuple(tokens(card.kind)), "kind"),
              (tuple(tokens(_CAMEL.sub(" ", file_name))), "file")]
    return [(run, field) for run, field in names if run]


@dataclass(frozen=True)
class _Mention:
    start: int  # the run of question words [start, end) it covers
    end: int
    words: tuple[str, ...]
    field: str
    whole: bool = False  # the whole of the card's name, not a part of it: "Services Agreement" itself
    name: int = -1  # which of the card's names (``card_names``) it is a run of, and where in it
    at: int = -1


class CardIndex:
    """The cards of one index, searchable by the runs of words that name them."""

    def __init__(self, cards: Sequence[DocumentCard]) -> None:
        self.cards = list(cards)
        self._postings: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # word -> (card, name, position)
        self._names = [card_names(card) for card in self.cards]
        for c, names in enumerate(self._names):
            for n, (run, _) in enumerate(names):
                for position, word in enumerate(run):
                    self._postings[word].append((c, n, position))
        self._vocabulary = sorted(self._postings)

    def resolve(self, question: str, documents_using: Callable[[str], int],
                files_holding: Callable[[str], set[str]] | None = None) -> Resolution:
        """``documents_using(word)``: how many indexed documents' text holds ``word``;
        ``files_holding(phrase)``: the files whose text holds ``phrase`` (for names no card has)."""
        question = years_apart(question)  # "FY2018": the year 2018 beside "FY", as file names write it
        asked = tokens(question)
        mentions = self._mentions(asked, compound_bounds(question))
        weights = self._weights(mentions, documents_using, written_as_names(question))
        scored = {c: _score(found, weights) for c, found in mentions.items()}
        chosen = [c for c, (score, _) in scored.items() if score > 0]
        chosen = [c for c in chosen if not any(scored[c][1] < scored[o][1] for o in chosen if o != c)]
        if chosen and self._unmatched_name_words(question, [w for c in chosen for m in mentions[c] for w in m.words]):
            chosen = []  # "Harvest Capital Strategies" is not a card's "Clear Capital": a name no card has
        chosen = [chosen[i] for i in of_fiscal_year([self.cards[c] for c in chosen], question)]  # its year's
        chosen = self._with_name_in_text(chosen, mentions, question, files_holding)
        if len(chosen) > MAX_NAMED:
            return Resolution()
        if not chosen:
            name = unknown_name(question)
            # one word that many documents use ("the International agreement") is no name to look for
            rare = len(tokens(name)) != 1 or documents_using(tokens(name)[0]) <= MAX_NAMED
            found = self._by_text(name, files_holding) if name and files_holding and rare else Resolution()
            return found if found.documents else Resolution(unknown=name)
        chosen = _whole_titles_first(chosen, mentions, scored)
        chosen.sort(key=lambda c: (-scored[c][0], self.cards[c].path))
        coverages = [frozenset(scored[c][1]) for c in chosen]
        documents = tuple(self._resolved(c, mentions[c], weights, scored[c][0]) for c in chosen)
        return Resolution(documents, ambiguous=len(set(coverages)) < len(coverages))

    def _unmatched_name_words(self, question: str, matched: list[str]) -> list[str]:
        """The words of a name the question gives a document ("the agreement with Harvest Capital
        Strategies") that the chosen cards did not match and no card has, in a name they matched
        part of: that name is then another document's ("Capital" of "Clear Capital"). A second
        name no card has ("with Azul and ATR") leaves the first one's documents named."""
        unmatched = []
        for name in _NAME_PARTS.split(_named_run(question)):  # "A and B" names two parties, each whole
            words = [w for w in tokens(name) if len(w) > MIN_WORD and not w.isdigit()
                     and w not in FUNCTION_WORDS | GENERIC_DOCUMENT_WORDS | CORPORATE_WORDS]
            if any(w in matched for w in words):
                unmatched += [w for w in words if w not in matched and not self._postings_of(w)]
        return unmatched

    def _with_name_in_text(self, chosen: list[int], mentions: dict[int, list[_Mention]], question: str,
                           files_holding: Callable[[str], set[str]] | None) -> list[int]:
        """Of several documents named by their kind ("the joint filing agreement with Apollo"),
        those whose text writes the party the question adds, when no card has it: the preamble
        reader missed it, the text did not."""
        name = unknown_name(question)
        if len(chosen) < 2 or not name or files_holding is None:
            return chosen
        matched = {w for c in chosen for m in mentions[c] for w in m.words}
        if any(w in matched for w in tokens(name)):
            return chosen  # the cards have the name: scored above
        files = files_holding(name)
        return [c for c in chosen if self.cards[c].path in files] or chosen

    def _by_text(self, name: str, files_holding: Callable[[str], set[str]]) -> Resolution:
        """A name no card has (a party the preamble reader missed): the one or two documents whose
        opening holds it, as the question gives it ("the agreement with Harvest Capital")."""
        files = files_holding(name)
        cards = [c for c in self.cards if c.path in files]
        if not 1 <= len(cards) <= MAX_BY_TEXT or len(cards) * 2 > len(self.cards):
            return Resolution()
        matched = ((name.lower(), "text"),)
        return Resolution(tuple(ResolvedDocument(c.path, c.title or c.kind, matched, 1.0) for c in cards),
                          ambiguous=len(cards) > 1)

    def _mentions(self, asked: list[str], bounds: tuple[set[int], set[int]]) -> dict[int, list[_Mention]]:
        """Per card, the longest runs of question words equal to a run of one of its names (whole
        hyphenated words only)."""
        found: dict[int, dict[tuple[int, int], _Mention]] = defaultdict(dict)
        for i, word in enumerate(asked):
            for c, n, position in self._postings_of(word) if i in bounds[0] else ():
                run, field = self._names[c][n]
                end = i + 1
                while end < len(asked) and position + end - i < len(run) and run[position + end - i] == asked[end]:
                    end += 1
                while end > i and end not in bounds[1]:
                    end -= 1
                if end == i:
                    continue
                spans = found[c]
                whole = position == 0 and end - i == len(run) and asked[i] == run[0]  # not its start
                if any(s <= i and end <= e for s, e in spans if (s, e) != (i, end)):
                    continue  # inside a longer run already found
                # "Giggles" is the short name, not the start of the name; the title before the kind
                if (i, end) not in spans or (whole and not spans[(i, end)].whole):
                    spans[(i, end)] = _Mention(i, end, tuple(asked[i:end]), field, whole, n, position)
        return {c: [m for m in spans.values() if not any(
                    (o.start <= m.start and m.end <= o.end and o is not m) for o in spans.values())]
                for c, spans in found.items()}

    def _postings_of(self, word: str) -> list[tuple[int, int, int]]:
        """Where ``word`` is a name's word, or starts one ("ability" in "abilityinc")."""
        if len(word) < MIN_PREFIX or word.isdigit():
            return self._postings.get(word, [])
        hits: list[tuple[int, int, int]] = []
        for name in self._vocabulary[bisect.bisect_left(self._vocabulary, word):]:
            if not name.startswith(word):
                break
            hits += self._postings[name]
        return hits

    def _weights(self, mentions: dict[int, list[_Mention]], documents_using: Callable[[str], int],
                 capitalised: set[str] = frozenset()) -> dict[tuple[str, ...], tuple[str, float]]:
        """What each run of words is as a name here (``NAME``, ``NUMBER``...), and its weight: the
        rarer on the cards, the more it says. A party's name the question writes as a name
        ("Excite") names its documents however many others mention it; so does a company's name on its
        filings only (a folder of 3M's reports: the year narrows, ``of_fiscal_year``), and a year."""
        cards_with: dict[tuple[str, ...], int] = defaultdict(int)
        as_type: set[tuple[str, ...]] = set()  # runs matched in a title or kind: "Reseller Agreement"
        as_party: set[tuple[str, ...]] = set()  # runs matched in a party's name or short name
        companies, not_filings = set(), set()  # runs naming a filing's company; runs naming other documents
        for c, found in mentions.items():
            filing = bool(filing_years(self.cards[c]))
            companies.update(m.words for m in found if filing and m.field in ("party", "short name"))
            not_filings.update(m.words for m in found if not filing)
            for words in {m.words for m in found}:
                cards_with[words] += 1
            as_type.update(m.words for m in found if m.field in ("title", "kind"))
            as_party.update(m.words for m in found if m.field in ("party", "short name"))
        weights: dict[tuple[str, ...], tuple[str, float]] = {}
        for words, count in cards_with.items():
            # a role names no party ("the Company"), but "reseller" says what kind of agreement it is
            roles = frozenset() if words in as_type else ROLE_WORDS
            telling = [w for w in words if w not in FUNCTION_WORDS | GENERIC_DOCUMENT_WORDS and w not in roles]
            weight = len(telling) * math.log(1 + len(self.cards) / count)
            years = bool(telling) and all(_YEAR.fullmatch(w) for w in telling)  # narrow however common
            common = count > MAX_NAMED or (count > 2 and 2 * count > len(self.cards))
            if not telling or common and not years and (words not in companies or words in not_filings):
                weights[words] = (NOTHING, 0.0)
            elif all(w.isdigit() or _short(w) or re.fullmatch(r"q[1-4]", w) for w in telling):  # "1999", "EX-10", "Q2"
                weights[words] = (NUMBER, 0.5)
            elif len(words) == 1 and (_short(words[0]) or documents_using(words[0]) > 2 * count) and not (
                    words in as_party and words[0] in capitalised and not _short(words[0])):
                weights[words] = (EVERYDAY, weight)  # mostly in other documents' text: not a name here
            else:
                weights[words] = (NAME, weight)
        return weights

    def _resolved(self, c: int, found: list[_Mention], weights: dict, score: float) -> ResolvedDocument:
        card = self.cards[c]
        matched = tuple((" ".join(m.words), m.field) for m in sorted(found, key=lambda m: m.start)
                        if weights[m.words][0] in (NAME, NUMBER))
        return ResolvedDocument(card.path, card.title or card.kind, matched, score)


def written_as_names(question: str) -> set[str]:
    """The question's words written as names: capitalised, not as a sentence's first word."""
    text = _POSSESSIVE.sub("", question)
    return {m.group().lower() for m in _TOKEN.finditer(text)
            if m.group()[:1].isupper() and not _SENTENCE_START.search(text[:m.start()])}


def written_as_name(phrase: str, text: str) -> bool:
    """Whether ``text`` writes ``phrase`` as a name somewhere, each word capitalised ("Harvest
    Capital Strategies LLC"), not only as everyday words ("a harvest of capital")."""
    words = _TOKEN.findall(phrase)
    if not words:
        return False
    pattern = re.compile(r"\b" + r"[\W_]+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)
    return any(all(not w[:1].islower() for w in _TOKEN.findall(m.group())) for m in pattern.finditer(text))


def unknown_name(question: str) -> str:
    """The name in "the Kiosk agreement", "the agreement with Acme Corp": what a question calls a
    document when no document here goes by it ('' when it names none that way)."""
    return " ".join(w for w in _named_run(question).split() if w.lower() not in FUNCTION_WORDS | GENERIC_DOCUMENT_WORDS)


def _named_run(question: str) -> str:
    """The words a question calls a document by, as written ("Azul Linhas and ATR")."""
    for pattern in _NAMING:
        match = pattern.search(question)
        if match and any(w.lower() not in FUNCTION_WORDS | GENERIC_DOCUMENT_WORDS for w in match.group(1).split()):
            return match.group(1)
    return ""


def _whole_titles_first(chosen: list[int], mentions: dict[int, list[_Mention]], scored: dict) -> list[int]:
    """Of documents named by the same words, those whose whole title (or kind) the words are:
    "the Services Agreement" is the one so titled, not the "Master Services Agreement" too. A
    title shared whole stays ambiguous; so does one that is part of a longer name of another of
    them ("the Gen Med Progress Note note": a progress note's kind, another note's file name)."""
    if len({scored[c][1] for c in chosen}) != 1:
        return chosen

    def inside_another(c: int, m: _Mention) -> bool:
        return any(o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start
                   for d in chosen if d != c for o in mentions[d])
    # the kind too: a card's title may carry more than the name ("Collaboration Agreement, BII/ XENCOR")
    return [c for c in chosen if any(m.whole and m.field in ("title", "kind") and not inside_another(c, m)
                                     for m in mentions[c])] or chosen


def _short(word: str) -> bool:
    """Too short to name alone: "N'" of "Giggles N' Hugs"; "3M" mixes a digit in and may."""
    return len(word) < MIN_WORD and not (any(c.isdigit() for c in word) and any(c.isalpha() for c in word))


def _in_order(word: _Mention, run: _Mention) -> bool:
    """Whether an everyday word stands where the name has it beside a run of that name: "the
    Distributor Agreement exclusive" is not the "Exclusive Distributor Agreement"."""
    return word.name != run.name or (word.at < run.at) == (word.start < run.start)


def _score(found: list[_Mention], weights: dict) -> tuple[float, frozenset[int]]:
    """A card's score and the question words its names cover. A number counts only beside a name;
    an everyday word only within a few words of a longer run of the same field ("the *amendment*
    to the distribution agreement"), where it is part of the name."""
    named = [m for m in found if weights[m.words][0] == NAME]
    named += [m for m in found if weights[m.words][0] == EVERYDAY and any(
        o.field == m.field and len(o.words) > 1 and abs(o.start - m.end) <= NEAR and _in_order(m, o) for o in named)]
    if not named:
        return 0.0, frozenset()
    narrowing = [m for m in found if weights[m.words][0] == NUMBER]
    best: dict[tuple[int, int], float] = {}
    for m in named + narrowing:
        best[(m.start, m.end)] = max(best.get((m.start, m.end), 0.0), weights[m.words][1])
    covered = frozenset(i for m in named + narrowing for i in range(m.start, m.end))
    return sum(best.values()), covered
