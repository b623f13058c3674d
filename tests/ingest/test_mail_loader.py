"""E-mail and mailboxes: the header passage, the body, attachments as documents of their own."""

from email.message import EmailMessage

from ragbox.ingest.loaders import load, page_in_context, parts_from_bytes
from ragbox.paths import locator, split_part_path
from ragbox.types import Hit

from make_files import assert_exact_chunks, email_message, write_eml, write_mbox
from support import NDA


def parts_of(path):
    parts, skipped = parts_from_bytes(path, path.read_bytes())
    return {part.name: part.pages for part in parts}, skipped


def test_header_passage_then_the_body(tmp_path):
    page = load(write_eml(tmp_path / "lease.eml")).pages[0]
    assert page.number is None
    assert page.text == ("From: Dana Whitfield <dana@harborlaw.example>\nTo: Sam Ortiz <sam@quayside.example>\n"
                         "Date: Mon, 02 Mar 2026 09:30:00 +0000\nSubject: Signed lease and fee schedule\n\n"
                         "Hi Sam,\n\nAttached is the signed lease. The rent review happens every March.\n\nDana")


def test_an_html_only_body_is_read_as_a_web_page(tmp_path):
    text = load(write_eml(tmp_path / "html.eml", attachments=[], html=True)).pages[0].text
    assert text.endswith("Subject: Signed lease and fee schedule\n\nHi Sam,\n\nThe rent review happens every March.")
    assert "x()" not in text


def test_attachments_are_documents_of_their_own(tmp_path):
    path = write_eml(tmp_path / "lease.eml")
    parts, skipped = parts_of(path)
    assert list(parts) == ["", "nda.pdf", "note.txt"] and skipped == {}
    nda = parts["nda.pdf"]
    assert [p.number for p in nda] == [1, 2, 3, 4]
    assert [p.text for p in nda] == [p.text for p in load(NDA).pages]  # the same text as the PDF on disk
    assert parts["note.txt"][0].text == "The parking space is included in the rent.\n"


def test_attachment_passage_is_cited_and_reopened_inside_the_mail(tmp_path):
    path = write_eml(tmp_path / "lease.eml")
    pages = parts_of(path)[0]["nda.pdf"]
    chunk = next(c for c in assert_exact_chunks(pages) if "thirty (30) days' written notice" in c.text)
    hit = Hit("x", f"{path} › nda.pdf", chunk.page, chunk.char_start, chunk.char_end, chunk.text, 0.6)
    assert split_part_path(hit.path) == (str(path), "nda.pdf")
    assert locator(hit, [tmp_path]) == "lease.eml › nda.pdf, page 3"
    context = page_in_context(hit)
    assert context.span == (chunk.char_start, chunk.char_end) and context.text == pages[2].text
    gone = Hit("x", f"{path} › other.pdf", 1, 0, 4, "text", 0.6)
    assert "no longer in the file" in page_in_context(gone).note


def test_bad_and_unsupported_attachments_get_a_reason_and_the_rest_is_read(tmp_path):
    attachments = [("broken.pdf", b"%PDF-1.7 garbage", "application", "pdf"),
                   ("photo.jpg", b"\xff\xd8\xff", "image", "jpeg"),
                   ("minutes.txt", b"Board approved the lease.\n", "text", "plain")]
    message = email_message(attachments=attachments)
    logo = EmailMessage()  # an inline picture of the signature is no document and no skip
    logo.set_content(b"\x89PNG", maintype="image", subtype="png", disposition="inline", filename="logo.png")
    message.attach(logo)
    path = tmp_path / "board.eml"
    path.write_bytes(message.as_bytes())
    parts, skipped = parts_of(path)
    assert list(parts) == ["", "minutes.txt"]
    assert skipped[f"{path} › broken.pdf"].startswith("unreadable PDF")
    assert skipped[f"{path} › photo.jpg"] == "unsupported attachment type '.jpg'"
    assert len(skipped) == 2


def test_a_forwarded_message_is_read_as_an_email_with_its_attachments(tmp_path):
    inner = email_message("Original lease", attachments=[("nda.pdf", NDA.read_bytes(), "application", "pdf")])
    outer = email_message("Fwd: Original lease", attachments=[])
    outer.add_attachment(inner)
    path = tmp_path / "fwd.eml"
    path.write_bytes(outer.as_bytes())
    parts, _ = parts_of(path)
    assert list(parts) == ["", "Original lease.eml", "Original lease.eml › nda.pdf"]
    assert "Subject: Original lease" in parts["Original lease.eml"][0].text


def test_same_named_attachments_get_distinct_names(tmp_path):
    same = [("scan.txt", b"first copy of the notes\n", "text", "plain"),
            ("scan.txt", b"second copy of the notes\n", "text", "plain")]
    parts, _ = parts_of(write_eml(tmp_path / "twice.eml", attachments=same))
    assert list(parts) == ["", "scan.txt", "scan (2).txt"]
    assert parts["scan (2).txt"][0].text == "second copy of the notes\n"


def test_mbox_messages_are_documents_with_their_attachments(tmp_path):
    path = write_mbox(tmp_path / "archive.mbox")
    parts, skipped = parts_of(path)
    assert list(parts) == ["", "1. Renewal terms", "1. Renewal terms › terms.txt", "2. Parking"] and not skipped
    listing = parts[""][0].text.splitlines()
    assert listing == ["1. Mon, 02 Mar 2026 09:30:00 +0000 · Dana Whitfield <dana@harborlaw.example> · Renewal terms",
                       "2. Mon, 02 Mar 2026 09:30:00 +0000 · Dana Whitfield <dana@harborlaw.example> · Parking"]
    body = parts["2. Parking"][0].text
    assert body.endswith("From now on the parking space costs $80 a month.\nFrom the landlord.")  # >From unescaped
    hit = Hit("x", f"{path} › 1. Renewal terms › terms.txt", None, 4, 9, "lease", 0.5)
    assert page_in_context(hit).span == (4, 9)
