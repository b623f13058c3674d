"""Real files of every format, generated for the tests (imported by name): Word documents written
by python-docx, e-mails by the standard library, web pages by hand, scans as image-only PDFs."""

from __future__ import annotations

import functools
import io
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from support import NDA

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

FEES = [("Fee", "Amount", "Due"), ("Setup", "$500", "on signing"), ("Monthly service", "$1,200", "first business day"),
        ("Early termination", "$7,500", "within 30 days of notice")]


def write_docx(path: Path, tracked: bool = True) -> Path:
    """A supply agreement: title, numbered clauses under headings, a fee table, a tracked change
    (an insertion kept, a deletion dropped), a header and a footer."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL - Harbor Lighting supply agreement"
    document.sections[0].footer.paragraphs[0].text = "Harbor Lighting Ltd / Quayside Fixtures Inc."
    document.add_heading("Supply Agreement", 0)
    document.add_paragraph("This Supply Agreement is made between Harbor Lighting Ltd and Quayside Fixtures Inc.")
    document.add_heading("Delivery", 1)
    document.add_paragraph("The Supplier delivers the lamps to the Buyer's warehouse in Portsmouth.",
                           style="List Number")
    document.add_paragraph("Risk passes to the Buyer when the goods are unloaded.", style="List Number")
    document.add_heading("Fees", 1)
    document.add_paragraph("The Buyer pays the fees in this table:")
    table = document.add_table(rows=len(FEES), cols=3)
    for row, values in zip(table.rows, FEES):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_heading("Termination", 1)
    notice = document.add_paragraph("Either party may terminate this Agreement by giving ")
    if tracked:
        notice._p.append(parse_xml(
            f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z">'
            '<w:r><w:delText>thirty (30)</w:delText></w:r></w:del>'))
        notice._p.append(parse_xml(
            f'<w:ins xmlns:w="{W_NS}" w:id="2" w:author="A" w:date="2026-01-01T00:00:00Z">'
            '<w:r><w:t>ninety (90)</w:t></w:r></w:ins>'))
    else:
        notice.add_run("ninety (90)")
    notice.add_run(" days' written notice to the other party.")
    document.save(path)
    return path


def write_html(path: Path) -> Path:
    path.write_text("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Discharge summary</title>
<style>body { font-family: serif; } .nav { color: red; }</style>
<script>var tracking = "do not index me";</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/patients">All patients</a></nav>
<header class="site">Riverside Clinic portal</header>
<main>
  <h1>Discharge summary: Amara Okafor</h1>
  <p>Admitted for   community-acquired
     pneumonia; treated with <b>amoxicillin</b> 500&nbsp;mg three times daily.</p>
  <h2>Medication on discharge</h2>
  <ul><li>Amoxicillin 500 mg, 5 more days</li><li>Paracetamol as needed</li></ul>
  <h2>Observations</h2>
  <table><thead><tr><th>Measure</th><th>Admission</th><th>Discharge</th></tr></thead>
  <tbody><tr><td>Temperature</td><td>39.1 &deg;C</td><td>36.8 &deg;C</td></tr>
  <tr><td>SpO2</td><td>91%</td><td>97%</td></tr></tbody></table>
  <p hidden>internal note: not for the record</p>
</main>
<footer>Copyright Riverside Clinic</footer>
</body></html>
""", encoding="utf-8")
    return path


def email_message(subject: str = "Signed lease and fee schedule", attachments=(), html: bool = False) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Dana Whitfield <dana@harborlaw.example>"
    message["To"] = "Sam Ortiz <sam@quayside.example>"
    message["Date"] = format_datetime(datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))
    message["Subject"] = subject
    body = "Hi Sam,\n\nAttached is the signed lease. The rent review happens every March.\n\nDana\n"
    if html:
        message.set_content("<html><body><p>Hi Sam,</p><p>The <b>rent review</b> happens every March.</p>"
                            "<script>x()</script></body></html>", subtype="html")
    else:
        message.set_content(body)
    for name, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def write_eml(path: Path, attachments=None, **kwargs) -> Path:
    """An e-mail with, by default, the NDA PDF and a text note attached."""
    if attachments is None:
        attachments = [("nda.pdf", NDA.read_bytes(), "application", "pdf"),
                       ("note.txt", b"The parking space is included in the rent.\n", "text", "plain")]
    path.write_bytes(email_message(attachments=attachments, **kwargs).as_bytes())
    return path


def write_mbox(path: Path) -> Path:
    first = email_message("Renewal terms", attachments=[("terms.txt", b"The lease renews for two years.\n",
                                                         "text", "plain")])
    second = email_message("Parking")
    second.set_content("From now on the parking space costs $80 a month.\nFrom the landlord.\n")
    data = b""
    for message in (first, second):
        body = message.as_bytes().replace(b"\nFrom ", b"\n>From ")
        data += b"From dana@harborlaw.example Mon Mar  2 09:30:00 2026\n" + body + b"\n"
    path.write_bytes(data)
    return path


