"""A review table written out as CSV, Markdown and JSON: every cell with its state and citation."""

import csv
import io

from ragbox.table.export import CSV_FIELDS, table_csv, table_json, table_markdown
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
