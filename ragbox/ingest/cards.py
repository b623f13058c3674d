"""Document cards: what a document is, as people name it ("the Giggles agreement", "the Knee Injury
note"), read from its opening text with regular expressions only: about a millisecond a document at
index time, no model (issue 20). Contracts: the title is the first heading naming a document type,
else the preamble's "THIS ... AGREEMENT"; the parties are the names the preamble gives a short name
(`Giggles N' Hugs, Inc. ("Giggles")`), else its "between A and B" ("entered into by A and B").
Clinical notes: the kind comes from a note-type heading ("OPERATIVE REPORT") or the section headings."""

from __future__ import annotations

import re
from pathlib import PurePath

from ragbox.document_cards import DocumentCard, Party
from ragbox.ingest.filing_cards import filing_card
from ragbox.ingest.note_cards import note_card
from ragbox.paths import document_name
from ragbox.text import CAPITALISED_TYPE_NOUNS, CARD_TYPE_NOUNS, CONTRACT_TITLE_NOUNS, KIND_NOUNS, alternation

# Quotes made straight one character for one (offsets stay valid): patterns need only straight ones.
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "`": "'"})

_TYPES = alternation(CARD_TYPE_NOUNS)
_TYPE = rf"(?=[A-Z])(?i:{_TYPES}|{alternation(CAPITALISED_TYPE_NOUNS)})\b"  # capitalised
_WORD = r"(?:[A-Z0-9\[][\w'&®#./,\[\]*-]*+|&)"  # a capitalised word of a title: "CO-BRANDING", "Cologuard®"
_SMALL = r"(?:and|of|for|to|the|on|in|with|AND|OF|FOR|TO|THE|ON|IN|WITH)"
_NUMBER = r"(?:\s+(?:No\.?|NO\.?|Number|NUMBER|[nN][°º]|#)\s*[\w.]+)?"
# A title: capitalised words ending in a document type, with a number ("AMENDMENT NO. 2"), what it amends
# or covers ("to the Distribution Agreement", "for Variable Annuity Contracts"), a note ("(2014 Amendment)").
_TITLE = re.compile(
    rf"(?<!\S)(?:(?:{_WORD}|{_SMALL})[ \t]+){{0,12}}{_TYPE}{_NUMBER}"  # from a word's start only: fast
    rf"(?:\s+(?:to|of|for|TO|OF|FOR)\s+(?:the\s+|THE\s+|that\s+certain\s+)?(?:{_WORD}\s+|{_SMALL}\s+){{0,10}}?{_TYPE})?"
    r"(?:\s*\([^()\"\n]{1,40}\))?")
_EXHIBIT = re.compile(r"^(?:(?:\[?LOGO\]?|(?:EXHIBITS?|Exhibits?)\s+[\w.()-]+|(?i:execution\s+(?:copy|version)))"
                      r"(?:\s+|$))+")
_BOILERPLATE = re.compile(r"(?i)confidential|omitted|securities and exchange|redact|\[\*|\*\*\*|rule 24b|page \d"
                          r"|\bno\.?\s*:|number\s*:")
_VERB = re.compile(r"(?i)\b(?:is|are|was|has|have|shall|will|hereby|made|entered)\b")
_DATED = re.compile(r"\s+(?:DATED|Dated|dated|EFFECTIVE|Effective)\b.*$|\s+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct"
                    r"|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}.*$")
_ATTACHMENT = re.compile(r"(?i)(?:attachment|schedule|annex|appendix|exhibit)\s+[\w.()-]+\s+to\b")
_TYPE_ANY_CASE = re.compile(rf"(?i)\b(?:{_TYPES})\b")
_FIELD = re.compile(rf"(?i)\b(?:{_TYPES})\s*:")  # a form's field ("License: cc-by"), not a heading
_SP = r"(?:[ \t]|\n(?![ \t]*\n))+"  # spaces within a paragraph: a line break, not a blank line
_PREAMBLE = re.compile(rf"(?i)\bthis{_SP}(?:(?!document|exhibit|filed|omitted|portions)[\w'&®#.,/-]+{_SP}){{0,12}}?"
                       rf"(?:{alternation(CONTRACT_TITLE_NOUNS)})\b"
                       r"|\bby\s+and\s+(?:between|among)\b|\bladies\s+and\s+gentlemen\b|\bwitnesseth\b")
