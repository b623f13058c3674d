"""The one text toolkit: words, stopwords, stems, quoted phrases, sentences and citation marks,
the words a question opens with and the nouns that name a kind of document.

Every stage that looks at words (keyword search, the focus stage, quotes, follow-up questions,
evaluation, the resolver, titles and cards) uses these, so "a word" means the same thing
everywhere. Plain ``re``, no heavy import.
"""

from __future__ import annotations

import re
from typing import Sequence, TypeVar

# A word: a run of Unicode letters and digits ("HbA1c", "30", "Müller").
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# A compound word, kept whole the way a reader sees it: "12.3", "non-compete", "party's".
COMPOUND_WORD = re.compile(r"[^\W_]+(?:[.'-][^\W_]+)*", re.UNICODE)

# Question words and glue that say nothing about which passage answers. The keyword query, the
# focus stage and quotes drop them.
STOPWORDS = frozenset("""
a about an and any are as at be been by can could did do does for from had has have how i if in
into is it its may me might my no not of on or our shall should so than that the their them then
there these they this those to under was we were what when where which who whom why will with
would you your please tell find show give list""".split())
# Words that frame a question about a document ("Consider ... between ...; how much ...").
FRAMING_WORDS = frozenset({"between", "consider", "much", "many"})
# For ranking words inside the passages of a document (focus stage, quotes).
PASSAGE_STOPWORDS = STOPWORDS | FRAMING_WORDS
# Everyday function words beyond STOPWORDS: what is left of a question without them is what it
# is about (follow-up questions are recognised by having little left).
FUNCTION_WORDS = PASSAGE_STOPWORDS | frozenset("""
above after again against all am because before being below both but doing down during each few
further having here itself just more most must nor now off once only other out over own same she
some such through too until up very while yours also explain describe say says said mean means
regarding concerning else ok okay""".split())

# The words a question opens with: asking words and the verbs that start a yes/no question.
QUESTION_OPENINGS = ("what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "does",
                     "do", "did", "can", "could", "has", "have", "will", "was", "were", "should")

# Kinds of document: one vocabulary (DOCUMENT_NOUNS) for every stage. Each use takes the part
# named for it here, because a wider part changes what that use matches: "the Medicare plan" is no
# document's name to the resolver, while "the plan" is a document a follow-up points back at.
# A question's document speaking of itself: "this agreement", "the study".
SELF_REFERENCE_NOUNS = ("contract", "agreement", "document", "note", "report", "paper", "study", "article", "file")
# What a document calls itself in its own clauses: "this Agreement", "the Plan", "this Note".
OWN_NOUNS = ("agreement", "amendment", "contract", "lease", "license", "licence", "addendum", "plan", "note", "deed",
             "memorandum")
# The document a question asks whether it has a clause: "Does this lease include ...".
ASKED_NOUNS = ("contract", "agreement", "document", "lease", "policy")
# A contract in a sentence stating its term: "this Agreement shall continue", "the Lease expires".
CONTRACT_NOUNS = ("agreement", "contract", "lease")
# A contract's title word and "this ... Agreement" in its preamble.
CONTRACT_TITLE_NOUNS = ("agreement", "contract", "amendment", "addendum", "lease")
# After a name, as people name a document: "the Giggles agreement", "the Knee Injury note".
NAMING_NOUNS = ("agreement", "contract", "lease", "license", "licence", "amendment", "nda", "note", "report",
                "consult", "letter")
# Before a party, as people name a contract: "the agreement with Giggles", "the deal between ...".
DEAL_NOUNS = ("agreement", "contract", "lease", "nda", "deal")
# Another document a contract cites by its date: "the Supply Agreement dated", "the Plan dated".
CITED_DOCUMENT_NOUNS = ("agreement", "amendment", "contract", "lease", "plan", "license", "licence", "addendum",
                        "memorandum", "note", "order", "indenture", "letter")
# The last word of a title, in capitals or on a line of its own: "MASTER SERVICES AGREEMENT".
TITLE_NOUNS = ("agreement", "contract", "lease", "amendment", "license", "licence", "addendum", "memorandum", "plan",
               "policy", "deed", "charter", "terms", "statement of work", "order", "note", "bylaws", "indenture",
               "guaranty", "guarantee", "protocol", "report", "summary")
