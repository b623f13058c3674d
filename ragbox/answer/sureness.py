"""Whether an answer is shown as sure, and when not, which check fell short.

"Sure" is a promise that the answer is right, so it takes more than a confidence: the value must
be written in the sentence quoted (not computed from it), a date must be stated as the date asked
for ("effective as of", not the signature date), no other sentence may state another value almost
as strongly, and the top passages of two documents may not state different values (an amendment
changing the date). The confidence each topic needs ("end date", "notice", "clause", ...) and
how far ahead of the runner-up the answer must be were fitted for precision by
``bench/calibrate_answers.py --sure`` on one part of the development contracts and checked on a
part it never saw; the figures are in the README's "Answers" section.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Sequence

from ragbox.answer.citations import with_quotes
from ragbox.answer.extract import Candidate
from ragbox.answer.facts import all_facts, another_documents_date
from ragbox.answer.questions import QuestionKind
from ragbox.text import fold_spaces
from ragbox.types import Answer

# Per topic (questions.QuestionKind.topic): the confidence an answer needs, how far its sentence's
# score must be ahead of the best sentence stating another value, and the share of the question's
# words the sentence must hold. Fitted by bench/calibrate_answers.py --sure for sure precision on
# the calibration part; a topic not listed takes answer.sure_confidence and nothing more. A bar
# above 1 means the topic was never precise enough to be sure. A renewal term is sure only when its
# sentence says the contract renews by itself (``renewal_not_automatic``): on the development
# contracts of bench/named.py those were all read right (17 of 17, every one above 0.95; terms
# renewed by option, or whose sentence says neither, were not), hence a bar like the dates'.
SURE_BARS: dict[str, tuple[float, float, float]] = {
    "agreement date": (0.92, 0.0, 0.0), "effective date": (0.91, 0.0, 0.5), "end date": (0.96, 0.0, 0.5),
    "law": (0.93, 0.25, 0.0), "notice": (0.87, 0.75, 0.0), "renewal": (0.9, 0.0, 0.0), "time": (1.01, 0.0, 0.0),
    "yesno": (1.01, 0.0, 0.0)}
# A date asked for as the effective or the end date must be stated as that date; "the date of this
# contract" is as often written as its effective-as-of date as its signing date, so any role will do.
ROLE_TOPICS = ("effective date", "end date")
# A contract states its own date in its opening: the first passages (``early`` = 1 / (1 + place)).
OPENING_PASSAGES = 10

_WHOLE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PART_DATE = re.compile(r"^\d{4}(?:-\d{2})?$")
# Topics whose answer is a value: it has to be written in the sentence to be sure.
_VALUE_KINDS = ("date", "duration", "place", "amount", "time", "medication", "measure")


def same_value(first: str, second: str) -> bool:
    """ "2010-02" and "2010-02-28" state the same month; "30 day" and "30 day" the same period."""
    return first == second or first.startswith(second + "-") or second.startswith(first + "-")


def rival_of(found: Sequence[Candidate]) -> Candidate | None:
    """The best candidate after the first that states a different value (None for a sentence
    answer, or when every candidate agrees)."""
    if not found or not found[0].value:
        return None
    best = found[0]
    return next((c for c in found[1:] if c.value and not same_value(c.value, best.value)), None)


def mark_rival(best: Candidate, found: Sequence[Candidate], facts: Sequence[str] = ()) -> Candidate | None:
    """Records on ``best`` how far ahead of its rival it is (``margin``), whether its value is
    written in its sentence (``written``), for a question asking a date (``facts``) whether it is a
    whole date (``date_form``: 1, 0.5 without its day, 0 a period instead), whether the rival
    is another document's passage among the retrieved ones stating the value as plainly
    (``disagree``), and for a law, whether the same document states another law of itself too
    (``restated``: an agreement governed by Delaware law, its attached terms of sale by Illinois
    law). Returns that rival when the documents disagree, or the other law: the answer shows both."""
    best.features["written"] = float(bool(best.value) and not best.note and best.value not in ("event",))
    if "date" in facts and best.features["written"]:
        best.features["date_form"] = 1.0 if _WHOLE_DATE.match(best.value) else (
            0.5 if _PART_DATE.match(best.value) else 0.0)
        best.features["own_date"] = float(not another_documents_date(best.hit.text[best.sentence[0]:best.span[0]]))
    # a law stated of itself twice, naming no place in common ("British Columbia" and "British Columbia
    # and Canada" agree): both are shown
    own_law = "place" in facts and best.features.get("own") == 1.0
    restated = next((c for c in found[1:] if own_law and c.features.get("own") == 1.0 and c.value
                     and Path(c.hit.path) == Path(best.hit.path)
                     and not set(c.value.split(" and ")) & set(best.value.split(" and "))), None)
    if restated is not None:
        best.features["restated"] = 1.0
    rival = rival_of(found)
    if rival is None:
        return restated
    best.features["margin"] = round(min(best.score - rival.score, 3.0), 3)
    disagree = (Path(rival.hit.path) != Path(best.hit.path) and rival.retrieved_rank is not None
                and best.retrieved_rank is not None
                and rival.features.get("introduced", 0.0) >= best.features.get("introduced", 0.0)
                and rival.features.get("role", 0.0) >= best.features.get("role", 0.0)
                and best.score - rival.score <= DISAGREE_MARGIN)
    best.features["disagree"] = float(disagree)
    return rival if disagree else restated


DISAGREE_MARGIN = 1.0  # score: a rival this close, in another document, is a second answer


def unsure_because(topic: str, kind: str, confidence: float, signals: dict[str, float], default_bar: float,
                   bars: dict[str, tuple[float, float, float]] | None = None) -> list[str]:
    """The checks a found answer fails (codes of ``unsure_reasons.UNSURE_REASONS``), in the order the
    unsure line gives them; none: the answer is sure."""
    bar, margin, words = (SURE_BARS if bars is None else bars).get(topic, (default_bar, 0.0, 0.0))
    if signals.get("title") or signals.get("section"):  # the title, or the note's own section
        return [] if confidence >= default_bar else ["low_confidence"]
    reasons = []
    if signals.get("disagree"):
        reasons.append("documents_disagree")
    if signals.get("restated"):
        reasons.append("document_states_two")
    if topic == "parties" and not signals.get("parties"):
        reasons.append("parties_not_named")  # a sentence about "the parties" is no list of them
    elif topic == "parties" and not signals.get("all_parties", 1.0):
        reasons.append("some_parties_missing")
    if kind in _VALUE_KINDS and not signals.get("written", 1.0):
        reasons.append("value_not_written")
    if not signals.get("date_form", 1.0):
        reasons.append("not_a_date")
    if not signals.get("own_date", 1.0):
        reasons.append("another_documents_date")
    if topic == "end date" and signals.get("own", 1.0) == 0.0:  # a schedule's "END", a service period's
        reasons.append("not_the_documents_end")
    if topic == "renewal" and signals.get("automatic", 1.0) < 1.0:
        reasons.append("renewal_not_automatic")
    if topic in ROLE_TOPICS and "role" in signals and not signals["role"]:
        reasons.append("other_role")
    if "early" in signals and signals["early"] < 1 / (1 + OPENING_PASSAGES):
        reasons.append("not_in_opening")
    if "margin" in signals and signals["margin"] < margin:
        reasons.append("close_second")
    # "When does the Berkshire agreement expire?" holds no word but its cue ("expire") and the name:
    # the sentence's cue and the date's role are checked instead
    if kind in _VALUE_KINDS and signals.get("question", 0.0) < words and signals.get("question_words", 1.0):
        reasons.append("few_question_words")
    if bar > 1.0:  # no bar made this topic's answers precise enough on the development documents
        reasons.append("topic_not_sure")
    elif confidence < bar:
        reasons.append("low_confidence")
    return reasons


def with_evidence_value(answer: Answer, evidence: Candidate, kind: QuestionKind, number: int,
                        on_token: Callable[[str], None] | None) -> Answer:
    """A checked model answer; when it states values of the kind asked for and none is the
    evidence's, the evidence's value is shown after it (source ``number``) and it is not sure."""
    if not kind.facts or not evidence.features.get("written"):
        return answer
    stated = [f.value for f in all_facts(answer.text) if f.kind in kind.facts]
    if not stated or any(same_value(value, evidence.value) for value in stated):
        return answer
    said = f"The evidence states {fold_spaces(evidence.span_text)} [{number}]."
    if on_token:
        on_token(said)
    answer.text = f"{answer.text} {said}"
    answer.cited = sorted(set(answer.cited) | {number})
    answer.unsure_because = ["model_differs"]
    return with_quotes(answer)