_PREAMBLE_END = re.compile(r"\bWHEREAS\b|\bW\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H\b|\bRECITALS\b|\bBACKGROUND\b"
                           r"|\bNOW,?\s+THEREFORE\b|(?i:\bin consideration of\b|\bagrees? as follows\b)|\n[ \t]*1\.\s")
_ABBREVIATIONS = {"NO.", "INC.", "CORP.", "CO.", "LTD."}
_SMALL_WORDS = {"and", "of", "for", "to", "the", "on", "in", "with", "a", "an", "or", "by"}


def document_card(path: str, head: str) -> DocumentCard:
    """The card of the document at ``path`` (a part path names the part) from its first ~8000 characters."""
    text = head.translate(_STRAIGHT)
    note = None if (filing := filing_card(path, text, _file_words(path))) else note_card(text)  # a 10-K: its cover
    if filing or note is not None:
        return filing or DocumentCard(path, note[0], note[1], (), _dates(text[:1500]), _file_words(path))
    title, title_end = _title(text)
    # The preamble ("This Agreement is made ... by and between") follows the title, maybe after contents.
    match = _PREAMBLE.search(text, title_end)
    start = match.start() if match and match.start() - title_end < 3000 else title_end
    end = _PREAMBLE_END.search(text, start + 1)
    preamble = text[start:end.start() if end else start + 2500][:2500]
    # Parties: the preamble's, else a cover page's ("AGREEMENT between A and B"); a paper has none.
    parties = (_parties(preamble) or _parties(text[title_end:title_end + 800])) if title or match else []
    dates = _dates(preamble) or _dates(text[:3000])[:2]  # undated preamble: the cover page's date
    return DocumentCard(path, title, _kind(title, parties), tuple(parties), dates, _file_words(path),
                        _also_titled(text, title, title_end, min(match.start() if match else len(text),
                                                                 title_end + 1500)))


def _also_titled(text: str, title: str, title_end: int, preamble: int) -> tuple[str, ...]:
    """Headings between the title and the preamble that name the same document more or less fully:
    a cover's "Project Cooperation Agreement" and the text's own "Cooperation Agreement" (not an
    exhibit's or a schedule's heading, which shares no more than the type)."""
    words = set(title.lower().split())
    found = []
    for piece in _PIECE.finditer(text[title_end:preamble]):
        heading = _DATED.sub("", _heading(piece.group())).strip()
        other = set(heading.lower().split())
        if heading and other != words and (other < words or words < other) and len(other & words) >= 2:
            found.append(heading)
    return tuple(dict.fromkeys(found))[:2]


# Lines, and in centred headings of text extracted from PDFs, runs of 3+ spaces, part pieces.
_PIECE = re.compile(r"[^\s](?:[^\n]*?[^\s])??(?=[ \t]{3,}|[ \t]*(?:\n|$))")


def _title(text: str) -> tuple[str, int]:
    """The title and where it ends: the first heading before the preamble that names a document
    type, else the "THIS SUPPLY AGREEMENT" of the preamble (made title case), else ("", 0)."""
    preamble = _PREAMBLE.search(text)
    limit = preamble.start() if preamble else min(len(text), 1500)
    pieces = list(_PIECE.finditer(text[:limit]))
    for i, piece in enumerate(pieces):
        found = _heading(piece.group())
        if found:
            return _whole_heading(found, pieces, i, text)
    match = re.search(rf"(?i:\bthis\s+)((?:{_WORD}\s+|{_SMALL}\s+){{1,12}}?{_TYPE}{_NUMBER}(?:\s+(?:to|TO)\s+(?:the"
                      rf"\s+|THE\s+)?(?:{_WORD}\s+|{_SMALL}\s+){{0,10}}?{_TYPE})?)", text[:3000])
    if match and not re.fullmatch(r"(?i)(?:this\s+)?agreement", match.group(1)):
        return _title_case(match.group(1)), match.end()
    return "", 0


