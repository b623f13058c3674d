"""Facts stated in text: dates, durations, amounts, numbers and places, in one normal form.

"thirty (30) days", "30 days" and "a period of thirty days" state the same duration; "June 21,
1999", "the 21st day of June, 1999" and "6/21/99" the same date. Finding answers, checking a
generated sentence against its source and grading answers all compare facts in this form, so
they agree on what "the same" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragbox.answer.places import find_places
from ragbox.text import CITED_DOCUMENT_NOUNS, CONTRACT_TITLE_NOUNS, alternation

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SIMPLE_NUMBER_WORD = (r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|one|two|three|four|five|six|seven|"
                       r"eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                       r"hundred|thousand)")
# "thirty", "forty-five", "two hundred fifty", "one thousand two hundred": words, joined by - or spaces.
_NUMBER_WORD = rf"(?:a[ ](?=hundred|thousand))?{_SIMPLE_NUMBER_WORD}(?:(?:[- ]|[ ]and[ ]){_SIMPLE_NUMBER_WORD})*"
_NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?|{_NUMBER_WORD})"
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
# Ordinal days in words: "the twenty-fourth day of March", "this first day of June".
_ORDINALS = {word: number for number, word in enumerate((
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split(), start=1)}
_ORDINALS.update({f"twenty{sep}{word}": 20 + number for sep in ("-", " ") for word, number in list(_ORDINALS.items())
                  if number < 10})
_ORDINALS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
_ORDINAL_WORD = "|".join(sorted((w.replace(" ", r"\s+") for w in _ORDINALS), key=len, reverse=True))
ORDINAL_SUFFIX = r"\s?(?:s\s?t|n\s?d|r\s?d|t\s?h)"  # "6t h", "1s t": split by a stray space (a filing as text)
_DAY = rf"(?:(?:[12]\d|3[01]|0?[1-9])(?:{ORDINAL_SUFFIX})?|{_ORDINAL_WORD})"
_YEAR = r"(?:19|20)\d\d"
_BLANK = r"\[\s*[·•*]?\s*\]"  # a part of a date left to fill in: "[ ]", "[·]"
_DATE_PATTERNS = [  # named groups m, d, y; "MAY , 2010": text converted from a filing may space the comma off
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>{_DAY})\s?,?\s+(?:of\s+)?(?P<y>{_YEAR})\b", re.I),
    re.compile(rf"\b(?P<d>{_DAY})\s+(?:day\s+)?(?:of\s+)?(?P<m>{_MONTH})\s?,?\s+(?:in\s+the\s+year\s+)?"
               rf"(?P<y>{_YEAR})\b", re.I),
    re.compile(r"\b(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])/(?P<y>(?:19|20)?\d\d)\b"),
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>1[0-2]|0[1-9])-(?P<d>[12]\d|3[01]|0[1-9])\b"),
    re.compile(rf"\b(?P<m>{_MONTH})\s?,?\s+(?P<y>{_YEAR})\b", re.I),
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?:_{{2,}}|{_BLANK})\s*,?\s+(?P<y>{_YEAR})\b", re.I),  # "September __, 2018"
    # A date left blank but for its year: "dated as of ____________, 2004", "[ ], 2004", "[·], 2019".
    re.compile(rf"(?:_{{2,}}|{_BLANK})[\s_,]*(?:{_BLANK}[\s,]*)?(?P<y>{_YEAR})\b"),
]
_UNIT = r"(?P<unit>business\s+days?|calendar\s+days?|days?|weeks?|months?|years?|hours?)"
_DURATION = re.compile(
    rf"\b(?P<n>{_NUMBER})(?:\s*\(\s*(?P<digits>\d+)\s*\))?(?:[\s-]+(?:calendar|consecutive|full))?[\s-]+{_UNIT}\b",
    re.I)
_AMOUNT = re.compile(
    r"(?P<cur>\$|US\$|USD|EUR|€|£|GBP)\s?(?P<n>\d[\d,]*(?:\.\d+)?)(?:\s*(?P<scale>million|billion|thousand))?"
    r"|(?P<n2>\d[\d,]*(?:\.\d+)?)\s*(?P<scale2>million|billion|thousand)?\s*(?P<cur2>dollars|euros|pounds)",
    re.I)
# A drug and its dose: "empagliflozin 10 mg", "fluticasone 250 mcg".
_DOSE = re.compile(r"\b(?P<drug>[A-Za-z][A-Za-z-]{3,})\s+(?P<n>\d+(?:\.\d+)?)\s*"
                   r"(?P<unit>mg|mcg|µg|g|mL|ml|units?|IU|mmol)\b")
# A clinical reading: "152/94", "7.8%", "110 mg/dL", "88 bpm", "38.5 °C".
_MEASURE = re.compile(r"\b\d{2,3}/\d{2,3}\b|\b\d+(?:\.\d+)?\s*(?:%|mg/dL|mmol/L|mmHg|bpm|kg|lbs?|°\s?[CF])"
                      rf"|\b{_NUMBER}\s+degrees(?:\s+(?:Celsius|Fahrenheit|C|F)\b)?", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
# "without regard to" (a governing-law clause's "without regard to its conflict of laws rules")
# sets something aside; it does not deny what the sentence states.
_NEGATION = re.compile(r"\b(?:not|no|never|none|neither|nor|without(?!\s+regard\s+(?:to|for)\b)|cannot|can't|won't"
                       r"|shall not|may not)\b", re.I)


@dataclass(frozen=True)
class Fact:
    """One fact as found in a text: ``kind`` (date, duration, amount, number, place), its
    normal ``value`` and where it stands (``start``, ``end``)."""

    kind: str
    value: str
    start: int
    end: int


def number_value(text: str) -> float | None:
    """ "thirty" -> 30, "forty-five" -> 45, "1,000" -> 1000, "2.5" -> 2.5; None when not a number."""
    text = text.lower().strip()
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    total = current = 0
    for word in re.split(r"[- ]+", text):
        if word in ("and", "a"):
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    value = total + current
    return float(value) if value or text in ("zero",) else None


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else f"{number:g}"


def _year(text: str) -> int:
    year = int(text)
    if year < 100:  # two-digit years in contracts: 00-39 are 20xx, the rest 19xx
        year += 2000 if year < 40 else 1900
    return year


def day_number(text: str) -> int:
    """ "24th" -> 24, "24 th" -> 24, "twenty-fourth" -> 24."""
    word = " ".join(text.lower().split())
    return _ORDINALS[word] if word in _ORDINALS else int(re.sub(r"[^0-9]", "", word))


def dates(text: str) -> list[Fact]:
    """Dates, normalised to ``YYYY-MM-DD`` (``YYYY-MM`` when the day is not given)."""
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            groups = match.groupdict()
            if groups.get("m") is None:  # only the year is given
                value = f"{_year(groups['y']):04d}"
            else:
                month_text = groups["m"].lower().rstrip(".")
                month = MONTHS.get(month_text) if not month_text.isdigit() else int(month_text)
                if not month:
                    continue
                value = f"{_year(groups['y']):04d}-{month:02d}"
                if groups.get("d"):
                    value += f"-{day_number(groups['d']):02d}"
            found.append(Fact("date", value, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


_EVERY = re.compile(r"\b(?:(?P<u1>year|month|week)[- ]to[- ](?P=u1)|(?:each|every)\s+(?P<u2>year|month|week))\b", re.I)


def durations(text: str) -> list[Fact]:
    """Durations, normalised to ``<number> <unit>`` in the singular: "thirty (30) days" -> "30 day",
    "from year to year" -> "1 year"."""
    found = [Fact("duration", f"1 {(m.group('u1') or m.group('u2')).lower()}", m.start(), m.end())
             for m in _EVERY.finditer(text)]
    for match in _DURATION.finditer(text):
        number = number_value(match.group("digits") or match.group("n"))
        if number is None:
            continue
        unit = match.group("unit").lower().split()[-1].rstrip("s")
        if "business" in match.group("unit").lower():
            unit = "business day"
        found.append(Fact("duration", f"{_fmt(number)} {unit}", match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def amounts(text: str) -> list[Fact]:
    """Sums of money, normalised to the plain number: "$2,400" -> "2400", "$1.5 million" -> "1500000"."""
    scales = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
    found = []
    for match in _AMOUNT.finditer(text):
        number = number_value(match.group("n") or match.group("n2"))
        if number is None:
            continue
        scale = (match.group("scale") or match.group("scale2") or "").lower()
        found.append(Fact("amount", _fmt(number * scales.get(scale, 1)), match.start(), match.end()))
    return found


def numbers(text: str) -> list[Fact]:
    """Every number written in digits or words (dates and sums included, as their parts)."""
    found = [Fact("number", _fmt(float(m.group(0).replace(",", ""))), m.start(), m.end())
             for m in _PLAIN_NUMBER.finditer(text) if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", m.group(0))]
    for match in re.finditer(rf"\b{_NUMBER_WORD}\b", text, re.I):
        value = number_value(match.group(0))
        if value is not None:
            found.append(Fact("number", _fmt(value), match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def doses(text: str) -> list[Fact]:
    """Drugs with their dose, normalised to lower case: "Empagliflozin 10 mg" -> "empagliflozin 10 mg"."""
    return [Fact("dose", f"{m.group('drug').lower()} {m.group('n')} {m.group('unit').lower()}", m.start(), m.end())
            for m in _DOSE.finditer(text)]


def measures(text: str) -> list[Fact]:
    """Clinical readings as written, spaces folded: "BP 152/94" -> "152/94"."""
    return [Fact("measure", " ".join(m.group(0).split()), m.start(), m.end()) for m in _MEASURE.finditer(text)]


def places(text: str) -> list[Fact]:
    return [Fact("place", name, start, end) for name, start, end in find_places(text)]


def all_facts(text: str) -> list[Fact]:
    return (dates(text) + durations(text) + amounts(text) + doses(text) + measures(text) + places(text)
            + numbers(text))


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def normal_form(text: str) -> str:
    """``text`` lower-cased, with number words and "thirty (30)" doubles written as digits and
    dates as ``YYYY-MM-DD``: the form answers are compared in."""
    out = text
    for fact in sorted(dates(text), key=lambda f: -f.start):
        out = out[:fact.start] + f" {fact.value} " + out[fact.end:]
    out = re.sub(r"(?<=\d),(?=\d{3}\b)", "", out.lower())  # "2,400" -> "2400"
    out = re.sub(rf"\b{_NUMBER_WORD}\s*\(\s*(\d+)\s*\)", r"\1", out)  # "thirty (30)" -> "30"
    out = re.sub(rf"\b{_NUMBER_WORD}\b", lambda m: _fmt(number_value(m.group(0)) or 0), out)
    return " ".join(re.findall(r"[^\W_]+(?:[-.][^\W_]+)*", out))


# What a date is to the contract, read from the words just before it (the nearest wins) or the
# name given just after it: "(the "Effective Date")", "effective as of", "shall expire on",
# "dated", "for the year ended".
_NAMED_AFTER = re.compile(r"[\s,]*\(\s*(?:the|such|this)?\s*[\"“']*\s*(?P<name>[A-Z][\w ]{2,40}?)\s*[\"”']*\s*\)")
_NAME_ROLES = (("end", re.compile(r"expir|terminat|end\b|final", re.I)),
               ("effective", re.compile(r"effective|commencement|start|launch", re.I)),
               ("agreement", re.compile(r"agreement|execution|signature|contract", re.I)))
# "the end of each calendar quarter", "the end of the first license year": a period's end, not the
# document's ("shall continue until the end of the fifth contract year" may well be its end).
_ROLE_CUES = re.compile(
    r"(?P<other>\b(?:year|period|quarter|month)s?\s+end(?:ed|ing)\b|\bon\s+or\s+(?:before|prior\s+to|after)\b|"
    r"\bend\s+of\s+(?:each|any|every|such|a|the\s+first)\s+(?:[\w-]+\s+){0,2}(?:year|quarter|month|week)\b|"
    r"\b(?:prior\s+to|before|beyond|amended|filed|issued|published|dated\s+as\s+of\s+the\s+date)\b|"
    r"\b(?:no\s+later\s+than|not\s+later\s+than|by\s+no\s+later\s+than)\b|"
    r"\b(?:extended|renewed)\s+(?:until|through|to)\b)"
    r"|(?P<end>\bexpir\w*|\bterminat\w*|\buntil\b|\bthrough\b|\bthru\b|\bend(?:s|ing)?\b|\bconclud\w*)"
    r"|(?P<effective>\beffective\b|\bcommenc\w*|\bbegin\w*|\bstart\w*|\b(?:come|comes|came|enter|enters)\s+into\s+"
    r"(?:force|effect)\b|\bfrom\b)"
    r"|(?P<agreement>\bdated\b|\bmade\b|\bentered\s+into\b|\bexecuted\b|\bsigned\b|\bday\s+of\b|"
    r"\bdate\s*:|\bdate\s+of\s+(?:this|the)\s+(?:agreement|contract)\b)", re.I)
ROLE_WINDOW = 80  # characters before a date in which its cue word stands
# A date right under a title in capitals dates the document: "CONSULTING AGREEMENT July 20, 2018",
# "AGENCY AGREEMENT November ___, 2006" (a letter agreement's head).
_UNDER_TITLE = re.compile(rf"\b(?:{alternation(CONTRACT_TITLE_NOUNS, upper=True)})[\s,:]*$")


_RANGE_START = re.compile(r"\b(?:from|between|beginning|commencing|starting|effective)(?:\s+on)?\s*$", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:to|and|through|thru|until|till|-|–|—)\s*", re.I)


def _range_role(text: str, fact: Fact) -> str:
    """ "from [February 8, 2018] to [May 3, 2018]": the first date of a range starts it, the last ends it."""
    others = dates(text)
    before = [d for d in others if d.end <= fact.start]
    if before and _RANGE_JOIN.fullmatch(text[before[-1].end:fact.start]) and _RANGE_START.search(
            text[:before[-1].start]):
        return "end"
    after = [d for d in others if d.start >= fact.end]
    if after and _RANGE_JOIN.fullmatch(text[fact.end:after[0].start]) and _RANGE_START.search(text[:fact.start]):
        return "effective"
    return ""


def dated_by_title(before: str) -> bool:
    """Whether the words right before a date are a title in capitals that it dates."""
    return bool(_UNDER_TITLE.search(before))


def date_role(text: str, fact: Fact) -> str:
    """What the date ``fact`` of ``text`` is: "agreement" (the date the document is dated or made),
    "effective" (when it takes effect or starts), "end" (when it expires or ends), "other" (some
    other date: a fiscal year's end, a deadline) or "" when its words do not say."""
    ranged = _range_role(text, fact)
    if ranged:
        return ranged
    named = _NAMED_AFTER.match(text, fact.end)
    if named:
        for role, pattern in _NAME_ROLES:
            if pattern.search(named.group("name")):
                return role
    before = text[max(0, fact.start - ROLE_WINDOW):fact.start]
    before = re.split(r"[;.]\s|\n\s*\n", before)[-1]  # the words of the same clause
    if dated_by_title(before):
        return "agreement"
    last = None
    for match in _ROLE_CUES.finditer(before):
        last = match
    return last.lastgroup if last else ""


# Another document named right before the words that date it: "the Supply and Manufacturing
# Agreement dated [April 1, 2017]", "a Master Transaction Agreement dated" (never "This Agreement
# dated", nor a title followed by its definition: "AGREEMENT (the "Agreement") is effective as of").
# Also "the engagement letter dated", "the Plan of Additional Stock Issuance dated".
_DATED_DOCUMENT = re.compile(r"\b(?i:the|an?|said|such|that|certain)\s+(?:certain\s+)?"
                             r"(?:(?:[A-Z][\w&.'-]*|and|of|for|to|on)\s+){0,8}"
                             rf"(?:[a-z]+\s+)?(?i:{alternation(CITED_DOCUMENT_NOUNS)})s?"
                             r"(?:\s+(?:of|for)(?:\s+(?:[A-Z][\w&.'-]*|and|of))+)?"
                             r"(?:\s+between\s+[A-Z][\w&.'-]*(?:,?\s+(?:[A-Z][\w&.'-]*|and))*)?,?\s+"
                             r"(?i:dated|effective|entered\s+into|made|executed)\b[^.;]{0,50}$")


def another_documents_date(before: str) -> bool:
    """Whether the words before a date give it to another document the sentence names ("This
    Amendment to the Supply Agreement dated [April 1, 2017]")."""
    return bool(_DATED_DOCUMENT.search(before[-200:]))


# A term with no end date: one that runs until someone ends it, or an event; or ends on an anniversary ("the 2nd").
_OPEN_END = re.compile(
    r"(?P<perpetual>\bin\s+perpetuity\b|\bperpetual(?:ly)?\b|\bindefinite(?:ly)?\b|"
    r"\buntil\s+(?:(?:it\s+is|so|otherwise|earlier|sooner)\s+)?terminated\b|\buntil\s+(?:either|a|one)\s+party\s+terminates\b)"
    r"|(?P<event>\b(?:until|terminat\w*\s+(?:up)?on|expir\w*\s+(?:up)?on|end\s+(?:up)?on)\s+(?:the\s+)?"
    r"(?:(?:earlier|later|earliest|latest)(?!\s+terminated)|completion|expiration|expiry|conclusion|end|last|"
    r"such\s+time|"
    r"date\s+(?:on\s+which|when|that))\b[^.;]{0,160})"
    r"|(?P<anniversary>\b(?:end|ends|expire|expires|terminate|terminates|until|through)\b[^.;]{0,30}?\b(?:first|second|"
    rf"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{{1,2}}{ORDINAL_SUFFIX})"
    rf"(?:\s*\(\s*\d{{1,2}}(?:{ORDINAL_SUFFIX})?\s*\))?"
    r"(?=\s+anniversary\s+of\b))", re.IGNORECASE)
_EVENT_TAIL = re.compile(r",?\s+(?:unless|subject\s+to|provided\s+that|whichever)\b.*$|[\s,(]+$",
                         re.IGNORECASE | re.DOTALL)


def ends(text: str) -> list[Fact]:
    """Ends that are not dates: "perpetual" ("in perpetuity", "until terminated") and "event"
    ("until completion of the Research Program", "terminate upon the earlier of ..."), the
    words as written."""
    found = []
    for match in _OPEN_END.finditer(text):
        if match.group("perpetual") or match.group("anniversary"):
            found.append(Fact("end", "perpetual" if match.group("perpetual") else "anniversary", *match.span()))
            continue
        words = _EVENT_TAIL.sub("", match.group(0))
        if dates(words[:40]):  # "until December 31, 2020" is a date, read as one
            continue
        found.append(Fact("end", "event", match.start(), match.start() + len(words)))
    return found
