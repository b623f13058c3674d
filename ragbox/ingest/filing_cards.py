"""Cards of SEC filings (10-K, 10-Q, 20-F, 8-K): the company, its ticker, the form and the fiscal
period, read from the cover page (issue 25), so "3M's FY2018 capex" names the 2018 10-K of 3M.

The cover page is a form: "FORM 10-K", "For the fiscal year ended December 31, 2018", the name
above "(Exact name of registrant as specified in its charter)" (or, where the cover prints no such
label, the capitalised name after the Commission File Number), and the "Trading Symbol(s)" column.
Text extracted from PDFs breaks it anywhere ("December 31\\n, 2018", "MGM R ESORTS"), so it is read
with every run of whitespace made one space.

The card reuses the fields every card has: ``title`` "Form 10-K for the fiscal year ended December
31, 2018", ``kind`` the form ("10-k"), ``parties`` the company with its ticker as a short name, and
``dates`` the period's end as printed, then the fiscal years its statements cover as "FY2018"
("FY2018", "FY2017", "FY2016" for a 10-K: its own year first; see ``fiscal_years_of``).
"""

from __future__ import annotations

import re

from ragbox.document_cards import DocumentCard, Party

COVER_CHARS = 4000  # the cover page: the form, the period and the registrant are on it
YEARS_COVERED = 3  # a 10-K's income and cash-flow statements: its year and the two before
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = re.compile(rf"(?i)\b({_MONTH})\s*(\d{{1,2}})\s*,\s*((?:19|20)\d\d)\b")
_FORM = re.compile(r"(?i)\bFORM\s*(10-?K|10-?Q|20-?F|40-?F|8-?K)\b")
# The cover's check box line, as PDFs break it too ("PURS UANT"): a contract citing a 10-K has none.
_SEC = re.compile(r"(?i)report\s+" + r"\s?".join("pursuant") + r"\s+to\s+section\s+1[35]")
_PERIOD = re.compile(r"(?i)(?<![a-z])for\s+the\s+(fiscal\s+year|quarterly\s+period|year|period)\s+ended\b")
_REGISTRANT = re.compile(r"(?i)\(?\s*exact\s+name\s+of\s+regis")
# What precedes the registrant's name on the cover: the file number, a rule, a date, a bracket.
_BEFORE_NAME = re.compile(r"(?i)_{3,}|-{3,}|\b\d{1,4}-\d{3,6}\b|\b(?:19|20)\d\d\b\)?|\)|\bcommission\s+file\s+"
                          r"(?:number|no\.?)\s*:?")
_FILE_NUMBER = re.compile(r"(?i)\bcommission\s+file\s+(?:number|no\.?)\s*:?\s*[\d-]+\s+")
_CORPORATE_END = re.compile(r"(?i)\b(?:inc|incorporated|corporation|corp|company|co|plc|ltd|limited|llc|n\.v|s\.a"
                            r"|ag|se|group|holdings)\b\.?")
_CAPITALS = re.compile(r"(?:[A-Z0-9][A-Z0-9&.,'-]*+(?![a-z])\s?)+")  # up to "Delaware", not its "D"
_TICKER_COLUMN = re.compile(r"(?i)trading\s+symbols?(?:\s*\(s\))?")
_NOT_TICKERS = {"NYSE", "NASDAQ", "LLC", "THE", "NEW", "YORK", "STOCK", "EXCHANGE", "INC", "CO", "USD", "NONE",
                "ADS", "ADR", "PAR", "VALUE", "LSE", "NA", "N", "OF", "AND", "SHARE", "SHARES", "COMMON", "PLC"}
_KINDS = {"10-K": "10-k", "10-Q": "10-q", "20-F": "20-f", "40-F": "40-f", "8-K": "8-k"}


def filing_card(path: str, head: str, file_words: tuple[str, ...]) -> DocumentCard | None:
    """The card of a filing from ``head`` (its opening text), or None when it has no SEC cover page."""
    cover = re.sub(r"\s+,", ",", " ".join(head[:COVER_CHARS].split()))
    form = _FORM.search(cover)
    if not form or form.start() > COVER_CHARS // 2 or not _SEC.search(cover):
        return _annual_report_card(path, head, file_words)
    name = re.sub(r"-?(\w)$", r"-\1", form.group(1).upper())  # "10K" → "10-K"
    period, ended = _period(cover)
    company = _company(cover)
    ticker = _ticker(cover)
    parties = (Party(company, (ticker,) if ticker else ()),) if company else ()
    title = f"Form {name} for the {period} ended {ended}" if ended else f"Form {name}"
    years = fiscal_years_of(name, ended, head)
    return DocumentCard(path, title, _KINDS[name], parties, ((ended,) if ended else ()) + years, file_words)


def _period(cover: str) -> tuple[str, str]:
    """("fiscal year", "December 31, 2018") from "For the fiscal year ended December 31 , 2018"; a
    date within a few words of "ended" (a flattened cover may put "Commission file" between)."""
    for match in _PERIOD.finditer(cover):
        date = _DATE.search(cover, match.end(), match.end() + 40)
        if date:
            kind = " ".join(match.group(1).lower().split())
            return ("fiscal year" if kind == "year" else kind), f"{date.group(1).capitalize()} {int(date.group(2))}, " \
                                                                f"{date.group(3)}"
    return "", ""


