"""The clauses a yes/no question may ask about, and the words a sentence needs to express one.

"Does the Giggles agreement have a non-compete?" is answered yes only by a sentence that is a
non-compete ("shall not compete", "engage in any competing business"); a sentence that merely
shares the question's words ("competitive pricing", "the exclusive jurisdiction of the courts")
is not the clause, and when the named document holds no sentence that is, the answer is "No such
clause was found in <document>". Each clause below has the words that ask about it (in the
question) and the cue stems an answering sentence must hold (in the evidence), written as regular
expressions over lower-cased text; ``avoid`` removes uses of the cue words that state something
else. A question about a clause not in this table keeps the general yes/no logic (``yes_or_no``, below).

The cues were written from what such clauses say (CUAD's category definitions), checked on one
sample of the development contracts and measured on another (bench/named.py --seed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ragbox.answer.facts import negated
from ragbox.text import ASKED_NOUNS, alternation

# Within one clause of a sentence: no full stop or semicolon between the two words.
_NEAR = r"[^.;]{0,%d}"


def _near(width: int) -> str:
    return _NEAR % width


# Competing, not "competent jurisdiction" nor "competitive pricing".
_COMPETE = (r"(?:compet(?:e|es|ed|ing|ition|itors?)\b|competitive (?:business|products?|services?|activit\w*|"
            r"enterprise)\b)")


# A clause says something of someone ("shall", "may not", "agrees", "is entitled to", "neither party"): a
# heading or a table of contents ("2.6 Target Exclusivity.", "ARTICLE IX AUDITS 9.1 Records") does not.
_BINDS = re.compile(r"\b(?:shall|will|may|must|can|cannot|agrees?|undertakes?|covenants?|grants?|appoints?|"
                    r"warrants?|entitled|required|limited|excluded|liable|prohibited|restricted|exclusive|not|no|"
                    r"neither|nor|waives?|is|are|has|have|be)\b")


@dataclass(frozen=True)
class Clause:
    name: str
    asked: re.Pattern  # the question asks about this clause
    cues: re.Pattern  # a sentence expressing the clause holds one of these
    avoid: re.Pattern | None = None  # uses of the cue words that state something else (removed first)
    # Questions the clause answers "No" ("Can it be assigned without consent?": a clause requiring
    # consent says no); to any other question about it, the clause being there answers "Yes".
    denied: re.Pattern | None = None
    # Cues that state the clause only in a sentence without ``unless`` ("may terminate upon 30 days'
    # notice" is a termination for convenience; "may terminate upon notice if the other party
    # breaches" is not).
    weak: re.Pattern | None = None
    unless: re.Pattern | None = None


def _clause(name: str, asked: str, cues: str, avoid: str = "", denied: str = "", weak: str = "",
            unless: str = "") -> Clause:
    def pattern(text: str) -> re.Pattern | None:
        return re.compile(text) if text else None

    return Clause(name, re.compile(asked), re.compile(cues), pattern(avoid), pattern(denied), pattern(weak),
                  pattern(unless))


# First match wins: "change of control" before assignment (its questions may say "assign").
CLAUSES: tuple[Clause, ...] = (
    _clause("change of control", r"\bchange (?:of|in) (?:control|ownership)\b",
            r"\bchange (?:of|in) (?:the )?(?:control|ownership)\b",
            # a merger or sale of the party lets the other terminate, or needs its consent or notice;
            # a merger that needs no consent ("may assign without consent to a successor") is not one
            weak=r"^(?=.*\b(?:merge[rds]?|merging|consolidat\w*|acqui(?:re[ds]?|sition|ring)|sale of (?:all|"
                 r"substantially all)|substantially all (?:of )?(?:its|the) (?:assets|stock|business)|controlling "
                 r"interest|majority of (?:the |its )?(?:voting|outstanding|shares|stock|equity))\b)"
                 r"(?=.*\b(?:terminat\w*|consent|approv\w*|notif\w*|deemed (?:an? )?(?:assignment|transfer))\b)",
            unless=r"\bwithout (?:the )?(?:\w+ ){0,4}(?:consent|approval)|\bbinding upon\b|\binure\b|"
                   r"\bno (?:such )?consent (?:will|shall) be required\b"),
    _clause("non-compete", r"\bnon-?compet|\bcompet",
            rf"\bnon-?compet|\b(?:not|no|refrain from|nor)\b{_near(120)}\b{_COMPETE}|"
            rf"\b(?:engag|prohibit|restrict)\w*{_near(80)}\b{_COMPETE}|\b{_COMPETE}{_near(80)}\b(?:not|no|prohibit\w*|restrict\w*)\b",
            r"\bcompetitive harm\b"),
    _clause("exclusivity", r"\bexclusiv",
            r"(?<!non-)(?<!non)\bexclusive,?\s+(?:\(?[\w-]+\)?,?\s+){0,5}?(?:rights?|licen[cs]e\w*|distribut\w*|agen\w*|"
            r"suppl\w*|provider|reseller|dealer|partner|basis|territor\w*|representative|sales|marketing|"
            r"arrangement|relationship|manufactur\w*|source|purchas\w*|customer|vendor)\b|\bexclusivity\b|"
            r"\b(?:purchase|buy|obtain|source|sell|distribute|supply|manufacture)\w*[^.;]{0,60}\bexclusively\b|"
            r"\bexclusively (?:from|through)\b|\bonly (?:distributor|supplier|reseller|licensee)\b|"
            r"\bsole (?:and exclusive )?(?:supplier|distributor|provider|source|"
            r"licensee|agent|reseller|manufacturer)",
            r"\bnot (?:\w+ ){0,4}exclusive\b|\bexclusive (?:jurisdiction|venue|forum|remedy|remedies|property|of|"
            r"courts?|owner|holder|liability)\b|\bsole (?:and exclusive )?(?:remedy|remedies|discretion|property|"
            r"cost|expense|judge|agreement|owner)"),
    _clause("cap on liability", r"\bliab\w*{0}\b(?:cap|limit)|\b(?:cap|limit)\w*{0}\bliab".format(_near(40)),
            rf"\bliab\w*{_near(200)}\b(?:exceed|in excess of|limited to|limited in amount|no more than|capped|"
            rf"maximum|cap)\b|\b(?:exceed|in excess of|limited to){_near(150)}\bliab|"
            rf"\blimitation (?:of|on) liability\b|"
            # CUAD counts a party freed of some damages as a cap: "in no event shall either party be
            # liable for any indirect or consequential damages", "the sole and exclusive remedy"
            rf"\b(?:not|no|nor|neither)\b{_near(150)}\b(?:liab\w*|responsible)\b{_near(200)}\b(?:indirect|"
            rf"consequential|special|incidental|punitive|exemplary)\b|\bsole and exclusive remedy\b|"
            rf"\b(?:liab\w*|responsib\w*|claims?)\b{_near(100)}\b(?:limited to|excluded)\b|"
            rf"\b(?:reimburse\w*|indemnif\w*|damages|claims?|recover\w*)\b{_near(100)}\b(?:shall|will) not exceed\b",
            r"\b(?:but|and) (?:is |are |shall be )?not limited to\b"),
    _clause("audit rights", r"\baudit|\binspect",
            rf"\baudit|\b(?:inspect|examin)\w*{_near(200)}\b(?:books|records|accounts|facilit\w*|premises)\b|"
            rf"\b(?:books|records|accounts|facilit\w*|premises){_near(200)}\b(?:inspect|examin|review)\w*",
            r"\baudited (?:\w+ ){0,5}financial statements\b|\bauditors?\b|\bauditing firm\b"),
    _clause("insurance", r"\binsur",
            rf"\binsurance\b{_near(120)}\b(?:maintain|carry|obtain|procure|keep|polic|coverage|insured|limits?)|"
            rf"\b(?:maintain|carry|obtain|procure|keep)\w*{_near(120)}\binsur"),
    _clause("anti-assignment", r"\bassign",
            rf"\bassign\w*{_near(200)}\b(?:consent|approval|permission|approve)|"
            rf"\b(?:consent|approval){_near(120)}\bassign|\b(?:not|no|nor)\b{_near(80)}\bassign|"
            rf"\bassign\w*{_near(120)}\b(?:void|null)\b",
            avoid=r"\bmeanings? assigned\b|\bassigned (?:to )?(?:them|it|such terms?|in)\b|\bhereby assigns?\b",
            denied=r"\bwithout\b.*\b(?:consent|approval|permission)\b|\bfreely\b"),
    _clause("termination for convenience",
            r"\bconvenience\b|\bterminat\w*{0}\b(?:without cause|any reason|at will|no reason)".format(_near(80)),
            rf"\b(?:may|right to|entitled to|can)\b{_near(80)}\b(?:terminat|cancel)\w*{_near(150)}\b(?:for (?:its |"
            rf"their |any )?convenience|without (?:any )?cause|for any (?:or no )?reason|for no reason|at will|"
            rf"with or without cause)\b|\bterminat\w*{_near(60)}\b(?:for (?:its |their )?convenience|without (?:any )?"
            rf"cause)\b|\bby either party for any reason\b|\b(?:sole|absolute) discretion\b{_near(80)}\bterminat",
            avoid=r"\bheadings?\b[^.;]*\bconvenience\b",
            weak=rf"\b(?:may|right to|entitled to|can|shall terminate)\b{_near(80)}\b(?:terminat|cancel)\w*"
                 rf"{_near(150)}\b(?:notice|at any time)\b|\b(?:terminat|cancel)\w*{_near(60)}\bby either party\b"
                 rf"{_near(60)}\bnotice\b",
            unless=r"\bif\b|\bin the event\b|\bbreach|\bfail|\binsolv|\bbankrupt|\boccurrence\b|\bmutual|"
                   r"\bdefault|\bprior to the (?:effective|closing)|\bfollowing events\b|\bconsent of\b"),
)


def clause_asked(question: str, naming: Sequence[str] = ()) -> Clause | None:
    """The clause of the table a yes/no question asks about, or None (the general logic applies).
    The words that name the document (``naming``: its file name, "the Insurance Agreement") are
    left out: they name a document, not the clause asked about."""
    named = {word for name in naming for word in re.findall(r"[a-z0-9]+", name.lower()) if len(word) > 3}
    flat = " ".join(word for word in question.lower().split() if word.strip("?.,;:!'\"()") not in named)
    return next((clause for clause in CLAUSES if clause.asked.search(flat)), None)


def expresses(clause: Clause, sentence: str) -> bool:
    """Whether ``sentence`` states ``clause`` (holds one of its cues, not only in an avoided use)."""
    flat = " ".join(sentence.lower().split())
    if clause.avoid is not None:
        flat = clause.avoid.sub(" ", flat)
    if not _BINDS.search(flat):  # a heading ("2.6 Target Exclusivity."), a definition's name: no clause yet
        return False
    if clause.cues.search(flat):
        return True
    return bool(clause.weak and clause.weak.search(flat) and not (clause.unless and clause.unless.search(flat)))


def answer_word(clause: Clause, question: str) -> str:
    """ "Yes" or "No" to ``question`` when a sentence expresses ``clause``."""
    denied = clause.denied is not None and clause.denied.search(" ".join(question.lower().split()))
    return "No" if denied else "Yes"


# "Is there a non-compete clause?", "Does this contract include ...?": a question whether a clause
# exists is answered yes by the clause, however it is worded ("Neither party shall compete").
EXISTENCE = re.compile(rf"^(?:is|are) there\b|\bclauses?\b|^(?:does|do) (?:this|the) (?:{alternation(ASKED_NOUNS)})\b"
                       r".*\b(?:include|contain|provide|require|have|specify|grant|designate)", re.I)


def yes_or_no(question: str, evidence: str, naming: Sequence[str] = ()) -> str:
    """Yes when the evidence affirms what the question asks, No when one of them is negated
    ("Are dogs allowed?" - "No dogs are allowed"); a clause that exists answers yes (or no, to
    "Can it be assigned without consent?": clauses.answer_word)."""
    clause = clause_asked(question, naming)
    if clause is not None and expresses(clause, evidence):
        return answer_word(clause, question)
    if EXISTENCE.search(question.strip()):
        return "Yes"
    return "No" if negated(evidence) != negated(question) else "Yes"
