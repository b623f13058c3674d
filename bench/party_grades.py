"""How bench/named.py grades a parties answer against CUAD's ``Parties`` label.

Each labelled party must be named in the answer: each of its words (but single letters:
"d/b/a"), a long word allowed to differ by one letter, as CUAD's labels are typed ("Howmedica
Ostenonics", "CORAL GOLD RESOURCED"); or its letters run together as a name may be written
("Radial Spark" is "RadialSpark, LLC"). A labelled item that is a definition rather than a party
('"Lloyds" and together with "Lightbridge"', "Stryker and Conformis": other parties' short names)
is not asked for. A label's descriptors are not its name: "X d/b/a Y" is named by either name
(the legal one or the one it trades under; "formerly known as", "operating with the service
name" too), "X and its Affiliates" by X.
"""

from __future__ import annotations

import difflib
import re


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def names_party(answer: str, party: str) -> bool:
    """Whether ``answer`` names ``party``: each of its words (but single letters: "d/b/a"; a long
    word may differ by a letter, CUAD's labels being typed: "Howmedica Ostenonics", "CORAL GOLD
    RESOURCED"), or its letters run together as a name may be written ("Radial Spark" is
    "RadialSpark, LLC")."""
    party = _AFFILIATES.sub("", party)
    trading = _TRADING_AS.split(party)
    if len(trading) > 1:
        return any(names_party(answer, name) for name in trading if name.strip())
    answered = words_of(answer)
    words = {w for w in words_of(party) if len(w) > 1}
    return all(w in answered or len(w) >= 6 and any(_one_letter_apart(w, a) for a in answered) for w in words) \
        or "".join(re.findall(r"[a-z0-9]+", party.lower())) in "".join(re.findall(r"[a-z0-9]+", answer.lower()))


# "X d/b/a Y", "X formerly known as Y, which d/b/a Z", "X operating with the service name Y": other names of X
_TRADING_AS = re.compile(r"(?:,?\s+which)?\s+(?:d/?b/?a/?|[fa]/k/a|doing business as|(?:formerly|also) known as|"
                         r"operating (?:with|under) the (?:service|trade) name)\s+", re.IGNORECASE)
_AFFILIATES = re.compile(r",?\s+and\s+(?:its|their)\s+(?:affiliates|subsidiaries)\b.*$", re.IGNORECASE)


def _one_letter_apart(first: str, second: str) -> bool:
    """One letter added, dropped or changed (a typing slip)."""
    if abs(len(first) - len(second)) > 1 or first[0] != second[0]:
        return False
    return difflib.SequenceMatcher(None, first, second).ratio() >= 1 - 1.5 / max(len(first), len(second))


_DEFINING = re.compile(r"^\W|\b(?:together|collectively|individually|each)\b", re.IGNORECASE)


def is_a_definition(name: str, parties: list[tuple[str, str]]) -> bool:
    """Whether a labelled item is a definition, not a party: '"Lloyds" and together with
    "Lightbridge"', or other parties' short names listed ("Stryker and Conformis"; a party named
    by its short name alone, "Conformis", is a party)."""
    shorts = {w for _, short in parties for w in words_of(short)}
    listed = re.search(r"\s(?:and|&)\s|,", name) and words_of(name) - {"and"} <= shorts
    return bool(_DEFINING.search(name) or listed)