def _whole_heading(found: str, pieces: list[re.Match], i: int, text: str) -> tuple[str, int]:
    """A heading broken over pieces made whole: "BROKER DEALER" / "MARKETING ... AGREEMENT" / "FOR ..."."""
    end, before = pieces[i].end(), (pieces[i - 1] if i else None)
    if before and "\n" not in text[before.end():pieces[i].start()] and not _EXHIBIT.match(before.group()) \
            and re.fullmatch(r"[A-Z&' -]{3,30}", before.group()) and not found.startswith(before.group()):
        found = f"{before.group()} {found}"
    while i + 1 < len(pieces) and len(found) < 150 and _continues(found, " ".join(pieces[i + 1].group().split())):
        i += 1
        found, end = f"{found} {' '.join(pieces[i].group().split())}", pieces[i].end()
    return _DATED.sub("", found), end


def _continues(heading: str, following: str) -> bool:
    """Whether the piece ``following`` continues ``heading``: after a dangling "TO", a piece that
    starts with one or is a note in brackets, or the document type the heading still lacks."""
    if len(following.split()) > (14 if re.match(r"(?i)(?:to|of|for)\b", following) else 8) \
            or _VERB.search(following) or _BOILERPLATE.search(following):
        return False
    return (heading.split()[-1].lower() in {"to", "of", "for", "the", "and"}
            or bool(re.match(r"(?i)(?:to|of|for|the|and)\b|\(.*\)$", following))
            or (not re.search(_TYPE + r"\W*$", heading) and bool(re.search(_TYPE, following))))


def _heading(line: str) -> str:
    """The title a heading line gives, or ''. A short line is the title whole ("AIRSOPURE FRANCHISE
    AGREEMENT"); in a long one (a page flattened to one line) the title phrase is cut out of it."""
    line = _EXHIBIT.sub("", " ".join(line.split())).strip()
    if not line or _ATTACHMENT.match(line):
        return ""
    if len(line.split()) <= 14 and not _BOILERPLATE.search(line) and line[0].isupper() and '"' not in line \
            and re.search(_TYPE_ANY_CASE, line) and not _VERB.search(line) and not _FIELD.search(line):
        return line.rstrip(",;:")
    for match in _TITLE.finditer(line):
        words = match.group().split()
        # Drop what comes before the end of a sentence or a verb ("... DISCLOSED. SERVICES AGREEMENT").
        cut = max((i + 1 for i, w in enumerate(words[:-1]) if _VERB.fullmatch(w) or (
            re.search(r"[a-z]{2,}\.$|[A-Z]{3,}\.$|[:;]$", w) and w.upper() not in _ABBREVIATIONS)), default=0)
        while cut < len(words) - 1 and words[cut].lower() in _SMALL_WORDS:
            cut += 1
        title = _EXHIBIT.sub("", " ".join(words[cut:]))
        if len(title.split()) >= 2 and not _BOILERPLATE.search(title) and title.lower() != "this agreement" \
                and not re.match(r"\s*(?:No\.?|NO\.?|Number)?\s*[:：]", line[match.end():]):  # "Contract No.: 1"
            return title
    return ""


def _title_case(phrase: str) -> str:  # "SUPPLY AGREEMENT" → "Supply Agreement"; "Supply Agreement" kept
    words = phrase.split()
    return " ".join(words) if not phrase.isupper() else " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def _kind(title: str, parties: list[Party]) -> str:
    """The document type in lower case, from the title: "AIRSOPURE FRANCHISE AGREEMENT" → "franchise agreement"."""
    kind = re.sub(r"\([^)]*\)|®|™", " ", title.lower())
    if re.match(r"(?:\w+\s+)?amend(?:ment)?\b", kind):
        return "amendment"
    kind = re.sub(r"^(?:the\s+|form\s+of\s+|amended\s+and\s+restated\s+|restated\s+)+", "", " ".join(kind.split()))
    names = {w for p in parties for n in (p.name, *p.short_names) for w in re.findall(r"[\w'-]+", n.lower())}
    words = kind.split()
    while len(words) > 2 and words[0].strip(",.") in names:
        words = words[1:]
    # What follows the type names one document, not a type: "... agreement on mobile game business".
    kind = re.sub(rf"\b({alternation(KIND_NOUNS)})\b.*", r"\1", " ".join(words))
    return kind.strip(" ,")


_DEFINITION = re.compile(r"\((?:[^()\"]|\([^()]*\))*\"(?:[^()]|\([^()]*\))*\)|\((?:as|the)\s+[A-Z][\w ]{1,30}\)"
                         r"|\b(?i:hereinafter|referred to|called)\b[^\"()]{0,40}\"[^\"]{1,60}\""
                         r"(?:\s*(?:or|and|,)\s*\"[^\"]{1,60}\")*")
