"""A review table written out as CSV, Markdown and JSON: every cell with its state and citation."""

import csv
import io
import re

import pytest

from ragbox.table.export import CSV_FIELDS, csv_safe, table_csv, table_json, table_markdown
from ragbox.types import Evidence, Hit, Table, TableCell

LAW = "11.1 This Agreement is governed by the laws of the State of New York | NY."
HIT = Hit("msa:00009", "/d/contracts/msa.pdf", 3, 1537, 1537 + len(LAW), LAW, 0.41, "11. Governing Law")
NOTE = "Home readings averaging 148/92."
NOTE_HIT = Hit("kline:00002", "/d/notes/kline.txt", None, 900, 900 + len(NOTE), NOTE, 0.3)


def table() -> Table:
    law = TableCell(HIT.path, 0, "found", "New York", 0.97, HIT, Evidence(1, (0, len(LAW)), (60, 68)), kind="place")
    none = TableCell(HIT.path, 1, "not found", "", 0.12, kind="yesno")
    unsure = TableCell(NOTE_HIT.path, 0, "unsure", "148/92", 0.55, NOTE_HIT, Evidence(1, (0, len(NOTE)), (24, 30)),
                       model_text="The law is Texas.", kind="measure")
    found = TableCell(NOTE_HIT.path, 1, "found", "Yes", 0.91, NOTE_HIT, Evidence(1, (0, len(NOTE)), (0, len(NOTE))))
    return Table(["governing law", "non-compete"], ["What is the governing law?", "Is there a non-compete clause?"],
                 [HIT.path, NOTE_HIT.path], [[law, none], [unsure, found]], {"index": "t", "files": 2})


def shown(path: str) -> str:
    return path.removeprefix("/d/")


def test_csv_has_one_row_per_file_and_each_questions_citation():
    rows = list(csv.reader(io.StringIO(table_csv(table(), shown))))
    assert rows[0] == ["file"] + [f"{c}: {f}" for c in ("governing law", "non-compete") for f in CSV_FIELDS]
    first = dict(zip(rows[0], rows[1]))
    assert first["file"] == "contracts/msa.pdf"
    assert (first["governing law: answer"], first["governing law: state"], first["governing law: quote"]) == \
        ("New York", "found", LAW)
    assert (first["governing law: page"], first["governing law: section"]) == ("3", "11. Governing Law")
    assert (first["governing law: quote_start"], first["governing law: quote_end"]) == ("1537", str(1537 + len(LAW)))
    assert (first["governing law: span_start"], first["governing law: span_end"]) == ("1597", "1605")
    assert first["non-compete: state"] == "not found" and first["non-compete: quote"] == ""
    assert first["non-compete: quote_start"] == "" and first["non-compete: confidence"] == "0.12"
    second = dict(zip(rows[0], rows[2]))
    assert second["governing law: state"] == "unsure" and second["governing law: page"] == ""
    assert second["governing law: quote_start"] == "900" and len(rows) == 3


def test_markdown_marks_each_state_and_quotes_each_answer_in_a_note():
    text = table_markdown(table(), shown)
    lines = text.splitlines()
    assert lines[0] == "| File | governing law | non-compete |"
    assert lines[2] == "| contracts/msa.pdf | New York [1] | not found |"
    assert lines[3] == "| notes/kline.txt | 148/92 (unsure) [2] | Yes [3] |"
    escaped = LAW.replace("|", "\\|")
    assert f"[1] contracts/msa.pdf, page 3, 11. Governing Law, chars 1537-{1537 + len(LAW)}: “{escaped}”" in lines
    assert f"[2] notes/kline.txt, chars 900-{900 + len(NOTE)}: “{NOTE}”" in lines
    assert "- non-compete: Is there a non-compete clause?" in lines


def test_json_holds_every_cell_with_offsets_and_the_counts():
    data = table_json(table(), shown)
    assert data["counts"] == {"found": 2, "unsure": 1, "not found": 1}
    assert [row["file"] for row in data["rows"]] == ["contracts/msa.pdf", "notes/kline.txt"]
    law = data["rows"][0]["cells"][0]
    assert law["question"] == "What is the governing law?" and law["quote"] == LAW
    assert LAW[law["span_start"] - 1537:law["span_end"] - 1537] == "New York"
    assert data["rows"][1]["cells"][0]["model_answer"] == "The law is Texas."


@pytest.mark.parametrize("text", ['=cmd|"/C calc"!A0', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+1",
                                  "\n @A1", "\uff1d1+1"])
def test_a_csv_cell_a_spreadsheet_would_run_starts_with_a_quote(text):
    assert csv_safe(text) == "'" + text
    rows = list(csv.reader(io.StringIO(table_csv(hostile_table(text), lambda path: text), newline="")))
    assert rows[0][1] == "'" + text + ": answer"  # the header (the column's name)
    assert (rows[1][0], rows[1][1], rows[1][4]) == ("'" + text, "'" + text, "'" + text)  # file, answer, quote


@pytest.mark.parametrize("value", ["New York", "'=already text", "a=b", "", 3, 1537, 0.97, None])
def test_other_csv_cells_are_as_they_are(value):
    assert csv_safe(value) == value


def hostile_table(text: str) -> Table:
    hit = Hit("x:00001", "/d/x.txt", None, 0, len(text), text, 0.4, text)
    cell = TableCell(hit.path, 0, "found", text, 0.9, hit, Evidence(1, (0, len(text)), (0, len(text))))
    return Table([text], [text], [hit.path], [[cell]], {"index": "t", "files": 1})


def test_a_markdown_cell_stays_one_cell_and_renders_as_its_text():
    text = 'a | b\nc <script>alert(1)</script> [x](http://evil.example) ![t](http://evil.example/t.png) `|` \\| &lt;'
    lines = table_markdown(hostile_table(text), lambda path: "notes/x|y.txt").splitlines()
    escaped = ("a \\| b c &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](http:\\/\\/evil.example) "
               "!\\[t\\](http:\\/\\/evil.example/t.png) \\`\\|\\` \\\\\\| &amp;lt;")
    assert lines[0] == f"| File | {escaped} |"
    assert lines[2] == ("| notes/x\\|y.txt | a \\| b c &lt;script&gt;alert(1)&lt;/script&gt; "
                        "\\[x\\](http:\\/\\/evil.example)… [1] |")
    # each row splits into exactly its two cells at the unescaped |
    for line in (lines[0], lines[2]):
        assert len(re.split(r"(?<!\\)\|", line.replace("\\\\", ""))) == 4
    assert f"[1] notes/x\\|y.txt, {escaped}, chars 0-{len(text)}: “{escaped}”" in lines


def test_a_markdown_table_of_a_hostile_document_renders_no_link_image_or_html():
    """Rendered as a GitHub-style viewer would (tables, HTML allowed, bare URLs linked): the link,
    the image, the HTML and the bare URL of a document's text are shown as text, each of them."""
    from markdown_it import MarkdownIt

    text = ("[click](http://evil.example/pay) ![x](http://evil.example/p.png) <img src=http://evil.example/i.png> "
            "<script>alert(1)</script> www.evil.example")
    render = MarkdownIt("gfm-like", {"linkify": True, "html": True}).render
    html = render(table_markdown(hostile_table(text)))
    assert "<table>" in html and "<a " not in html and "<img" not in html and "<script" not in html
    assert "[click](http://evil.example/pay)" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    raw = render(f"| a |\n| --- |\n| {text} |")
    assert "<a " in raw and "<img" in raw and "<script" in raw  # what the escaping prevents
