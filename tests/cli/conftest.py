"""The CLI's tests run commands through click's runner, each with its own store."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ragbox.cli import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("RAGBOX_STORE__DIR", str(tmp_path / "store"))
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke
