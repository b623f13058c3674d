"""`ragbox index --encrypt` and the commands on an encrypted index, through the CLI."""

from __future__ import annotations

import json

import pytest

from support import SAMPLE_DOCS

pytestmark = pytest.mark.slow


def test_an_encrypted_index_searches_as_the_plain_one_and_a_wrong_passphrase_is_one_line(run, monkeypatch,
                                                                                      tmp_path):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "open sesame")
    assert run("--index", "plain", "index", str(SAMPLE_DOCS)).exit_code == 0
    made = run("--index", "sealed", "index", "--encrypt", str(SAMPLE_DOCS))
    assert made.exit_code == 0, made.output
    assert not (tmp_path / "store" / "indexes" / "sealed" / "chroma").exists()
    plain = run("--index", "plain", "search", "termination for convenience")
    secret = run("--index", "sealed", "search", "termination for convenience")
    assert secret.exit_code == 0 and secret.output == plain.output

    again = run("--index", "sealed", "index", "--json")  # no --encrypt needed once it is encrypted
    assert json.loads(again.output)["unchanged"] == 7

    monkeypatch.setenv("RAGBOX_PASSPHRASE", "open sesame!")
    wrong = run("--index", "sealed", "search", "termination")
    assert wrong.exit_code == 1
    key = tmp_path / "store" / "indexes" / "sealed" / "key.ragbox"
    assert wrong.output == f"Error: Cannot unlock the encrypted index ({key}): wrong passphrase\n"

    monkeypatch.delenv("RAGBOX_PASSPHRASE")
    status = run("--index", "sealed", "status")
    assert status.exit_code == 0
    assert status.output.splitlines()[0] == ("Index:           sealed "
                                             "(encrypted, locked: give its passphrase to see more)")
    assert "sample_docs" not in status.output and "chunks" not in status.output
    locked = run("--index", "sealed", "ask", "Who are the parties?")
    assert locked.exit_code == 1 and "is encrypted" in locked.output and len(locked.output.splitlines()) == 1


def test_rekey_and_forget_all_on_the_command_line(run, monkeypatch, tmp_path):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "old")
    assert run("--index", "sealed", "index", "--encrypt", str(SAMPLE_DOCS / "contracts")).exit_code == 0
    monkeypatch.setenv("RAGBOX_NEW_PASSPHRASE", "new")
    changed = run("--index", "sealed", "rekey")
    assert changed.exit_code == 0 and changed.output.startswith("Changed the passphrase of index 'sealed'")
    assert run("--index", "sealed", "search", "termination").exit_code == 1  # "old" fails now
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "new")
    assert run("--index", "sealed", "search", "termination").exit_code == 0

    dropped = run("--index", "sealed", "forget", "--all")
    assert dropped.exit_code == 0 and dropped.output.startswith("Crypto-shredded index 'sealed': its key file")
    assert not (tmp_path / "store" / "indexes" / "sealed").exists()
    plain = run("--index", "plain", "rekey")
    assert plain.exit_code == 1 and "is not encrypted" in plain.output


def test_questions_to_an_encrypted_index_never_go_through_a_running_serve(run, monkeypatch):
    """A `ragbox serve` unlocked by someone would answer whatever passphrase the asker gave."""
    from ragbox.cli import Context

    monkeypatch.setenv("RAGBOX_PASSPHRASE", "mine")
    assert run("--index", "sealed", "index", "--encrypt", str(SAMPLE_DOCS / "contracts")).exit_code == 0
    served = object()  # stands in for the remote engine of a running server
    monkeypatch.setattr("ragbox.serving.client.connect", lambda settings: served)
    assert Context("plain", None, False).question_engine() is served
    local = Context("sealed", None, False).question_engine()
    assert local is not served and local.encrypted()
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "not mine")
    answer = run("--index", "sealed", "search", "termination")
    assert answer.exit_code == 1 and answer.output.endswith("wrong passphrase\n")
