"""How bench/figures.py grades an answer against FinanceBench's gold answer, for every question.

The gold answer is read, in this order, as:
1. a bare number ("$5409.00", "93.86", "7.9%"): "figure". The answer is right when the first
   number it states (years left out; in millions when a unit word follows) is within 1 % of the
   gold, or within the gold's own rounding ("0.01" allows 0.005). FinanceBench writes amounts in
   USD millions unless the question asks "in USD billions".
2. starting with "Yes" or "No" ("No. Microsoft decreased its debt by $2.5bn"): "yes/no". Right
   when the answer starts with the same word (after the document's label).
3. text holding numbers ("JnJ sold its inventory 2.7 times in FY2022", "Adj. EBITDA was $2,018mn",
   "from 0.67 times to 0.69 times"): "numbers in text". The gold's numbers are read with their
   units (thousand / million / mn / billion / bn to millions, "%" kept as a percentage); years,
   quarters ("Q2"), fiscal years ("FY 2023") and days of a month ("May 3, 2023") are not numbers of
   the answer. Right when the first number the answer states matches any of them as in rule 1.
4. text without a number ("Customer deposits", "Trillium, Array, and Therachon"): "not graded",
   counted and printed, never dropped.
A refusal ("Not found in ...") is never right.
"""

from __future__ import annotations

import re

TOLERANCE = 0.01
YES_NO = re.compile(r"^(yes|no)\b", re.IGNORECASE)
LABEL = re.compile(r"^(?:Unsure: )?In [^\n]*?\([^()]+\.\w+\):\s*")
_BARE_NUMBER = re.compile(r"^\$?-?[\d,]*\.?\d+%?$")
_STATED = re.compile(r"(?<![\w.])\(?-?\$?\s?(\d(?:[\d,]*\d)?(?:\.\d+)?)\)?\s*(%|percent|thousand|million|billion)?",
                     re.IGNORECASE)
_SCALE = {"thousand": 0.001, "million": 1.0, "billion": 1000.0, "mn": 1.0, "bn": 1000.0}
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# What a number of free text is not: a year, a quarter or fiscal year, a day of a month.
_NOT_AMOUNTS = re.compile(rf"\b(?:q[1-4]|fy\s?'?\d+|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?|"
                          rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS})\b", re.IGNORECASE)
_TEXT_NUMBER = re.compile(r"(?<![\w.])(-?)\$?(\d(?:[\d,]*\d)?(?:\.\d+)?)\s*"
                          r"(%|percent|thousand|million|billion|mn|bn)?\b", re.IGNORECASE)


def gold_of(answer: str, question: str) -> dict:
    """How the gold ``answer`` is graded: {"grade": "figure" | "yes/no" | "numbers in text" |
    "not graded", "value", "rounding", "numbers": [(value, rounding, percent)], "yes_no"}."""
    answer = answer.strip()
    gold = {"grade": "not graded", "value": None, "rounding": 0.0, "numbers": [], "yes_no": None}
    if _BARE_NUMBER.match(answer):
        value, rounding = _bare_value(answer, question), _rounding(answer, question)
        return {**gold, "grade": "figure", "value": value, "rounding": rounding,
                "numbers": [(value, rounding, answer.endswith("%"))]}
    match = YES_NO.match(answer)
    if match:
        return {**gold, "grade": "yes/no", "yes_no": match.group(1).lower()}
    numbers = text_numbers(answer)
    return {**gold, "grade": "numbers in text", "numbers": numbers} if numbers else gold


def _bare_value(text: str, question: str) -> float:
    return float(text.replace("$", "").replace(",", "").rstrip("%")) * _scale(text, question)


def _scale(text: str, question: str) -> float:
    return 1000.0 if text.startswith("$") and re.search(r"\bUSD billions\b", question) else 1.0


def _rounding(text: str, question: str) -> float:
    """Half a unit of the gold's last decimal: "0.01" (a ROA of 0.0124 rounded) allows 0.005."""
    decimals = text.rstrip("%").partition(".")[2]
    return (0.5 * 10 ** -len(decimals) if decimals else 0.5) * _scale(text, question)


def text_numbers(text: str) -> list[tuple[float, float, bool]]:
    """The numbers of a free-text gold answer: (value in millions or as printed, rounding, percent)."""
    text = _NOT_AMOUNTS.sub(" ", text)
    found = []
    for match in _TEXT_NUMBER.finditer(text):
        sign, digits, unit = match.group(1), match.group(2), (match.group(3) or "").lower()
        if re.fullmatch(r"(?:19|20)\d\d", digits) and not unit and "$" not in match.group(0):
            continue
        scale = _SCALE.get(unit.rstrip("s"), 1.0)
        decimals = digits.partition(".")[2]
        rounding = (0.5 * 10 ** -len(decimals) if decimals else 0.5) * scale
        value = float(digits.replace(",", "")) * scale * (-1 if sign else 1)
        found.append((value, rounding, unit in ("%", "percent")))
    return found


def stated_value(text: str) -> tuple[float, bool] | None:
    """The first number an answer states, not a year, in millions when a unit word follows it
    (and whether it is a percentage); after the label of the document it names ("In Form 10-K for
    the fiscal year ended December 31, 2019 (AMAZON_2019_10K.pdf): ")."""
    text = LABEL.sub("", text)
    for match in _STATED.finditer(text):
        digits, unit = match.group(1), (match.group(2) or "").lower()
        if re.fullmatch(r"(?:19|20)\d\d", digits) and not unit:
            continue
        value = float(digits.replace(",", ""))
        if unit in ("%", "percent"):
            return value, True
        return value * _SCALE.get(unit.rstrip("s"), 1.0), False
    return None


def figure_right(text: str, gold: float, rounding: float = 0.0) -> bool:
    """Within 1 % of the gold, or within the gold's own rounding (FinanceBench rounds its answers)."""
    stated = stated_value(text)
    return stated is not None and _near(stated[0], gold, rounding)


def _near(value: float, gold: float, rounding: float) -> bool:
    # an answer's number is read without its sign ("-$473 million", "(1,749)"): magnitudes compared
    return abs(abs(value) - abs(gold)) <= max(TOLERANCE * abs(gold), rounding)


def said_yes_no(text: str) -> str | None:
    """"yes" or "no" when an answer starts with it (after the document's label), else None."""
    match = YES_NO.match(LABEL.sub("", text).removeprefix("Unsure: "))
    return match.group(1).lower() if match else None


def answer_right(text: str, found: bool, gold: dict) -> bool | None:
    """Whether the answer ``text`` is right by ``gold``'s rule (None: not graded)."""
    if gold["grade"] == "not graded":
        return None
    if not found:
        return False
    if gold["grade"] == "yes/no":
        return said_yes_no(text) == gold["yes_no"]
    if gold["grade"] == "figure":
        return figure_right(text, gold["value"], gold["rounding"])
    stated = stated_value(text)
    return stated is not None and any(_near(stated[0], value, rounding) for value, rounding, _ in gold["numbers"])
