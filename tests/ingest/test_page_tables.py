"""Tables: recognised in PDF layout text and Markdown pipe rows, chunked by rows, headers as context."""

import pytest
from pypdf import PdfReader

from ragbox.bundled import embedding_model_dir
from ragbox.ingest.chunking import Chunker, embedding_input
from ragbox.ingest.loaders import load
from ragbox.ingest.loaders.pdf import looks_tabular
from ragbox.ingest.page_tables import find_tables, page_title, running_lines
from ragbox.store.tokens import ModelTokenizer
from ragbox.types import Page

from support import FEE_SCHEDULE_MD, NDA, write_annual_report

STATEMENT = "Consolidated Statement of Cash Flows"
CAPEX_ROW = "Purchases of property, plant and equipment  (1,749)  (1,603)  (1,501)"


@pytest.fixture(scope="module")
def tokenizer():
    return ModelTokenizer(embedding_model_dir())


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return write_annual_report(tmp_path_factory.mktemp("report") / "Northwind_2022_10K.pdf")


def test_a_statement_page_is_read_row_by_row_and_prose_pages_as_before(report):
    pages = load(report).pages
    plain = [p.extract_text() for p in PdfReader(report).pages]
    assert pages[0].text == plain[0] and pages[2].text == plain[2]  # prose: extract_text() exactly
    assert looks_tabular(plain[1]) and not looks_tabular(plain[0])
    assert CAPEX_ROW in pages[1].text.splitlines()  # layout mode: the row's cells on its line
    assert load(report).pages == pages  # the same text every time: offsets stay valid


def test_table_rows_are_chunked_whole_with_title_header_and_group_as_context(report, tokenizer):
    pages = load(report).pages
    chunks = Chunker(tokenizer, 40, 10).chunk_pages(pages)
    by_page = {p.number: p.text for p in pages}
    for chunk in chunks:
        assert by_page[chunk.page][chunk.char_start:chunk.char_end] == chunk.text
    rows = [c for c in chunks if c.page == 2 and "(1,749)" in c.text]
    assert len(rows) == 1
    row = rows[0]
    assert CAPEX_ROW in row.text.splitlines()
    assert STATEMENT not in row.text and "2021" not in row.text
    assert row.context.splitlines() == ["Northwind Widgets Inc.", STATEMENT, "Years ended December 31",
                                        "(Millions) | 2022 | 2021 | 2020", "Cash Flows from Investing Activities"]
    assert embedding_input(row) == f"{row.context}\n{row.text}"
    text = by_page[2]
    table_chunks = [c for c in chunks if c.page == 2 and c.context]
    for chunk in table_chunks:  # a table chunk starts and ends at a line: no row is cut
        assert chunk.char_start == 0 or text[chunk.char_start - 1] == "\n"
        assert chunk.char_end == len(text) or text[chunk.char_end] == "\n"
    assert all(not c.context for c in chunks if c.page == 1)  # prose without a title line


def test_pipe_rows_from_markdown_carry_the_header(tmp_path, tokenizer):
    path = tmp_path / "fees.md"
    path.write_text(FEE_SCHEDULE_MD)
    page = load(path).pages[0]
    chunks = Chunker(tokenizer, 30, 8).chunk_pages([page])
    rows = [c for c in chunks if c.text.startswith("| ")]
    assert rows and all(c.context == "Service fees\nFee | Amount | Due" for c in rows)
    assert any("| Emergency call-out | 300 EUR | within 30 days of the call |" in c.text for c in rows)
    assert all(c.text.endswith("|") and "Late payment" not in c.text for c in rows)  # never mixed with prose
    prose = [c for c in chunks if "Late payment" in c.text]
    assert prose and prose[0].context == ""
    for chunk in chunks:
        assert page.text[chunk.char_start:chunk.char_end] == chunk.text


def test_aligned_table_in_a_text_file(tokenizer):
    text = ("Payment schedule\n\n"
            "(EUR thousands)  2024  2025\n"
            "Licence fee  120  130\n"
            "Support fee  40  45\n"
            "Training  10  -\n\n"
            "All amounts are due within thirty days of the invoice.\n")
    tables = find_tables(text)
    assert len(tables) == 1 and tables[0].header == "(EUR thousands) | 2024 | 2025"
    assert [text[s:e] for s, e in tables[0].rows] == ["Licence fee  120  130", "Support fee  40  45", "Training  10  -"]
    chunks = Chunker(tokenizer, 96, 24).chunk_pages([Page(None, text)])
    row_chunk = next(c for c in chunks if "Support fee" in c.text)
    # the rows are cut apart from the prose after them; the whole small table (its title and
    # header included) fits one chunk, so the header is in its text, not its context
    assert (row_chunk.context, row_chunk.text) == ("", "Payment schedule\n\n(EUR thousands)  2024  2025\n"
                                                       "Licence fee  120  130\nSupport fee  40  45\nTraining  10  -")
    small = Chunker(tokenizer, 12, 2).chunk_pages([Page(None, text)])  # the header in a chunk of its own
    rows = next(c for c in small if c.text.startswith("Licence fee"))
    assert rows.context == "(EUR thousands) | 2024 | 2025" and rows.text.endswith("Training  10  -")


def test_prose_is_no_table_and_titles_skip_running_headers(tokenizer):
    assert find_tables("The parties agree that the fee of 1,200 EUR is due on 1 March 2025 and 300 EUR later.") == []
    pages = [f"Table of Contents\nAcme Corp\nNotes to the accounts {n}\nText of page {n} follows here."
             for n in range(6)]
    running = running_lines(pages)
    assert "Table of Contents" in running and "Acme Corp" in running
    assert page_title(pages[2], running) == ("Notes to the accounts 2", pages[2].index("Text") - 1)
    assert not any(looks_tabular(p.extract_text()) for p in PdfReader(NDA).pages)


def test_chunking_version_is_part_of_the_settings_key(tokenizer, monkeypatch):
    import ragbox.ingest.chunking as chunking

    key = Chunker(tokenizer, 96, 24).settings_key
    monkeypatch.setattr(chunking, "CHUNKING_VERSION", chunking.CHUNKING_VERSION + 1)
    assert Chunker(tokenizer, 96, 24).settings_key != key


def test_a_statement_continued_on_the_next_page_keeps_its_title_and_column_headers(tokenizer):
    first = ("Northwind Widgets Inc.\nConsolidated Statement of Cash Flows\n(Millions, except per share amounts)\n"
             "                                   2019      2018\nCash Flows from Operating Activities\n"
             "Net income                          5,791     5,929\n"
             "Depreciation and amortization       1,831     1,915\n"
             "Net cash provided by operating activities   5,591   7,454\n")
    second = ("Cash Flows from Investing Activities\nPurchases of property, plant and equipment   (1,577)  (1,373)\n"
              "Proceeds from sale of businesses   13   576\nNet cash used in investing activities   (1,046)  (1,317)\n")
    prose = "Risk factors. Demand for widgets may fall when the economy slows down.\n"
    chunks = Chunker(tokenizer, 40, 10).chunk_pages([Page(1, first), Page(2, second), Page(3, prose), Page(4, second)])
    capex = [c for c in chunks if "(1,577)" in c.text]
    assert [c.page for c in capex] == [2, 4]
    assert capex[0].context.splitlines() == ["Northwind Widgets Inc.", "Consolidated Statement of Cash Flows",
                                             "(Millions, except per share amounts)", "2019 | 2018"]
    assert capex[0].text.startswith("Cash Flows from Investing Activities\n")  # its own title, in its text
    assert "2019" not in capex[1].context  # after a page of prose, no statement is continued
