"""Helpers shared by the tests (imported by name; conftest.py holds only fixtures)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DOCS = REPO / "sample_docs"
FIXTURES = REPO / "tests" / "fixtures"
NDA = SAMPLE_DOCS / "contracts" / "mutual_nda_northwind_bluefin.pdf"
MSA = SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf"


class CountingEmbedder:
    """Wraps the real embedder to count what gets embedded."""

    def __init__(self, inner):
        self.inner = inner
        self.model_id = inner.model_id
        self.tokenizer = inner.tokenizer
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)


def store_state(engine) -> dict:
    """Everything observable about an index, for comparing two of them (paths made relative)."""
    catalog = engine.catalog
    state = {}
    for doc in catalog.documents(state=None):
        state[Path(doc.path).name] = (
            doc.state, doc.content_hash, doc.pages,
            tuple((c.page, c.char_start, c.char_end, c.text) for c in catalog.chunks_of(doc.doc_id)),
        )
    return state


def assert_consistent(engine) -> None:
    """Catalog and vector store agree exactly: no orphan, missing or duplicate chunks."""
    catalog_ids = []
    for doc in engine.catalog.documents(state=None):
        assert doc.state == "ready", f"{doc.path} left in state {doc.state}"
        ids = engine.catalog.chunk_ids(doc.doc_id)
        assert len(ids) == doc.chunks
        catalog_ids.extend(ids)
    vector_ids = engine.vectors.all_ids()
    assert len(vector_ids) == len(set(vector_ids))
    assert sorted(vector_ids) == sorted(catalog_ids)
    paths = [d.path for d in engine.catalog.documents()]
    assert len(paths) == len(set(paths)), "a path is indexed twice"


# A cash-flow statement as annual reports print it: a title, a header of years, row groups.
CASH_FLOW_ROWS = [
    ("Cash Flows from Operating Activities", None),
    ("Net income", ("5,791", "5,929", "5,453")),
    ("Depreciation and amortization", ("1,831", "1,915", "1,911")),
    ("Net cash provided by operating activities", ("5,591", "7,454", "8,113")),
    ("Cash Flows from Investing Activities", None),
    ("Purchases of property, plant and equipment", ("(1,749)", "(1,603)", "(1,501)")),
    ("Proceeds from sale of businesses", ("13", "-", "576")),
    ("Net cash used in investing activities", ("(1,046)", "(1,317)", "(580)")),
    ("Cash Flows from Financing Activities", None),
    ("Dividends paid to shareholders", ("(3,369)", "(3,420)", "(3,388)")),
    ("Purchases of treasury stock", ("(1,464)", "(2,199)", "(368)")),
]


def write_annual_report(path: Path, company: str = "Northwind Widgets Inc.", years=("2022", "2021", "2020"),
                        rows=CASH_FLOW_ROWS) -> Path:
    """A three-page PDF report: prose, the consolidated statement of cash flows, prose."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 5, f"{company} annual report. The company designs and sells widgets in forty "
                         "countries through distributors and its own stores. " * 5)
    pdf.add_page()
    for line in (company, "Consolidated Statement of Cash Flows", "Years ended December 31"):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(100, 6, "(Millions)")
    for year in years:
        pdf.cell(30, 6, year, align="R")
    pdf.ln()
    for label, cells in rows:
        pdf.cell(100, 6, label)
        for cell in cells or ():
            pdf.cell(30, 6, cell, align="R")
        pdf.ln()
    pdf.add_page()
    pdf.multi_cell(0, 5, "Risk factors. Demand for widgets may fall when the economy slows down and "
                         "competitors lower their prices. " * 5)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


FEE_SCHEDULE_MD = """# Fee schedule

The fees below apply from 1 January 2025.

## Service fees

| Fee | Amount | Due |
|---|---|---|
| Onboarding | 1,200 EUR | on signature |
| Monthly support | 450 EUR | first day of each month |
| Emergency call-out | 300 EUR | within 30 days of the call |
| Data export | 90 EUR | on delivery |

Late payment interest is 8% a year.
"""