# A contract's type on its card: what its title ends in ("Franchise Agreement", "Power of Attorney").
CARD_TYPE_NOUNS = ("agreements", "agreement", "amendment", "addendum", "contracts", "contract", "license", "licence",
                   "lease", "guaranty", "guarantee", "indenture", "power of attorney", "memorandum of understanding",
                   "terms and conditions")
# Title words that type a document only when capitalised ("Consent", "Letter"; "consent" is common).
CAPITALISED_TYPE_NOUNS = ("plan", "arrangement", "undertaking", "waiver", "consent", "letter")
# What the type is when a title goes on past it ("agreement on mobile game business" -> "agreement").
KIND_NOUNS = ("agreement", "contract", "addendum", "lease", "guaranty", "guarantee", "indenture", "power of attorney")
# Nouns a follow-up question points back at ("that lease", "the services agreement").
FOLLOW_UP_NOUNS = ("agreement", "contract", "nda", "lease", "note", "notes", "policy", "report", "invoice", "letter",
                   "memo", "manual", "visit", "patient", "plan", "statement", "order", "case", "proposal",
                   "specification", "guide", "handbook", "minutes", "record", "records")
# After a period, the words that make it a notice, not a term or a renewal's length: "ninety (90)
# days prior to the expiration", "sixty (60) days' written notice" (a regular expression's alternatives).
NOTICE_WORDS = r"prior|before|in\s+advance|(?:written\s+)?notice"
# Words every document of a kind carries: to the resolver they say what a document is, never which one.
GENERIC_DOCUMENT_WORDS = frozenset("""
agreement agreements contract contracts note notes report document file letter form patient""".split())
DOCUMENT_NOUNS = frozenset(SELF_REFERENCE_NOUNS + ASKED_NOUNS + OWN_NOUNS + CONTRACT_TITLE_NOUNS + NAMING_NOUNS
                           + DEAL_NOUNS + CITED_DOCUMENT_NOUNS + TITLE_NOUNS + CARD_TYPE_NOUNS + CAPITALISED_TYPE_NOUNS
                           + KIND_NOUNS + FOLLOW_UP_NOUNS)


def alternation(nouns: tuple[str, ...], upper: bool = False) -> str:
    """``nouns`` as a regular-expression alternation ("agreement|contract"), in capitals with ``upper``."""
    return "|".join(noun.upper() if upper else noun for noun in nouns)


STEM_LENGTH = 5  # "terminate", "termination", "terminated" -> "termi"

# "double" or “curly double” quotes around a phrase the user wants matched as written.
_QUOTED = re.compile(r'"([^"]+)"|\u201c([^\u201d]+)\u201d')
_STRAIGHT_QUOTED = re.compile(r'"([^"]+)"')

# A citation mark the model writes: [1] .. [99].
CITATION = re.compile(r"\[(\d{1,2})\]")

# A sentence ends at . ! ? ; before a capital, digit or opening mark; a blank line or a list item
# starting on a new line also ends one.
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?;])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*\u2022]|\d+(?:\.\d+)*\.?)\s)")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``."""
    return WORD.findall(text.lower())


def stem(word: str) -> str:
    """A crude stem: the first five letters match "licensed" with "licenses"; a short word's
    plural "s" goes first, so "laws" matches "law" and "terms" "term" (not "process", "his")."""
    if 3 < len(word) <= STEM_LENGTH and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:STEM_LENGTH]


def stems(text: str, drop: frozenset[str] = STOPWORDS) -> list[str]:
    """Stems of the words of ``text`` that are not in ``drop``, in order."""
    return [stem(w) for w in words(text) if w not in drop]


def passage_stems(section: str, context: str, text: str) -> str:
    """A passage's stems as the focus stage ranks it (its section, context and text; the
    passage stopwords left out), joined by spaces: what the catalog keeps for it."""
    return " ".join(stems(f"{section} {context} {text}", PASSAGE_STOPWORDS))