def fiscal_years_of(form: str, ended: str, head: str = "") -> tuple[str, ...]:
    """The fiscal years a filing's statements cover, as "FY2018", its own first. A year ending in
    the first days of January is the year before (52/53-week years: Johnson & Johnson's fiscal 2022
    ended January 1, 2023). A quarter's fiscal year is named in the text ("fiscal 2024") or else
    taken as the calendar year, with the next one too (a fiscal year ending in January to June holds
    the quarter ended July 29, 2023: Best Buy's Q2 FY2024); a quarter ended in December, the next."""
    date = _DATE.search(ended)
    if not date:
        return ()
    year = int(date.group(3))
    month = date.group(1)[:3].lower()
    if month == "jan" and int(date.group(2)) <= 7:
        year -= 1
    if form == "10-Q":
        named = re.findall(r"(?i)\bfiscal\s+(?:year\s+)?((?:19|20)\d\d)\b", head)
        if named:
            return (f"FY{max(set(named), key=named.count)}",)
        # A quarter ended in December is never the last of a fiscal year (that one is in the 10-K).
        return (f"FY{year + 1}",) if month == "dec" else (f"FY{year}", f"FY{year + 1}")
    if form == "8-K":
        return ()
    return tuple(f"FY{year - i}" for i in range(YEARS_COVERED))


def _company(cover: str) -> str:
    """The registrant: the words before "(Exact name of registrant ...)" back to the file number,
    a rule or a date; else the capitalised words after the file number, to a corporate suffix."""
    label = _REGISTRANT.search(cover)
    name = ""
    if label:
        before = cover[max(0, label.start() - 150):label.start()]
        cuts = list(_BEFORE_NAME.finditer(before))
        name = before[cuts[-1].end():] if cuts else before
    if not name.strip(" .,_-"):
        after = _FILE_NUMBER.search(cover)
        run = _CAPITALS.match(cover, after.end()) if after else None
        name = run.group() if run else ""
        end = _CORPORATE_END.search(name)
        name = name[:end.end()] if end else name
    name = re.sub(r"\b([A-Z]) ([A-Z]{2,})\b", r"\1\2", name)  # "MGM R ESORTS I NTERNATIONAL"
    name = re.sub(r"\s+([.,])", r"\1", name).strip(" ,;:_-")
    return name if 2 <= len(name) <= 80 and re.search(r"[^\W\d_]", name) else ""


def _ticker(cover: str) -> str:
    """The first symbol in the "Trading Symbol(s)" column: "Common Stock, Par Value $.01 Per Share MMM"."""
    column = _TICKER_COLUMN.search(cover)
    if not column:
        return ""
    rows = cover[column.end():column.end() + 300]
    rows = re.sub(r"(?i)^.*?\bregistered\b", "", rows, count=1)
    rows = re.split(r"(?i)securities\s+registered|indicate\b", rows)[0]  # the column's rows only
    for match in re.finditer(r"(?<![\w$.-])([A-Z]{1,5})(?![\w.-])", rows):
        before = rows[max(0, match.start() - 8):match.start()]
        if match.group(1) not in _NOT_TICKERS and not re.search(r"(?i)(?:class|series)\s+$", before):
            return match.group(1)
    return ""


# An annual report outside the SEC's forms: a heading "Annual Report 2022" (or "2022 Annual
# Report", "Annual Report and Accounts 2022") on its own line near the start, the company the first
# name there ending in a corporate word, the year's end "for the year ended 31 December 2022".
_ANNUAL_HEADING = re.compile(r"(?im)^[ \t]*(?:[^\n]{0,60}?[ \t])?(?:annual[ \t]+report(?:[ \t]+and[ \t]+"
                             r"(?:accounts|financial[ \t]+statements))?[ \t]+((?:19|20)\d\d)"
                             r"|((?:19|20)\d\d)[ \t]+annual[ \t]+report)[ \t]*$")
_YEAR_ENDED = re.compile(rf"(?i)\byear\s+ended\s+(?:on\s+)?(\d{{1,2}})\s+({_MONTH})\s+((?:19|20)\d\d)\b"
                         rf"|\byear\s+ended\s+(?:on\s+)?({_MONTH}\s+\d{{1,2}}\s*,\s*(?:19|20)\d\d)\b")
_NAMED_COMPANY = re.compile(r"\b((?:[A-Z][\w&'.-]*\s+){0,4}(?:plc|PLC|Inc\.|AG|SE|N\.V\.|S\.A\.|Limited|Ltd\.?"
                            r"|Group|Corporation|Company|Holdings))(?![\w-])")


def _annual_report_card(path: str, head: str, file_words: tuple[str, ...]) -> DocumentCard | None:
    """The card of an annual report that is no SEC form (see ``_ANNUAL_HEADING``), or None."""
    heading = _ANNUAL_HEADING.search(head[:1000])
    if not heading:
        return None
    ended_match = _YEAR_ENDED.search(head)
    ended = ""
    if ended_match:  # "31 December 2022" written as the SEC's covers write it
        day, month, year, written = ended_match.groups()
        ended = written or f"{month.capitalize()} {int(day)}, {year}"
    years = fiscal_years_of("10-K", ended) or (f"FY{heading.group(1) or heading.group(2)}",)
    company = _NAMED_COMPANY.search(head[:1000])
    parties = (Party(" ".join(company.group(1).split())),) if company else ()
    title = " ".join(heading.group().split())
    return DocumentCard(path, title, "annual report", parties, ((ended,) if ended else ()) + years, file_words)
