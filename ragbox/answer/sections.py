"""Questions a clinician asks of a note, answered from the section that states it.

Clinical notes put what is asked most under headings of their own: ``ALLERGIES: NKDA.``,
``MEDICATIONS: ...``, ``POSTOPERATIVE DIAGNOSIS: ...``, ``ANESTHESIA: General.``, ``ESTIMATED BLOOD
LOSS: 50 mL.``. A sentence scan finds these poorly ("NKDA." shares no word with "What is the
patient allergic to?"), and a note has no other place that states them: when a question asks for
one of these topics and the document has the heading, the section's text is the answer, quoted
with the heading. A question that asks something narrower ("What new medication was started?")
is left to the sentence scan.
"""

from __future__ import annotations

import re
from typing import Sequence

from ragbox.answer.extract import Candidate, joined_neighbours
from ragbox.types import Hit

# (what the question asks, the headings that state it). First match wins: the specific before the
# general ("postoperative diagnosis" before "diagnosis").
TOPICS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\ballerg"), r"ALLERG(?:Y|IES)|DRUG ALLERGIES"),
    (re.compile(r"\bpost-?operative diagnos"), r"POST-?OPERATIVE DIAGNOS[IE]S"),
    (re.compile(r"\bpre-?operative diagnos"), r"PRE-?OPERATIVE DIAGNOS[IE]S"),
    (re.compile(r"\bdiagnos"), r"(?:FINAL |DISCHARGE |ADMITTING |ADMISSION |POST-?OPERATIVE |PRE-?OPERATIVE )?"
                               r"DIAGNOS[IE]S|IMPRESSION|ASSESSMENT"),
    (re.compile(r"\banesthe|\banaesthe"), r"ANESTHESIA|ANAESTHESIA|TYPE OF ANESTHESIA"),
    (re.compile(r"\bblood loss\b|\bebl\b|\bhow much blood\b"), r"ESTIMATED BLOOD LOSS|BLOOD LOSS|EBL"),
    (re.compile(r"\bcomplications?\b"), r"COMPLICATIONS?"),
    (re.compile(r"\bspecimens?\b"), r"SPECIMENS?|PATHOLOGY"),
    (re.compile(r"\bfindings?\b|\bwhat was found\b"), r"FINDINGS?|OPERATIVE FINDINGS"),
    (re.compile(r"\b(?:what|which) (?:procedures?|operations?|surgery|surgeries)\b|\bprocedures? (?:was|were) "
                r"performed\b"), r"PROCEDURES? PERFORMED|OPERATIONS? PERFORMED|NAME OF (?:THE )?PROCEDURE|"
                                 r"TITLE OF (?:THE )?OPERATION|PROCEDURES?|OPERATIONS?"),
    (re.compile(r"\bchief complaint\b|\bwhy (?:did|was) (?:the patient|he|she)\b.*\b(?:come|seen|referred)\b|"
                r"\breason for (?:the )?(?:visit|consultation|consult|referral)\b"),
     r"CHIEF COMPLAINT|CC|REASON FOR (?:VISIT|CONSULTATION|CONSULT|REFERRAL)"),
    (re.compile(r"\bvital signs?\b|\bvitals\b"), r"VITAL SIGNS?|VITALS"),
    (re.compile(r"\b(?:medications?|medicines|meds)\b"), r"(?:CURRENT |HOME |DISCHARGE |ADMISSION |OUTPATIENT )?"
                                                        r"MEDICATIONS?|MEDS"),
]
# A question about one change of medication, dose or test asks for a fact, not a section.
NARROWER = re.compile(r"\b(?:new|start\w*|stop\w*|prescrib\w*|increas\w*|decreas\w*|switch\w*|chang\w*|dose|"
                      r"dosage|why)\b", re.IGNORECASE)