_NOT_A_NAME_START = re.compile(r"(?i)(?:each|either|both|all|this|such|capitalized|in|as|for|whereas|now|recitals|"
                               r"the|on|under|pursuant|and|or|by|section|series|exchange)(?:\W*$|\W+(?:the|whereas)\b)"
                               r"|(?:Each|Either|Both|All|This|Such|Capitalized|WHEREAS|NOW|RECITALS|Section)\b")
_ROLES = {"company", "consultant", "client", "developer", "customer", "supplier", "distributor", "licensor", "licensee",
          "contractor", "seller", "buyer", "purchaser", "vendor", "agent", "franchisee", "franchisor", "reseller"}
_PRONOUNS = {"we", "us", "our", "you", "your"}
_NOT_A_NAME = re.compile(
    r"(?i)^(?:(?:this|the)\s+)?(?:agreement|amendment|party|parties|effective date|.*\bdate|we|us|our|you|your|"
    r"collectively|each|either|both|all|lease|services?|products?|territory|contract|affiliates?)$")
_CONNECTOR = re.compile(r"(?i)^(?:[\s,;:).-]|\b(?:and|or|by|between|among|with)\b|\([a-z0-9]{1,3}\))+")
_DESCRIPTOR = re.compile(
    r",?\s+(?:a|an)\s+(?!\w+\s*\")|,?\s+(?:with|having|whose|which|located|organized|organised|incorporated|existing|"
    r"acting|on behalf|represented|residing|domiciled|headquartered|its|that|who|as|and its|and their|and/or)\b|"
    r",\s+(?:of|at|in)\s|,\s+(?:[A-Z][\w.'-]*\s+){0,3}\d{1,5}\b|\s+of\s+\d|\s+\((?!\w+\))|,?\s+\d{2,}\s+[A-Z]"
    r"|,?\s+c/o\b|\s+\[\w+\]|,\s*$|\s+(?:Address|Tel|Attention|Contact|Legal Representative)\b|\s{3,}"
    r"|(?<=\b(?:Inc|Ltd|LLC|plc|PLC|INC|LTD))\.?,\s+(?=[A-Z])|(?<=\b(?:Corp|CORP|GmbH))\.?,\s+(?=[A-Z])")
_BEFORE_A_NAME = r",\s*and\s+|\band\s+|;\s*(?:and\s+)?|\([a-z0-9]{1,3}\)\s*"  # "and ", "; ", "(b) "
_NAME_START = re.compile(rf"(?:{_BEFORE_A_NAME})(?=[A-Z0-9\[])")
# Where the last name of a segment that does not start with one begins: after "and" (not inside a
# name: "Securities and Exchange Commission"), a line "AND:" between two parties, or the party a
# letter agreement is "with".
_LAST_NAME_START = re.compile(rf"(?:{_BEFORE_A_NAME}|\bAND:\s+|\bagreements?\s+with\s+)(?=[A-Z0-9\[])")
_INSIDE_A_NAME = re.compile(r"\b[A-Z][\w.'&-]*\s+and\s+$")  # "Securities and " (Exchange Commission)
_COMPANY = re.compile(r"(?i)\b(?:inc|corp|corporation|company|co|llc|l\.l\.c|ltd|limited|lp|l\.p|llp|gmbh|ag|s\.a|sa"
                      r"|n\.v|b\.v|plc|pte|bank|trust|association|group|holdings|partners|fund)\b\.?$")
_SMALL_NAME_WORDS = {"and", "of", "the", "de", "du", "la", "des", "der", "for", "d/b/a", "dba", "y", "et", "van", "von"}
_SENTENCE_END = re.compile(r"(?<=[a-z]{2})\.\s+(?=[A-Z])|\.\s*\n\s*\n(?=\s*[A-Z][a-z])")
_NEXT_LABEL = r"\bParty\s+[A-Z0-9](?:\s*\([A-Z][\w ]{1,30}\))?\s*[:：]"
# "Party A (Shipper): ZTO Express Co., Ltd. Address: ...", up to the next party's label on the same line
_LABELLED = re.compile(r"\b(Party\s+[A-Z0-9])(?:\s*\(([A-Z][\w ]{1,30})\))?\s*[:：]\s*"
                       rf"([A-Z](?:(?!{_NEXT_LABEL})[^\n]){{2,150}})")
