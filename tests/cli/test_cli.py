"""The command line, end to end with the real models, through click's runner and a real process."""

import json
import os
import subprocess
import sys

import pytest

from ragbox.unsure_reasons import UNSURE_REASONS

from support import SAMPLE_DOCS

HEAVY = ("torch", "sentence_transformers", "chromadb", "llama_cpp", "transformers", "pypdf", "mcp", "httpx")

# How an answer names the document its question named (see "Naming a document" in the README).
NDA = "Mutual Non-Disclosure Agreement (mutual_nda_northwind_bluefin.pdf)"
MSA = "Master Services Agreement (services_agreement_acme_globex.pdf)"


def test_help_imports_no_heavy_library():
    code = ("import sys; from click.testing import CliRunner; from ragbox.cli import main; "
            "CliRunner().invoke(main, ['--help']); "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_search_and_ask_load_neither_torch_nor_chromadb(run, tmp_path):
    """A question in a fresh process embeds with ONNX Runtime and, on a small index, reads the
    vectors from the catalog: torch, sentence-transformers and chromadb stay unloaded."""
    assert run("index", str(SAMPLE_DOCS)).exit_code == 0  # exports the ONNX graph, if not cached yet
    # the model writes the answer, in its worker process: this process never loads llama.cpp
    env = {**os.environ, "RAGBOX_STORE__DIR": str(tmp_path / "store"), "RAGBOX_ANSWER__STYLE": "generate"}
    code = ("import sys; from ragbox.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print('LOADED', [m for m in {HEAVY!r} if m in sys.modules])")
    # the first hit; the source the answer rests on (marked *)
    for command, line, place in (
            (["search", "governing law", "--k", "3"], " 1. ", "mutual_nda_northwind_bluefin.pdf, page 3"),
            (["ask", "How does the master services agreement renew after the initial term?"], "*[1] ",
             "services_agreement_acme_globex.pdf, page 2")):
        out = subprocess.run([sys.executable, "-c", code, *command], env=env, capture_output=True, text=True,
                             check=True)
        assert place in next(s for s in out.stdout.splitlines() if s.startswith(line)), out.stdout
        loaded = out.stdout.rsplit("LOADED", 1)[1]
        for heavy in ("torch", "sentence_transformers", "transformers", "chromadb", "llama_cpp"):
            assert f"'{heavy}'" not in loaded, f"{command[0]} loaded {heavy}"


def test_help_runs_as_a_module():
    """(How long it takes: ``python bench/cold.py``, "ragbox --help"; what keeps it quick:
    ``test_help_imports_no_heavy_library``.)"""
    out = subprocess.run([sys.executable, "-m", "ragbox", "--help"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("Usage: ")


@pytest.mark.slow
def test_index_search_status_forget(run, tmp_path):
    result = run("index", str(SAMPLE_DOCS))
    assert result.exit_code == 0, result.output
    assert "Indexed 7 file(s), 0 unchanged, 0 renamed, 0 removed, 0 skipped" in result.output

    again = run("index", "--json", str(SAMPLE_DOCS))
    summary = json.loads(again.output)
    assert summary["indexed"] == 0 and summary["unchanged"] == 7

    hits = json.loads(run("search", "--json", "--k", "3", "governing law of the NDA").output)
    assert len(hits) == 3
    assert set(hits[0]) == {"chunk_id", "path", "page", "char_start", "char_end", "score", "text", "section",
                            "context"}  # Hit.as_dict, as MCP and serve

    status = json.loads(run("status", "--json").output)
    assert status["files"] == 7 and status["embedding_model"].startswith("all-MiniLM-L6-v2@")
    assert status["store_path"].startswith(str(tmp_path))
    text_status = run("status").output
    assert "Files:" in text_status and "all-MiniLM-L6-v2" in text_status

    note = SAMPLE_DOCS / "clinical_notes" / "2026-04-02_john_roe_asthma.md"
    forgot = run("forget", str(note))
    assert forgot.exit_code == 0 and "1 file(s) removed" in forgot.output
    assert json.loads(run("status", "--json").output)["files"] == 6
    missing = run("forget", str(note))
    assert missing.exit_code == 1 and "Error: Not in the index" in missing.output


def test_forget_all_drops_one_index_whole_and_leaves_the_others(run, tmp_path):
    assert run("--index", "matter-a", "index", str(SAMPLE_DOCS / "contracts")).exit_code == 0
    assert run("--index", "matter-b", "index", str(SAMPLE_DOCS / "clinical_notes")).exit_code == 0
    folder = tmp_path / "store" / "indexes" / "matter-a"
    there = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
    assert {"catalog.sqlite3", "chroma/", "write.lock"} <= set(there)
    dropped = run("--index", "matter-a", "forget", "--all")
    assert dropped.exit_code == 0, dropped.output
    assert dropped.output.splitlines()[0] == f"Dropped index 'matter-a': removed {', '.join(there)} from {folder}."
    assert not folder.exists()
    gone = run("--index", "matter-a", "search", "governing law")
    assert gone.exit_code == 1 and "Index 'matter-a' is empty" in gone.output
    kept = json.loads(run("--index", "matter-b", "status", "--json").output)
    assert kept["files"] == 5
    again = run("--index", "matter-a", "forget", "--all")
    assert again.exit_code == 1 and again.output.startswith("Error: No index 'matter-a' to drop")
    both = run("--index", "matter-b", "forget", "--all", str(SAMPLE_DOCS))
    assert both.exit_code == 2 and "Give a PATH to forget, or --all" in both.output
    assert json.loads(run("--index", "matter-b", "status", "--json").output)["files"] == 5


@pytest.mark.slow
def test_ask_json_shape(run):
    run("index", str(SAMPLE_DOCS / "contracts"))
    result = run("ask", "--json", "How much notice is needed to terminate the services agreement for convenience?")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"answer", "citations", "model", "timings"}
    first = data["citations"][0]
    assert set(first) >= {"path", "page", "char_start", "char_end", "text", "score"}
    assert first["path"].endswith("services_agreement_acme_globex.pdf") and first["page"] == 2


@pytest.mark.slow
def test_ask_streams_then_lists_sources(run):
    run("index", str(SAMPLE_DOCS / "contracts"))
    result = run("ask", "Which state's law governs the mutual non-disclosure agreement?")
    assert result.exit_code == 0
    answer, rest = result.output.split("\n", 1)
    assert answer == f"In {NDA}: Delaware [1]"  # the question named it
    assert "\nEvidence [1] " in rest and "mutual_nda_northwind_bluefin.pdf, page 3:\n" in rest
    assert "\nSources:\n*[1] " in rest and "(the evidence above)" in rest


@pytest.mark.slow
def test_the_readme_demo_prints_a_correct_cited_answer(run, monkeypatch):
    """The first command of the README, as a user runs it on a fresh machine: in the repository."""
    monkeypatch.chdir(SAMPLE_DOCS.parent)
    readme = (SAMPLE_DOCS.parent / "README.md").read_text()
    command = next(line for line in readme.splitlines() if "pip install . &&" in line)
    question = command.rsplit(" ask ", 1)[1].strip().strip('"')
    assert run("--index", "demo", "index", str(SAMPLE_DOCS)).exit_code == 0
    result = run("--index", "demo", "ask", question)
    assert result.exit_code == 0, result.output
    answer, evidence = result.output.split("\n\nEvidence [1] ")
    # 6.2 of the services agreement: one-year renewals unless notice is given sixty days ahead.
    # right, and sure: the sentence says the contract renews by itself (answer.sureness, renewal_not_automatic)
    assert answer == (f"In {MSA}: Successive one (1) year renewal terms (renews automatically; notice of "
                      "non-renewal at least sixty (60) days before the end of the then-current term) [1]")
    assert evidence.startswith("sample_docs/contracts/services_agreement_acme_globex.pdf, page 2:\n  “6.2 After the "
                               "Initial Term, this Agreement renews automatically")
    assert "sixty (60) days" in evidence and "\nSources:\n*[1] " in evidence


@pytest.mark.slow
def test_an_answer_below_the_sure_bar_is_shown_as_unsure(run):
    run("index", str(SAMPLE_DOCS))
    sure = json.loads(run("ask", "--json", "What is the governing law of the services agreement?").output)
    assert (sure["answer"], sure["found"], sure["sure"]) == (f"In {MSA}: New York [1]", True, True)
    assert sure["confidence"] >= 0.8
    question = "What is the liability cap in the services agreement?"
    unsure = json.loads(run("ask", "--json", question).output)
    assert unsure["found"] is True and unsure["sure"] is False and 0.5 <= unsure["confidence"] < 0.8
    shown = run("ask", question).output
    assert unsure["unsure_because"] and sure["unsure_because"] == []  # why, as stable codes
    said = "; ".join(UNSURE_REASONS[code] for code in unsure["unsure_because"])
    assert f"\n? Unsure: {said} (confidence {unsure['confidence']:.2f}). Read the evidence" in shown
    assert "Quoted from [1] " in shown and "services_agreement_acme_globex.pdf, page 3" in shown
    assert "Unsure" not in run("ask", "What is the governing law of the services agreement?").output


@pytest.mark.slow
def test_a_question_the_documents_do_not_answer_is_not_found_with_what_was_searched(run):
    run("--index", "demo", "index", str(SAMPLE_DOCS))
    result = run("--index", "demo", "ask", "Is there a most favored nation clause in the services agreement?")
    assert result.exit_code == 0
    assert result.output.startswith(f"No such clause was found in {MSA}. "
                                    "Searched the whole document, in index 'demo'.")
    assert "The closest passages (none answers the question):" in result.output
    data = json.loads(run("--index", "demo", "ask", "--json", "What is the price of a unicorn in Peru?").output)
    assert data["found"] is False and data["evidence"] is None and data["searched"]["files"] == 7
    assert data["resolved_documents"] == [] and data["answer"].startswith("Not found in the indexed documents.")


def test_errors_are_one_line_without_traceback(run, tmp_path):
    result = run("index", str(tmp_path / "does-not-exist"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: Cannot index ({tmp_path / 'does-not-exist'}): no such file or folder"

    empty = run("search", "anything")
    assert empty.exit_code == 1 and "Error: Index 'default' is empty" in empty.output
    assert "Traceback" not in empty.output


def test_bad_config_value_names_the_key(run, monkeypatch):
    monkeypatch.setenv("RAGBOX_RETRIEVAL__K", "lots")
    result = run("search", "x")
    assert result.exit_code == 1
    assert "Error: Bad value for 'retrieval.k': expected a whole number, got 'lots'" in result.output


@pytest.mark.slow  # indexes with the real embedding model
def test_missing_model_file_is_reported(run, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("The notice period is thirty days.")
    run("index", str(tmp_path / "d"))
    result = run("ask", "--model", str(tmp_path / "nope.gguf"), "What is the notice period?")
    assert result.exit_code == 1
    assert f"Error: LLM model file not found ({tmp_path / 'nope.gguf'})" in result.output


def test_a_closed_pipe_ends_a_command_quietly(tmp_path):
    """`ragbox status | head -1`: the reader goes away first; no error, no traceback."""
    # the model writes the answer, in its worker process: this process never loads llama.cpp
    env = {**os.environ, "RAGBOX_STORE__DIR": str(tmp_path / "store"), "RAGBOX_ANSWER__STYLE": "generate"}
    result = subprocess.run(f"set -o pipefail; {sys.executable} -m ragbox status | true", shell=True,
                            executable="/bin/bash", env=env, capture_output=True, text=True)
    assert result.stderr == ""
    assert result.returncode == 141  # as for any program a closed pipe ends (128 + SIGPIPE)


def test_a_command_closes_its_engine_when_it_ends(run, tmp_path):
    """Run in-process (a test, a host program), a command leaves no connection open: the catalog's
    write-ahead log is folded in when it ends, so what `doctor` measures next stays put."""
    assert run("index", str(SAMPLE_DOCS / "contracts")).exit_code == 0
    index = tmp_path / "store" / "indexes" / "default"
    assert (index / "catalog.sqlite3").stat().st_size > 0 and not (index / "catalog.sqlite3-wal").exists()
