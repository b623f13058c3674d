"""Word documents written by python-docx, read back with structure, tables and exact offsets."""

import zipfile

import pytest
from lxml import etree

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import load, page_in_context
from ragbox.ingest.loaders.docx_numbering import Numbering, letters, roman
from ragbox.paths import locator
from ragbox.types import Hit

from make_files import W_NS, assert_exact_chunks, write_docx

W = f"{{{W_NS}}}"


@pytest.fixture
def agreement(tmp_path):
    return write_docx(tmp_path / "supply agreement.docx")


def test_paragraphs_in_order_with_headings_numbering_and_the_table(agreement):
    pages = load(agreement).pages
    assert len(pages) == 1 and pages[0].number is None
    text = pages[0].text
    assert text.startswith("CONFIDENTIAL - Harbor Lighting supply agreement\n\n# Supply Agreement\n\n")
    assert "# Delivery\n\n1. The Supplier delivers the lamps" in text
    assert "\n\n2. Risk passes to the Buyer" in text
    table = ("| Fee | Amount | Due |\n|---|---|---|\n| Setup | $500 | on signing |\n"
             "| Monthly service | $1,200 | first business day |\n"
             "| Early termination | $7,500 | within 30 days of notice |")
    assert "The Buyer pays the fees in this table:\n\n" + table + "\n\n# Termination" in text
    assert text.endswith("\n\nHarbor Lighting Ltd / Quayside Fixtures Inc.")


def test_tracked_changes_read_as_accepted(agreement):
    text = load(agreement).pages[0].text
    assert "by giving ninety (90) days' written notice" in text
    assert "thirty" not in text


def test_header_and_footer_appear_once(tmp_path):
    from docx import Document

    path = write_docx(tmp_path / "long.docx")
    document = Document(path)
    for n in range(3):  # three sections, each with the same header: still one header in the text
        document.add_section()
        document.sections[-1].header.is_linked_to_previous = False
        document.sections[-1].header.paragraphs[0].text = "CONFIDENTIAL - Harbor Lighting supply agreement"
        document.add_paragraph(f"Schedule {n + 1} applies to deliveries in region {n + 1}.")
    document.save(path)
    text = load(path).pages[0].text
    assert text.count("CONFIDENTIAL") == 1 and text.count("Harbor Lighting Ltd / Quayside") == 1
    assert "Schedule 3 applies" in text


def test_chunks_are_exact_spans_carry_sections_and_keep_table_rows_whole(agreement):
    page = load(agreement).pages[0]
    chunks = assert_exact_chunks([page])
    row = "| Early termination | $7,500 | within 30 days of notice |"
    start = page.text.index(row)
    holding = [c for c in chunks if c.char_start <= start and start + len(row) <= c.char_end]
    assert holding and holding[0].section.startswith("Fees")
    notice = next(c for c in chunks if "ninety (90) days" in c.text)
    assert notice.section == "Termination"
    hit = Hit("x", str(agreement), None, notice.char_start, notice.char_end, notice.text, 0.5, notice.section)
    assert locator(hit, [agreement.parent]) == "supply agreement.docx, section Termination"
    context = page_in_context(hit)
    assert context.span == (notice.char_start, notice.char_end) and context.text == page.text


NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
  <w:abstractNum w:abstractNumId="7">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%4."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="7"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
</w:numbering>"""


class _Para:
    """Just what ``Numbering.label`` reads of a python-docx paragraph."""

    style = None

    def __init__(self, num_id: str, level: int) -> None:
        self._p = etree.fromstring(f'<w:p xmlns:w="{W_NS}"><w:pPr><w:numPr><w:ilvl w:val="{level}"/>'
                                   f'<w:numId w:val="{num_id}"/></w:numPr></w:pPr></w:p>')


def test_multilevel_clause_numbering_as_word_shows_it():
    numbering = Numbering(etree.fromstring(NUMBERING), W)
    levels = [0, 1, 1, 2, 2, 1, 3, 0, 1]
    labels = [numbering.label(_Para("3", level)) for level in levels]
    assert labels == ["1.", "1.1", "1.2", "(a)", "(b)", "1.3", "I.", "2.", "2.1"]
    assert numbering.label(_Para("4", 0)) == "5."  # another list instance, restarted at 5
    assert numbering.label(_Para("9", 0)) == ""  # an unknown list: no number rather than a wrong one
    assert (roman(1994), letters(28)) == ("mcmxciv", "bb")


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"{\\rtf1 an old Word file renamed}"])
def test_damaged_word_files_are_skipped_with_a_reason(tmp_path, content):
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        load(path)
    assert info.value.why.startswith("unreadable Word file (")
    assert "\n" not in info.value.why


def test_a_zip_that_is_no_word_document_is_skipped(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DocumentError, match="unreadable Word file"):
        load(path)


def test_an_empty_document_is_an_empty_file(tmp_path):
    from docx import Document

    path = tmp_path / "empty.docx"
    Document().save(path)
    with pytest.raises(DocumentError, match="empty file"):
        load(path)