def quoted_phrases(text: str, curly: bool = True) -> list[str]:
    """Phrases in double quotes (straight, and curly unless ``curly`` is False), spaces folded."""
    pattern = _QUOTED if curly else _STRAIGHT_QUOTED
    found = (next(g for g in m.groups() if g is not None) for m in pattern.finditer(text))
    return [" ".join(p.split()) for p in found if p.strip()]


def without_quoted(text: str, curly: bool = True) -> str:
    """``text`` with its quoted phrases blanked out."""
    return (_QUOTED if curly else _STRAIGHT_QUOTED).sub(" ", text)


def fold_spaces(text: str) -> str:
    return " ".join(text.split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` that holds more than white space."""
    spans, start = [], 0
    for match in list(_SENTENCE_BREAK.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            spans.append((start, end))
        if match:
            start = match.end()
    return spans


def quote(text: str, limit: int = 300) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (with …)."""
    flat = fold_spaces(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def cited_numbers(text: str, source_count: int) -> list[int]:
    """Source numbers ``[n]`` in ``text``, in order of first mention, ignoring invalid ones."""
    seen: list[int] = []
    for match in CITATION.finditer(text):
        number = int(match.group(1))
        if 1 <= number <= source_count and number not in seen:
            seen.append(number)
    return seen


# What Markdown would render as something else than the text itself: a backslash first (so no
# escape added here can be undone), link and image brackets, code spans, HTML (as entities, shown
# as written), and the bare URLs GitHub-style renderers turn into links.
MARKDOWN_INERT = (("\\", "\\\\"), ("[", "\\["), ("]", "\\]"), ("`", "\\`"), ("&", "&amp;"), ("<", "&lt;"),
                  (">", "&gt;"), ("://", ":\\/\\/"), ("www.", "www\\."))


def inert_markdown(text: str) -> str:
    """``text`` (a document's, a model's) as Markdown that renders as the text itself: no link,
    image, code span or HTML a crafted document could slip into an export or a saved conversation."""
    for plain, escaped in MARKDOWN_INERT:
        text = text.replace(plain, escaped)
    return text


# Fiscal periods, read by search (search.filings) and the answers (answer.figures):
# FY2018, FY 2018, FY18, FY'18, fiscal 2018, fiscal year 2018, Q2'2023, Q2 2023, 2023Q2.
_FISCAL_PERIOD = re.compile(
    r"\b(?:fy|fiscal(?:\s+year)?)\s*['\u2019]?\s*((?:19|20)?\d\d)\b"  # FY18, FY 2018, fiscal 2019
    r"|\bq[1-4](?:\s*['\u2019]\s*|\s+(?:of\s+)?)((?:19|20)\d\d)\b"  # Q2'2023, Q2 2023 (not "Q130")
    r"|\b((?:19|20)\d\d)\s*q[1-4]\b",  # 2023Q2
    re.IGNORECASE)
_PLAIN_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def fiscal_years(text: str, plain: bool = False) -> list[str]:
    """The years a question names as fiscal periods, as four digits, in order: "FY18 and fiscal
    2019" -> ["2018", "2019"]; with ``plain``, plain years too ("in 2022", "2019-nCoV"), which
    keyword search finds as they are written."""
    years: list[tuple[int, str]] = []
    for match in _FISCAL_PERIOD.finditer(text):
        year = match.group(1) or match.group(2) or match.group(3)
        years.append((match.start(), year if len(year) == 4 else f"20{year}"))
    if plain:
        years += [(m.start(), m.group()) for m in _PLAIN_YEAR.finditer(text)]
    ordered: list[str] = []
    for _, year in sorted(years):
        if year not in ordered:
            ordered.append(year)
    return ordered


Passage = TypeVar("Passage")  # anything with a ``text``: a hit, a chunk


def within_budget(hits: Sequence[Passage], budget: int) -> list[Passage]:
    """The hits (any passages with a ``text``) a budget of characters holds: they are taken in order
    while the total length of the texts *before* each one is < ``budget`` characters. A hit that starts inside the
    budget but runs past its end counts whole (so at most one partial hit is included; hits are
    never cut). ``budget`` <= 0 holds nothing."""
    taken, used = [], 0
    for hit in hits:
        if used >= budget:
            break
        taken.append(hit)
        used += len(hit.text)
    return taken
