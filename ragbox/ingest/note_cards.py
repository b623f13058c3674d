"""Cards of clinical notes: the note's type from a heading that names it ("OPERATIVE REPORT",
"DISCHARGE SUMMARY") or, without one, from its section headings, as a clinician names the note."""

from __future__ import annotations

import re

# A heading that names the note's type ("OPERATIVE REPORT", "DISCHARGE SUMMARY", "CONSULTATION").
_NOTE_TITLE = re.compile(
    r"(?:^|[\n,])[ \t]*((?:(?:OPERATIVE|OPERATION|PROCEDURE|PROGRESS|DELIVERY|CHART|CLINIC|OFFICE|FOLLOW-?UP|DISCHARGE"
    r"|ADMISSION|CONSULT(?:ATION)?|EMERGENCY (?:ROOM|DEPARTMENT)|ER|RADIOLOGY|PATHOLOGY|NEUROLOGY|CARDIOLOGY) )"
    r"(?:REPORT|NOTE|SUMMARY)|CONSULTATION|HISTORY AND PHYSICAL(?: EXAMINATION)?|H&P)\s*(?::|,|\n|$)")
# Section headings that tell the note's type when no heading names it, in order of precedence.
_NOTE_KINDS = (
    ("operative report", r"PRE-?OP(?:ERATIVE)? DIAGNOS[IE]S|POST-?OP(?:ERATIVE)? DIAGNOS[IE]S|OPERATION PERFORMED|"
                         r"TITLE OF OPERATION|OPERATIVE PROCEDURE|ESTIMATED BLOOD LOSS|(?:^|,)OPERATION:"),
    ("discharge summary", r"DISCHARGE DIAGNOS[IE]S|HOSPITAL COURSE|DISCHARGE MEDICATIONS|DISCHARGE INSTRUCTIONS"),
    ("consultation", r"REASON FOR (?:CONSULTATION|CONSULT|REFERRAL)|REFERRING PHYSICIAN"),
    ("procedure note", r"PROCEDURES? PERFORMED|PROCEDURE IN DETAIL|DESCRIPTION OF PROCEDURE|PREPROCEDURE DIAGNOSIS|"
                       r"INDICATIONS? FOR (?:THE )?PROCEDURE|(?:^|,)PROCEDURES?:"),
    ("progress note", r"(?:^|[\n,])SUBJECTIVE:"),
    ("history and physical", r"PHYSICAL EXAMINATION|PHYSICAL EXAM|REVIEW OF SYSTEMS"),
    ("clinic note", r"CHIEF COMPLAINT|HISTORY OF PRESENT ILLNESS|REASON FOR VISIT|(?:^|,)(?:CC|HX|HISTORY):"),
    ("imaging report", r"REASON FOR EXAM|TECHNIQUE:|IMPRESSION:|FINDINGS:"),
)
_NOTE_HEADINGS = re.compile(
    r"(?:^|[\n,.])[ \t]*(?:CHIEF COMPLAINT|HISTORY|PRE-?OP|POST-?OP|REASON FOR|ALLERGIES|PAST MEDICAL|MEDICATIONS|MEDS"
    r"|ASSESSMENT|IMPRESSION|PLAN|DIAGNOS|PROCEDURE|FINDINGS|SUBJECTIVE|OBJECTIVE|ANESTHESIA|INDICATION|HOSPITAL"
    r"|EXAM|COMPLICATIONS|ESTIMATED BLOOD LOSS|PMH|SHX|FHX|HX|CC|HEENT|VITAL SIGNS|DISPOSITION|OPERATION|TECHNIQUE"
    r"|DESCRIPTION|SPECIMENS?|CONCLUSION|SUMMARY)[A-Z /&-]*:")
_NOTE_ALIASES = {"operative note": "operative report", "h&p": "history and physical", "consult note": "consultation",
                 "consultation note": "consultation", "discharge note": "discharge summary"}


def note_card(text: str) -> tuple[str, str] | None:
    """(title, kind) of a clinical note (two clinical section headings or more), else None."""
    opening = text[:3000]
    if len(_NOTE_HEADINGS.findall(opening)) < 2:
        return None
    heading = _NOTE_TITLE.search(opening[:400])
    if heading:  # "OPERATIVE NOTE" is an "operative report" as people name it
        return heading.group(1), _NOTE_ALIASES.get(heading.group(1).lower(), heading.group(1).lower())
    return "", next((kind for kind, pattern in _NOTE_KINDS if re.search(pattern, opening)), "")