def write_scan(path: Path, source: Path = NDA, pages: int = 1, dpi: int = 150) -> Path:
    """An image-only PDF (no text layer) of the first ``pages`` pages of ``source``: a scan."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(source))
    images = [document[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(pages)]
    document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    path.write_bytes(buffer.getvalue())
    return path


@functools.lru_cache(maxsize=1)
def chunker():
    """The default chunker (96 tokens of the bundled model's tokenizer; no model weights loaded)."""
    from ragbox.bundled import embedding_model_dir
    from ragbox.ingest.chunking import Chunker
    from ragbox.store.tokens import ModelTokenizer

    return Chunker(ModelTokenizer(embedding_model_dir()), 96)


def assert_exact_chunks(pages) -> list:
    """Chunks every page; each chunk is exactly its page's text at its offsets."""
    chunks = chunker().chunk_pages(pages)
    texts = {page.number: page.text for page in pages}
    for chunk in chunks:
        assert texts[chunk.page][chunk.char_start:chunk.char_end] == chunk.text
    return chunks


# --- a PDF with one page of each coverage state ------------------------------------------------
# A lease with a text page (fpdf2), a scan (an image of text, rendered by pdfium, with a stamped
# footer in its text layer), a blank page, a page of text drawn as glyph outlines (fontTools,
# DejaVu Sans, with a footer in its text layer) and a page whose content stream is broken.
TEXT_PAGE = ("LEASE AGREEMENT. The tenant pays a monthly rent of 1,450 EUR on the first day of each month. "
             "The lease runs for two years from 1 March 2026 and renews for one year unless either party "
             "gives three months of written notice. ") * 3
SCANNED = ["The deposit of 2,900 EUR is returned", "within thirty days after the tenant", "leaves the flat."]
SCAN_FOOTER = "Scanned copy of the signed page, page 2 of 5"
OUTLINED = ["The landlord repairs the heating", "system within five working days", "of a written request.",
            *[f"Clause {n}. The tenant keeps the flat clean and" for n in range(4, 16)], "returns all keys."]
OUTLINE_FOOTER = "Drawn copy, page 4 of 5, outlines"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core


def write_lease(path: Path, scanned: bool = True) -> Path:
    """Pages: 1 text, 2 scan (text instead when not ``scanned``), 3 blank, 4 outlines, 5 broken."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)  # the footers sit low on the page
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, TEXT_PAGE)
    pdf.add_page()
    if scanned:
        pdf.image(_scan_image(), x=0, y=0, w=210, h=297)
        pdf.set_xy(20, 280)
        pdf.cell(0, 5, SCAN_FOOTER)
    else:
        pdf.multi_cell(0, 6, " ".join(SCANNED))
    pdf.add_page()
    pdf.add_page()
    pdf.set_xy(20, 280)
    pdf.cell(0, 5, OUTLINE_FOOTER)
    pdf.add_page()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    outlines = DecodedStreamObject()
    outlines.set_data(writer.pages[3].get_contents().get_data() + b"\n" + outline_text(OUTLINED))
    writer.pages[3].replace_contents(outlines)
    broken = DecodedStreamObject()
    # invisible text (so no image of the page shows it), then an inline image cut short (no EI)
    broken.set_data(b"BT 3 Tr /F1 12 Tf 72 700 Td (lost) Tj ET BI /W 40 /H 40 /BPC 8 /CS /G ID abcdef")
    writer.pages[4].replace_contents(broken)
    writer.pages[4][NameObject("/Resources")] = writer.pages[0]["/Resources"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        writer.write(file)
    return path


def _scan_image():
    """A page of large printed text as a grayscale image at 150 dpi: what a scanner makes."""
    import pypdfium2
    from fpdf import FPDF

    page = FPDF(format="A4")
    page.set_font("Helvetica", size=22)
    page.add_page()
    page.set_y(40)
    for line in SCANNED:
        page.cell(0, 14, line, new_x="LMARGIN", new_y="NEXT")
    document = pypdfium2.PdfDocument(bytes(page.output()))
    image = document[0].render(scale=150 / 72, grayscale=True).to_pil()
    document.close()
    return image


def outline_text(lines: list[str], size: float = 16, left: float = 60, top: float = 760) -> bytes:
    """PDF path operators drawing ``lines`` as filled glyph outlines: text with no text layer."""
    from fontTools.pens.basePen import BasePen
    from fontTools.ttLib import TTFont

    font = TTFont(FONT)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    scale = size / font["head"].unitsPerEm
    ops: list[str] = ["0 g"]

    class PdfPen(BasePen):
        def __init__(self, x: float, y: float) -> None:
            super().__init__(glyphs)
            self.x, self.y = x, y

        def _point(self, point) -> str:
            return f"{self.x + point[0] * scale:.2f} {self.y + point[1] * scale:.2f}"

        def _moveTo(self, point) -> None:
            ops.append(f"{self._point(point)} m")

        def _lineTo(self, point) -> None:
            ops.append(f"{self._point(point)} l")

        def _curveToOne(self, one, two, three) -> None:
            ops.append(f"{self._point(one)} {self._point(two)} {self._point(three)} c")

        def _closePath(self) -> None:
            ops.append("h")

    for row, line in enumerate(lines):
        x, y = left, top - row * size * 1.6
        for char in line:
            name = cmap.get(ord(char), ".notdef")
            glyphs[name].draw(PdfPen(x, y))
            ops.append("f")
            x += glyphs[name].width * scale
    return "\n".join(ops).encode()
