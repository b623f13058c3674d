"""A 10-K as filed, for the tests of filings' figures (issue 25): a cover the filing reader knows,
statements with their unit line and years, one of them continued on the next page."""

from __future__ import annotations

from pathlib import Path

from support import statement_page

TEN_K_COVER = ("UNITED STATES SECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\nFORM 10-K\n"
               "ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n"
               "For the fiscal year ended December 31, {year}\nCommission File Number: 1-4321\n{company}\n"
               "(Exact name of registrant as specified in its charter)\n")
TEN_K_INCOME = [("Net sales", ("34,229", "35,355")), ("Cost of sales", ("19,232", "18,795")),
                ("Selling, general and administrative expenses", ("7,197", "7,197")),
                ("Research, development and related expenses", ("1,862", "1,994")),
                ("Operating income", ("6,539", "7,369")), ("Interest expense", ("(462)", "(488)")),
                ("Net income", ("5,777", "5,921"))]
TEN_K_OPERATING = [("Cash Flows from Operating Activities", None), ("Net income", ("5,777", "5,921")),
                   ("Depreciation and amortization", ("1,831", "1,915")), ("Deferred income taxes", ("(663)", "(166)")),
                   ("Accounts receivable", ("(105)", "(122)")), ("Accounts payable", ("111", "518")),
                   ("Net cash provided by operating activities", ("5,591", "7,454"))]
TEN_K_INVESTING = [("Cash Flows from Investing Activities", None),
                   ("Purchases of property, plant and equipment (PP&E)", ("(1,749)", "(1,603)")),
                   ("Proceeds from sale of businesses", ("13", "576")),
                   ("Purchases of marketable securities", ("(3,453)", "(2,886)")),
                   ("Proceeds from maturities of marketable securities", ("3,011", "2,890")),
                   ("Net cash used in investing activities", ("(1,046)", "(1,317)")),
                   ("Cash Flows from Financing Activities", None), ("Dividends paid", ("(3,369)", "(3,420)"))]


def _ten_k_statement(pdf, company: str, title: str, years, rows) -> None:
    """A statement's page; without ``title``, the page it continues on (no title, no headers)."""
    statement_page(pdf, (company, title) if title else (), "(Millions, except per share amounts)", years, rows)


def write_10k(path: Path, year: int, scale: int = 1, company: str = "Northwind Traders, Inc.",
              notes: str = "") -> Path:
    """A 10-K: its cover, the income statement (page 2), and a cash-flow statement spread over
    pages 3 and 4 with its title and column headers on the first only; ``notes``: a page of prose
    after them (page 5). ``scale``: every 1 of the figures written as that digit, so two years'
    filings differ."""
    from fpdf import FPDF

    def scaled(rows):
        return [(label, tuple(c.replace("1", str(scale)) for c in cells) if cells else None) for label, cells in rows]

    years = (str(year), str(year - 1))
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 6, TEN_K_COVER.format(year=year, company=company.upper()))
    _ten_k_statement(pdf, company, "Consolidated Statement of Income", years, scaled(TEN_K_INCOME))
    _ten_k_statement(pdf, company, "Consolidated Statement of Cash Flows", years, scaled(TEN_K_OPERATING))
    _ten_k_statement(pdf, company, "", years, scaled(TEN_K_INVESTING))
    if notes:
        pdf.add_page()
        pdf.multi_cell(0, 5, notes)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
