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
