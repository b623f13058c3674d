from pathlib import Path

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.discovery import discover
from ragbox.ingest.loaders import load
from ragbox.ingest.loaders.plain_text import decode_text

from support import MSA, NDA


def test_discover_skips_hidden_and_unsupported_with_reasons(tmp_path):
    (tmp_path / "a.txt").write_text("hello")
    (tmp_path / "b.MD").write_text("# hi")
    (tmp_path / ".secret.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "inside.txt").write_text("x")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.pdf").write_bytes(b"%PDF-1.4")
    found = {f.path.relative_to(tmp_path).as_posix(): f.skip_reason for f in discover(tmp_path)}
    assert found == {
        "a.txt": None, "b.MD": None, "sub/c.pdf": None,
        ".secret.txt": "hidden file", ".git": "hidden folder", "photo.jpg": "unsupported type '.jpg'",
    }


def test_text_offsets_index_the_decoded_file(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufeffLine one\r\nLine two – with a dash\r\n".encode("utf-8"))
    page = load(path).pages[0]
    assert page.number is None
    assert page.text == "Line one\r\nLine two – with a dash\r\n"  # BOM dropped, newlines kept


def test_legacy_encoding_is_detected(tmp_path):
    text = "Le délai de préavis est de trente jours. Résiliation immédiate en cas de faute grave."
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    assert load(path).pages[0].text == text


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", b"\x00\x01\x02binary" * 10, "binary content"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "unreadable PDF"),
    ("fake.pdf", b"hello, I am a text file", "not a PDF file (it looks like plain text)"),
    ("notes.eml", b"Just some text that is no e-mail at all.\n", "not an e-mail message"),
    ("blob.eml", b"\x00\x01\x02binary" * 10, "binary content"),
    ("empty.eml", b"", "empty file"),  # any zero-byte file, whatever its type
    ("notes.mbox", b"Subject: hi\n\nno separator line\n", "not an mbox mailbox"),
    ("old.docx", b"\xd0\xcf\x11\xe0 an old binary Word file", "unreadable Word file"),
    ("blob.html", b"\x00\x01\x02binary" * 10, "binary content"),
])
def test_bad_files_raise_a_clear_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        load(path)
    assert reason in info.value.why
    assert info.value.path == str(path)


def test_pdf_pages_are_numbered_and_hold_the_clauses():
    pages = load(NDA).pages
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert "thirty (30) days' written notice" in pages[2].text
    msa = load(MSA).pages
    assert "ninety (90) days' written notice" in msa[1].text


def test_decode_rejects_undecodable_noise():
    with pytest.raises(DocumentError):
        decode_text(Path("x.txt"), bytes(range(1, 32)) * 3 + b"\x00")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_a_byte_order_mark(tmp_path, encoding):
    text = "Die Kündigungsfrist beträgt drei Monate.\r\nZweite Zeile."
    path = tmp_path / "windows.txt"
    path.write_bytes(text.encode(encoding))
    assert load(path).pages[0].text == text  # the byte-order mark is not part of the text


@pytest.mark.parametrize("data, looks", [
    (b"<!DOCTYPE html><html><body>Session expired</body></html>", "it looks like an HTML page"),
    (b"PK\x03\x04" + bytes(200), "it looks like a ZIP archive or an Office document"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "it looks like an image"),
    (bytes(range(256)) * 4, "binary data without a PDF header"),
    (b"   \n\t  ", "it holds only blank space"),
])
def test_a_file_that_is_not_a_pdf_is_named_for_what_it_is(tmp_path, data, looks):
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        load(path)
    assert info.value.why == f"not a PDF file ({looks})"