# Where a section ends: a blank line, a Markdown heading, the next "HEADING:" on a line of its own
# or run into the text ("...the Allegra.,ALLERGIES: , ..." as transcriptions flatten a note), or
# "- **Label:**".
_HEADING_LINE = r"[ \t]*(?:#|(?:[-*][ \t]+)?\*\*|[A-Z][A-Z0-9 /&,()'-]{1,60}:)"  # a line a heading starts
_NEXT_HEADING = re.compile(rf"\n[ \t]*\n|\n{_HEADING_LINE}|[,.;][ \t]*[A-Z][A-Za-z0-9 /&()'-]{{1,40}}:")
_STARTS_SECTION = re.compile(_HEADING_LINE)
MAX_SECTION = 400  # characters of a section quoted as the answer
_RUN_IN_ITEM = re.compile(r"\.?,[ \t]*(?=\d{1,2}[.)][ \t]+\S)")  # ".,2.  Laparoscopy": the next numbered item


def section_heading(question: str) -> re.Pattern | None:
    """The headings whose section answers ``question`` (None: it asks for no such section)."""
    flat = " ".join(question.lower().split())
    if NARROWER.search(flat):
        return None
    for asks, headings in TOPICS:
        if asks.search(flat):
            # "ALLERGIES: NKDA.", "ALLERGIES:" above its text, "## Allergies", "- **Procedure:** ..."
            return re.compile(rf"(?:^|(?<=[,.;]))[ \t]*(?:[-*][ \t]+)?(?:#{{1,6}}[ \t]*)?(?:\*\*)?(?:{headings})"
                              rf"(?::\*\*|\*\*:|:|(?<=[A-Za-z])\**[ \t]*(?=\n))[\s,]*", re.MULTILINE | re.IGNORECASE)
    return None


def section_candidate(question: str, document: Sequence[Hit]) -> Candidate | None:
    """The first section of ``document`` (passages in reading order) under a heading that answers
    ``question``, as a candidate whose sentence is heading and section and whose span the section."""
    heading = section_heading(question)
    if heading is None:
        return None
    for place, hit in enumerate(document):
        for match in heading.finditer(hit.text):
            start = match.end()
            # the passage, joined with the next ones while the section runs on (it starts with this one's text)
            section, following = _through_section(hit, start, document[place + 1:])
            end = following.start() if following else len(section.text)
            end = min(end, start + MAX_SECTION)
            if section.text[start:end].strip():
                end = start + len(section.text[start:end].rstrip())
                begin = match.start() + len(match.group()) - len(match.group().lstrip())
                return Candidate(section, None, (begin, end), (start, end), section_value(section.text[start:end]),
                                 1.0, {"section": 1.0})
    return None


def _through_section(hit: Hit, start: int, after: Sequence[Hit]) -> tuple[Hit, re.Match | None]:
    """``hit``, joined with the passages ``after`` it as long as the section begun at ``start`` runs
    on past its end ("PROCEDURE PERFORMED:,1." ends one passage, "Dilation and curettage" starts
    the next), and where the next heading ends the section (None: not within ``MAX_SECTION``). A
    passage that starts with a heading starts the next section: the chunker cuts there, and the
    blank line before it is in neither passage."""
    following = _NEXT_HEADING.search(hit.text, start)
    for neighbour in after:
        if following is not None or len(hit.text) - start >= MAX_SECTION or _STARTS_SECTION.match(neighbour.text):
            break
        joined = joined_neighbours(hit, neighbour)
        if joined is None:
            break
        hit, following = joined, _NEXT_HEADING.search(joined.text, start)
    return hit, following


def section_value(text: str) -> str:
    """A section as one line: its list items joined by "; " ("- Codeine (nausea)" -> "Codeine (nausea)"),
    numbered items run into one line too ("1.  Cervical dilatation.,2.  Laparoscopy." as transcriptions
    flatten a note)."""
    text = _RUN_IN_ITEM.sub("\n", text)
    items = [re.sub(r"^[-*\u2022]\s+|^\d{1,2}[.)]\s+", "", line.strip(" \t,")) for line in text.splitlines()]
    return "; ".join(" ".join(item.split()) for item in items if item)
