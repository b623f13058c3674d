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
    ("fake.pdf", b"hello, I am a text file", "unreadable PDF"),
    ("notes.eml", b"Just some text that is no e-mail at all.\n", "not an e-mail message"),
    ("blob.eml", b"\x00\x01\x02binary" * 10, "binary content"),
    ("empty.eml", b"", "not an e-mail message"),
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