_BETWEEN = re.compile(r"(?i)\b(?:between|among)\b(?!\s+(?:the\s+)?(?:parties|them))(?:\s*:)?|\bladies and gentlemen\b:?"
                      r"|\b(?:made|entered\s+into)\b[^.;]{0,60}?\bby\b(?!\s+and\b)")  # "entered into by A and B"


def _parties(preamble: str) -> list[Party]:
    """The parties of a preamble: each name followed by its defined short name(s), the "Party A:
    name" lines, else the names of its "between A and B" (a preamble that defines none)."""
    between = _BETWEEN.search(preamble)
    region = preamble[between.end():] if between else preamble
    # The parties are named in the first sentence that defines names; later ones name other things.
    first = _DEFINITION.search(region)
    end = _SENTENCE_END.search(region, first.start()) if first else None
    region = region[:end.start()] if end else region
    parties: list[Party] = []
    previous = 0
    for definition in _DEFINITION.finditer(region):
        segment = region[previous:definition.start()]
        previous = definition.end()
        quoted = re.findall(r"\"([^\"]{1,60})\"", definition.group()) or re.findall(r"(?:as|the)\s+(.+)\)",
                                                                                    definition.group())
        shorts = tuple(s for s in map(_short, quoted) if s)
        if not shorts and not _PRONOUNS & {q.lower() for q in quoted}:
            continue
        names = _segment_names(segment)
        for name in names:
            _merge(parties, Party(name, shorts))
        if not names and parties and not segment.strip(" ,;\n"):
            parties[-1] = Party(parties[-1].name, _unique(parties[-1].short_names + shorts))
    for match in _LABELLED.finditer(preamble):  # "Party A (Shipper): ZTO Express Co., Ltd. Address: ..."
        _merge(parties, Party(_clean_name(match.group(3)), tuple(filter(None, match.group(1, 2)))))
    if len(parties) < 2 and between:
        for name in _listed_names(region):
            _merge(parties, Party(name))
    return [p for p in parties if p.name]


def _short(quoted: str) -> str:
    short = re.sub(r"^(?:the|this)\s+", "", " ".join(quoted.split()), flags=re.I).strip(" ,.")
    return "" if not short or _NOT_A_NAME.match(short) else short


def _segment_names(segment: str) -> list[str]:
    """The party names in the text before a definition: at its start ("and ACME Corp., a Delaware
    corporation, at ..."), else after its last "and" when it starts by describing the party before ("),
    a Nevada corporation, and The Deerskin Companies, Inc."), and a second company ("A Ltd ... and B Ltd")."""
    segment = re.sub(r"^\s*(?:this|the)\b.*?\b(?:by|between|among)\b", "", segment, flags=re.I | re.S)
    rest = _CONNECTOR.sub("", segment, count=1).lstrip()
    starts = list(_NAME_START.finditer(segment))
    named = re.match(r"[A-Z0-9\[]|[a-z]+[\dA-Z-]", rest)  # "Acme", "[***]", "i3 Solutions", "bw-3 Systems"
    first = _clean_name(rest) if named else ""
    # not a name ("On the one part, AND: ..."), or an address left from the party before
    if not first or (re.match(r"\d+\s+[A-Z]", rest) and starts):
        last = [m for m in _LAST_NAME_START.finditer(segment) if not _INSIDE_A_NAME.search(segment, 0, m.end())]
        return [_clean_name(segment[last[-1].end():])] if last else []
    names = [first]
    for start in starts:
        other = _clean_name(segment[start.end():])
        if other and _COMPANY.search(other) and start.start() > len(segment) - len(rest) + len(names[0]):
            names.append(other)
    return [name for name in names if name]


