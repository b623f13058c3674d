"""What kind of answer a question expects: a date, a duration, a place, a sum, a title, the
parties, yes or no with a clause, or a passage.

The kind decides which facts a sentence must state to answer, and which words ("governed",
"renew", "notice") usually stand next to such an answer. The rules are general, not one per
document: they cover the questions people put to contracts, notes and reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragbox.answer.clauses import clause_asked


@dataclass(frozen=True)
class QuestionKind:
    name: str  # date | duration | time | place | amount | title | parties | yesno | passage
    facts: tuple[str, ...]  # the fact kinds an answering sentence must state one of (facts.Fact.kind)
    cues: tuple[str, ...]  # beginnings of the words that stand just before such an answer
    prefer_first: bool = False  # the earliest such fact in the document answers (a contract's date)
    not_after: tuple[str, ...] = ()  # a fact right after one of these answers another question
    derive_end: bool = False  # an end date may be computed from a term ("for one (1) year")
    # Beginnings of words of which an answering sentence must hold one: a renewal term is stated
    # where the contract renews or extends; a contract's initial term does not answer it.
    required: tuple[str, ...] = ()
    # What a date must be to the document to answer (facts.date_role: "agreement", "effective",
    # "end", "other", "" when its words do not say); the first is the one asked for. Empty: any date.
    roles: tuple[str, ...] = ()
    # What is asked, finer than ``name`` ("end date", "notice"): how sure an answer must be to be
    # shown as sure is fitted per topic (decision.SURE_CONFIDENCE).
    topic: str = ""


def _kind(name: str, facts: str = "", cues: str = "", prefer_first: bool = False,
          not_after: str = "", derive_end: bool = False, required: str = "", roles: tuple[str, ...] = (),
          topic: str = "") -> QuestionKind:
    return QuestionKind(name, tuple(facts.split()), tuple(cues.split()), prefer_first, tuple(not_after.split()),
                        derive_end, tuple(required.split()), roles, topic or name)


# First match wins: the notice period before renewal ("the notice period to terminate the
# renewal"), an expiration date before any date.
_RULES: list[tuple[re.Pattern, QuestionKind]] = [
    (re.compile(r"\bgovern\w*\b|\bchoice of law\b|\bapplicable law\b|\bwhich (state|country|jurisdiction)\b|"
                r"\bwhose laws?\b|\bjurisdiction\b|\bvenue\b"),
     _kind("place", "place", "govern law construed jurisdiction court venue", topic="law")),
    (re.compile(r"\bnotice\b.*\b(period|days?|long|much|many|required|advance)\b|"
                r"\b(how much|how many days|how long)\b.*\bnotice\b"),
     _kind("duration", "duration", "notice prior written least advance terminat non-renew", topic="notice")),
    (re.compile(r"\brenew"), _kind("duration", "duration", "renew successive automatic extend additional further",
                                   required="renew extend extension", topic="renewal")),
    (re.compile(r"\beffective\b.*\bdate\b|\bdate\b.*\beffective\b|\bwhen\b.*\b(effective|commence|start|begin)|"
                r"\bwhen\b.*\b(?:takes?|took|go(?:es)?|went|comes?|came)\s+(?:into\s+)?(?:effect|force)\b"),
     _kind("date", "date", "effective commenc begin start", prefer_first=True,
           roles=("effective", "agreement", ""), topic="effective date")),
    (re.compile(r"\b(expir\w*|end|termination|terminate)\b.*\bdate\b|\bdate\b.*\b(expir\w*|end)\b|"
                r"\bwhen\b.*\b(expire|end|terminate)"),
     _kind("date", "date", "expir terminat until through end", derive_end=True, roles=("end",),
           topic="end date")),
    (re.compile(r"\bdate\b|\bwhen\b.*\b(signed|dated|made|executed|entered)\b|\bwhat day\b"),
     _kind("date", "date", "dated date entered made executed signed", prefer_first=True,
           roles=("agreement", "effective", ""), topic="agreement date")),
    (re.compile(r"\b(name|title)\b.*\b(contract|agreement|document)\b|\bcalled\b"), _kind("title")),
    (re.compile(r"\bparties\b|\bwho\b.*\bparty\b|\bbetween whom\b"), _kind("parties", "", "between by and among")),
    (re.compile(r"\bhow long\b|\bduration\b|\bfor how many\b|\bterm of\b"),
     _kind("duration", "duration", "term period duration for", topic="term")),
    (re.compile(r"\b(medications?|medicines?|drugs?|prescri\w*|doses?|dosages?)\b"),
     _kind("medication", "dose", "start begin initiat prescrib increas add switch continu stepped new")),
    (re.compile(r"\b(blood pressure|bp|heart rate|pulse|temperature|weight|bmi|hba1c|a1c|glucose|cholesterol|ldl|"
                r"saturation|reading|level)\b"),
     _kind("measure", "measure", "bp blood pressure heart rate pulse temp weight bmi hba1c a1c glucose ldl level")),
    (re.compile(r"^when\b|\bby when\b|\bhow soon\b"),
     _kind("time", "date duration", "within after before by until on")),
    (re.compile(r"\bhow much\b|\bamount\b|\bfees?\b|\bprice\b|\bcost\b|\bpay\w*\b|\$"),
     _kind("amount", "amount", "pay fee price amount cost sum of")),
    (re.compile(r"^(is|are|does|do|did|can|could|has|have|will|was|were|should|may|must)\b"), _kind("yesno")),
]
PASSAGE = _kind("passage")
# A contract's term clause: the duration that sets when it ends.
TERM = _kind("term", "duration", "term period continue remain expire for")
# A term that ends without a date: "in perpetuity", "until completion of the Research Program".
OPEN_END = _kind("term", "end", "term continu remain expir terminat end until")
EFFECTIVE_DATE = _kind("date", "date", "effective commenc begin start", prefer_first=True,
                       roles=("effective", "agreement", ""))


def question_kind(question: str) -> QuestionKind:
    """The kind of answer ``question`` (its question part, without a context clause) expects."""
    flat = " ".join(question.lower().split())
    for pattern, kind in _RULES:
        if pattern.search(flat):
            return kind
    return PASSAGE


def asked_kind(question: str, part: str) -> tuple[QuestionKind, str]:
    """The kind of answer ``question`` expects, and the part of it that asks (``part``, split off
    a context clause). A yes/no question about a clause that a comma in a name split ("Can the
    agreement in ACME, INC. be assigned without consent?" is not asked by "INC. be assigned ...")
    is asked whole."""
    kind = question_kind(part)
    if kind is PASSAGE and part.strip() != question.strip() and clause_asked(question) is not None:
        whole = question_kind(question)
        if whole.name == "yesno":
            return whole, question
    return kind, part
