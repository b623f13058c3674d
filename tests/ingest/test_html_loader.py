"""Web pages: the main text only, structure kept, encodings honoured, offsets exact."""

import pytest

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import load, page_in_context
from ragbox.paths import locator
from ragbox.types import Hit

from make_files import assert_exact_chunks, write_html


def test_main_text_only_with_headings_lists_and_table(tmp_path):
    text = load(write_html(tmp_path / "summary.html")).pages[0].text
    assert text == (
        "# Discharge summary: Amara Okafor\n\n"
        "Admitted for community-acquired pneumonia; treated with amoxicillin 500\u00a0mg three times daily.\n\n"
        "## Medication on discharge\n\n"
        "- Amoxicillin 500 mg, 5 more days\n\n- Paracetamol as needed\n\n"
        "## Observations\n\n"
        "| Measure | Admission | Discharge |\n|---|---|---|\n"
        "| Temperature | 39.1 °C | 36.8 °C |\n| SpO2 | 91% | 97% |")
    for furniture in ("tracking", "font-family", "All patients", "Riverside Clinic portal", "Copyright",
                      "internal note"):
        assert furniture not in text


def test_without_a_main_element_the_body_less_its_furniture(tmp_path):
    path = tmp_path / "note.htm"
    path.write_text("<html><head><title>Clinic note</title></head><body><nav>Menu Home</nav>"
                    "<div role='navigation'>Back</div><header>Clinic</header>"
                    "<div><p>Blood pressure 128/82.<br>Pulse 72.</p><aside>Related notes</aside></div>"
                    "<ol><li>Continue lisinopril<ul><li>10 mg daily</li></ul></li><li>Recheck in 3 months</li></ol>"
                    "<div style='display: none'>hidden text</div><footer>Footer</footer></body></html>")
    assert load(path).pages[0].text == ("# Clinic note\n\nBlood pressure 128/82.\nPulse 72.\n\n"
                                        "1. Continue lisinopril\n\n  - 10 mg daily\n\n2. Recheck in 3 months")


def test_declared_legacy_charset_is_honoured(tmp_path):
    path = tmp_path / "latin.html"
    path.write_bytes('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
                     '</head><body><p>Préavis de trente jours – résiliation.</p></body></html>'.encode("cp1252"))
    assert load(path).pages[0].text == "Préavis de trente jours – résiliation."


def test_xhtml_with_an_xml_declaration(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
                     b"<body><h2>Allergies</h2><p>Penicillin (rash).</p></body></html>")
    assert load(path).pages[0].text == "## Allergies\n\nPenicillin (rash)."


def test_chunks_are_exact_and_cited_by_section(tmp_path):
    path = write_html(tmp_path / "summary.html")
    page = load(path).pages[0]
    chunks = assert_exact_chunks([page])
    table = next(c for c in chunks if "| SpO2 | 91% | 97% |" in c.text)
    assert table.section == "Observations"
    hit = Hit("x", str(path), None, table.char_start, table.char_end, table.text, 0.4, table.section)
    assert locator(hit, [tmp_path]) == "summary.html, section Observations"
    assert page_in_context(hit).span == (table.char_start, table.char_end)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"<html><head><script>only()</script></head><body><nav>menu</nav></body></html>", "empty file"),
    (b"\x00\x01\x02\x03binary" * 20, "binary content"),
])
def test_bad_pages_are_skipped_with_a_reason(tmp_path, data, reason):
    path = tmp_path / "bad.html"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        load(path)
    assert reason in info.value.why
