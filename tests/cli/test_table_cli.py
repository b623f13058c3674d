"""``ragbox table`` end to end on the real index of sample_docs: the table, its CSV, Markdown and JSON."""

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from ragbox.cli import main
from ragbox.ingest.loaders import load


@pytest.fixture
def run(sample_index, monkeypatch, tmp_path):
    monkeypatch.setenv("RAGBOX_STORE__DIR", sample_index.settings.store.dir)
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def page_text(path: str, page: int) -> str:
    return load(Path(path)).pages[page - 1].text


def test_the_done_when_command_writes_a_cited_csv(run, sample_index, tmp_path):
    result = run("table", "governing law", "termination for convenience", "--where", "contracts/**",
                 "--csv", "out.csv")
    assert result.exit_code == 0, result.output
    assert "Written to out.csv" in result.output and "2 file(s) x 2 question(s)" in result.output
    assert "termination for convenience: Is there a termination for convenience clause?" in result.output
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [Path(r["file"]).name for r in rows] == ["mutual_nda_northwind_bluefin.pdf",
                                                      "services_agreement_acme_globex.pdf"]
    paths = {Path(d.path).name: d.path for d in sample_index.documents()}
    law = [(r["governing law: answer"], r["governing law: state"], r["governing law: page"]) for r in rows]
    assert law == [("Delaware", "found", "3"), ("New York", "found", "3")]
    msa = rows[1]
    # a clause question's cell is rarely sure enough to be "found" (README, "Review tables"): the
    # clause is quoted, the state says to read it (confidence 0.66, under table.sure_confidence)
    assert msa["termination for convenience: answer"] == "Yes"
    assert msa["termination for convenience: state"] == "unsure"
    assert "for convenience on ninety (90) days' written notice" in msa["termination for convenience: quote"]
    for row in rows:  # every quote is the file's text at its offsets
        for column in ("governing law", "termination for convenience"):
            if row[f"{column}: state"] == "not found":
                continue
            text = page_text(paths[Path(row["file"]).name], int(row[f"{column}: page"]))
            start, end = int(row[f"{column}: quote_start"]), int(row[f"{column}: quote_end"])
            assert text[start:end] == row[f"{column}: quote"]


def test_json_and_markdown(run, tmp_path):
    result = run("table", "renewal term", "non-compete", "termination for convenience", "--where", "*acme*",
                 "--json", "--md", "t.md")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)  # nothing but the JSON on stdout: no progress bar, no table
    assert data["questions"] == ["What is the renewal term?", "Is there a non-compete clause?",
                                 "Is there a termination for convenience clause?"]
    cells = data["rows"][0]["cells"]
    assert (cells[0]["answer"], cells[0]["state"], cells[0]["page"]) == \
        ("Successive one (1) year renewal terms", "found", 2)  # it "renews automatically": sure (as in ask)
    assert (cells[1]["state"], cells[1]["quote"], cells[1]["quote_start"]) == ("not found", "", None)
    assert (cells[2]["answer"], cells[2]["state"]) == ("Yes", "unsure")
    markdown = (tmp_path / "t.md").read_text()
    assert "| File | renewal term | non-compete | termination for convenience |" in markdown
    assert "| Successive one (1) year renewal terms [1] | not found | Yes (unsure) [2] |" in markdown
    assert f"page 2, 6. Term, chars {cells[0]['quote_start']}-{cells[0]['quote_end']}: “6.2 After" in markdown


def test_a_scope_matching_nothing_is_one_line(run):
    result = run("table", "governing law", "--where", "leases/**")
    assert result.exit_code == 1
    assert result.output.startswith("Error: No indexed file matches 'leases/**'") and "Traceback" not in result.output


# A contract whose clause carries a spreadsheet formula (issue 24), in a folder whose name is one too
FORMULA = '=cmd|"/C calc"!A0'
CLAUSE = f"{FORMULA} This Agreement is governed by the laws of the State of New York."
CONTRACT = ("SUPPLY AGREEMENT\n\nThis Supply Agreement is made between Acme Rockets Inc. and Bolt Freight LLC.\n\n"
            f"11. Governing Law\n\n{CLAUSE}\n\n12. Term\n\nThe initial term is two (2) years.\n")


@pytest.fixture
def hostile_run(make_engine, settings, monkeypatch, tmp_path):
    folder = tmp_path / "@matter"
    folder.mkdir()
    (folder / "supply_agreement.txt").write_text(CONTRACT, encoding="utf-8")
    make_engine().index([folder])
    monkeypatch.setenv("RAGBOX_STORE__DIR", settings.store.dir)
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    saved = os.umask(0o022)  # a usual umask: the exports are private all the same
    yield lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)
    os.umask(saved)


def test_exports_cannot_attack_the_reader(hostile_run, tmp_path):
    result = hostile_run("table", "governing law", "--csv", "out.csv", "--md", "out.md")
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "out.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    header, row = rows  # one file
    cells = dict(zip(header, row))
    # the clause and the folder name start with a formula: each cell starts with ' and is text
    assert cells["governing law: quote"] == "'" + CLAUSE
    assert cells["file"] == "'@matter/supply_agreement.txt"
    assert (cells["governing law: answer"], cells["governing law: state"]) == ("New York", "found")
    assert "\r\n'@matter/supply_agreement.txt,New York,found," in raw and ',"\'=cmd|""/C calc""!A0 This' in raw
    assert not [value for value in header + row if value.lstrip().startswith(("=", "+", "-", "@"))]
    markdown = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "| @matter/supply_agreement.txt | New York [1] |" in markdown
    assert '“=cmd\\|"/C calc"!A0 This Agreement is governed' in markdown
    for name in ("out.csv", "out.md"):  # private like the index, under a usual umask
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    # the JSON is data, exact: the clause as the file has it
    data = json.loads(hostile_run("table", "governing law", "--json").output)
    assert data["rows"][0]["cells"][0]["quote"] == CLAUSE and data["rows"][0]["file"] == "@matter/supply_agreement.txt"


def test_an_export_never_follows_a_link_at_its_path(hostile_run, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("the user's own file", encoding="utf-8")
    (tmp_path / "out.csv").symlink_to(target)
    result = hostile_run("table", "governing law", "--csv", "out.csv")
    assert result.exit_code == 1
    assert result.output.strip() == \
        "Error: Cannot write the table (out.csv): it is a symbolic link (not followed: write to a regular file)"
    assert target.read_text(encoding="utf-8") == "the user's own file"
