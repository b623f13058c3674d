"""Which documents a question names by their file names: "What was 3M's FY2018 capex?" in a
folder holding ``3M_2018_10K.pdf``, ``3M_2022_10K.pdf`` and 47 other companies' reports.

The name of a file is the first word of its name (``3M`` in ``3M_2018_10K.pdf``, the party in
``AcmeCorp_2019-EX-10.1-Supply Agreement.txt``), when it holds a letter (``0001_Allergic_Rhinitis``
has none: its words describe, they do not name) and fewer than half of the indexed files share it.
A question names the file when it writes that name as a name: capitalised, and when it is the first
word of a sentence, not an everyday word ("What", "Show"): "3M", "Pfizer", "Netflix capex 2015",
"American Express" for ``AMERICANEXPRESS_2022_10K.pdf`` (adjacent words are also tried joined),
or in capitals as the start of the name ("JPM" for ``JPMORGAN_2021Q1_10Q.pdf``). Among the files
named, the years the question names ("FY2018", "fiscal 2019", "2022") pick those of the latest
year named, as a report covers its own year and the years before it; without a year, or with none
that a file name has, all of them are kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from ragbox.search.filings import fiscal_years
from ragbox.text import FUNCTION_WORDS

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)
_TITLE_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_YEAR_PREFIX = re.compile(r"^((?:19|20)\d\d)(?=[a-z])")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE_END = re.compile(r"[.!?;:]\s*$")
MAX_JOINED = 3  # "American Water Works" -> "americanwaterworks"
MIN_PREFIX = 3  # "JPM" may start "JPMORGAN"; "JP" may not


@dataclass(frozen=True)
class _Title:
    doc_id: str
    names: frozenset[str]
    years: frozenset[str]


# A search reads every document's file name: parsed once each, not at every search (25 ms at 4,600 files).
@lru_cache(maxsize=1 << 17)
def _title(doc_id: str, path: str) -> _Title:
    names, years = set(), set()
    for position, word in enumerate(_TITLE_WORD.findall(Path(path).stem.lower())):
        year = _YEAR_PREFIX.match(word)
        if year:  # "2024q2": the year 2024 and the period q2
            years.add(year.group(1))
            word = word[4:]
        if _YEAR.fullmatch(word):
            years.add(word)
        elif position == 0 and any(c.isalpha() for c in word):
            names.add(word)
    return _Title(doc_id, frozenset(names), frozenset(years))


def _written_names(query: str) -> tuple[set[str], set[str]]:
    """(forms, prefixes): the query's capitalised words, alone and joined with the next ones,
    lower-cased; and its all-capital words, which may abbreviate a longer name."""
    tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(query)]
    forms, prefixes = set(), set()
    for i, (token, start) in enumerate(tokens):
        word = re.sub(r"['\u2019]s$", "", token)
        # A sentence's first word is capitalised whatever it is: a name only when no everyday word
        # ("Netflix capex 2015" names Netflix; "What", "Show", "Consider" name nothing).
        first_of_sentence = i == 0 or bool(_SENTENCE_END.search(query[:start]))
        if not (word[:1].isupper() or word[:1].isdigit() and any(c.isupper() for c in word)) or (
                first_of_sentence and word.lower() in FUNCTION_WORDS):
            continue
        joined = ""
        for next_token, _ in tokens[i:i + MAX_JOINED]:
            next_word = re.sub(r"['\u2019]s$", "", next_token)
            if not next_word[:1].isupper() and next_token is not token:
                break
            joined += next_word.lower()
            forms.add(joined)
        if len(word) >= MIN_PREFIX and word.isupper() and word.isalpha():
            prefixes.add(word.lower())
    return forms, prefixes


def named_documents(query: str, documents: Iterable[tuple[str, str]]) -> set[str] | None:
    """Ids of the documents ``query`` names, from ``(doc_id, path)`` pairs; None when it names none."""
    titles = [_title(doc_id, path) for doc_id, path in documents]
    if len(titles) < 2:
        return None
    shared = Counter(name for t in titles for name in t.names)
    forms, prefixes = _written_names(query)

    def held(title: _Title) -> int:
        return sum(1 for name in title.names if 2 * shared[name] < len(titles) and (
            name in forms or any(name.startswith(p) for p in prefixes)))

    counts = {t.doc_id: held(t) for t in titles}
    most = max(counts.values())
    if not most:
        return None
    named = [t for t in titles if counts[t.doc_id] == most]
    return {t.doc_id for t in of_latest_year(named, fiscal_years(query, plain=True))}


def of_latest_year(titles: Sequence[_Title], years: Sequence[str]) -> Sequence[_Title]:
    """The titles of the latest of ``years`` that any of them has; all of them when none has one."""
    for year in sorted(years, reverse=True):
        dated = [t for t in titles if year in t.years]
        if dated:
            return dated
    return titles