def _clean_name(text: str) -> str:
    text = " ".join(re.split(r"\n\s*\n", text.strip()[:300], maxsplit=1)[0].split())  # a name is short
    cut = _DESCRIPTOR.search(text)
    name = (text[:cut.start()] if cut else text).strip(" ,;:")
    name = name.rsplit(": ", 1)[-1]  # a form's label before the name: "Client Name: MEDICAL MANAGER MIDWEST"
    # A name is capitalised words ("Savings and Loan Association"), up to another lower-case word ("X, director").
    words = name.split()
    lower = next((i for i, w in enumerate(words) if i and w.isalpha() and w.islower()
                  and w not in _SMALL_NAME_WORDS), len(words))
    name = " ".join(words[:lower]).strip(" ,;:")
    name = re.sub(r"(?:\s+(?:and|of|the|for|&))+$", "", name)
    if len(name) > 100 or len(name.split()) > 12 or _NOT_A_NAME.match(name) or _NOT_A_NAME_START.match(name) \
            or _VERB.search(name) or re.search(rf"\b{_MONTH}\s+\d", name) or not re.search(r"[^\W\d_]{2}", name):
        return ""
    return name


def _listed_names(region: str) -> list[str]:
    """The names of "A, a Delaware corporation, and B" up to the end of its clause."""
    end = re.search(rf"(?i)(?-i:[;]\s+[A-Z]|(?<=[a-z]{{2}})\.\s+[A-Z])|\b(?:dated|effective|as of|for the|with respect|"
                    rf"whereby|in connection|relating|pursuant|is made|are)\b|\b{_MONTH}\s+\d|\n[ \t]*\n[ \t]*\n"
                    rf"|(?-i:TABLE OF CONTENTS|ARTICLE)", region)
    clause = region[:end.start() if end else 400][:400]
    pieces = re.split(r",?\s+and\s+|;\s*|,?\s+AND\s+|\s+And\s+(?=[A-Z])", clause.strip())
    return [name for name in (_clean_name(_CONNECTOR.sub("", p).lstrip()) for p in pieces)
            if name and name[0].isupper() and name.lower() not in _ROLES]


def _merge(parties: list[Party], party: Party) -> None:
    """Adds ``party``, or its short names to a party already listed under the same name."""
    for i, known in enumerate(parties):
        if re.sub(r"\W+", "", known.name.lower()) == re.sub(r"\W+", "", party.name.lower()):
            parties[i] = Party(known.name, _unique(known.short_names + party.short_names))
            return
    parties.append(party)


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# Days as OCR and typing leave them too: "1s t", "(1st)", "___", "[•]".
_DAY = r"(?:\(?\d{1,2}(?:\s?(?:s\s?t|n\s?d|r\s?d|t\s?h))?\)?|_++|\[[^\]\w]{0,3}\])"  # _++: no backtracking
_DATE = re.compile(
    rf"(?i)(?:\b(?:the|this)\s+)?{_DAY}\s+day\s+of\s+(?:{_MONTH}|{_DAY})(?:\s*,?\s*(?:\d{{4}}|\d{{2}}_++|_++))?"
    rf"|\b{_MONTH}\s+{_DAY}\s*,?\s*\d{{4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s*\d{{4}}\b"
    rf"|\b{_MONTH}\s*,?\s+\d{{4}}\b|\b\d{{1,2}}([/-])\d{{1,2}}\1\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\[[^\]\w]{{0,3}}\],\s*\d{{4}}|_{{3,}}+\s+_++,\s*\d{{4}}")


def _dates(text: str) -> tuple[str, ...]:
    return _unique(tuple(" ".join(m.group().split()) for m in _DATE.finditer(text)))  # as written


_EXTENSIONS = {"pdf", "txt", "doc", "docx", "md", "html", "htm", "eml", "msg", "mbox", "rtf", "odt", "xlsx", "csv"}


def _file_words(path: str) -> tuple[str, ...]:
    """The lower-case words of the file's name (the inner document's for ``file › inner.pdf``), split
    at non-alphanumerics and camelCase or letter-digit changes: "2ThemartComInc_EX-10.10" → 2, themart, ..."""
    name = PurePath(document_name(path).replace("\\", "/")).name
    words: list[str] = []
    for word in re.findall(r"[^\W\d_]+|\d+", name):
        # camelCase splits: "BioManufacturing" → Bio, Manufacturing; "PDFFile" → PDF, File; not "LECLANCHÉ".
        start = 0
        for i in range(1, len(word)):
            if word[i].isupper() and (word[i - 1].islower() or word[i + 1:i + 2].islower()):
                words.append(word[start:i])
                start = i
        words.append(word[start:])
    return _unique(tuple(w.lower() for w in words if w.lower() not in _EXTENSIONS))  # "pdf", "txt" name nothing
