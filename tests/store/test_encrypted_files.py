"""What an encrypted index writes besides its catalog: OCR pages, saved conversations, tables and
exports, sealed with its key; and a run killed mid-way leaves no readable byte either."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ragbox.cli import main
from ragbox.encryption import HEADER
from ragbox.errors import StoreError
from ragbox.ingest.ocr import CachedPageOcr
from ragbox.ingest.sealed_ocr import SealedPageOcr

from make_files import write_scan
from sealed_support import canary_word, files_holding, ragbox_folders, write_canary_folder
from support import FakeOcr, cli_env

pytestmark = pytest.mark.slow



def test_the_ocr_cache_of_an_encrypted_index_holds_no_text_and_no_file_hash(tmp_path):
    import hashlib

    canary = canary_word()
    fake = FakeOcr(f"Page read by OCR naming {canary}")
    cache = SealedPageOcr(fake, tmp_path / "cache", os.urandom(32))
    first = list(cache.pdf_pages(b"scan bytes", [1, 2]))
    assert list(cache.pdf_pages(b"scan bytes", [1, 2])) == first == [(1, f"{fake.text} (1)", 0.9),
                                                                     (2, f"{fake.text} (2)", 0.9)]
    assert fake.asked == [1, 2]  # read once, then from the sealed cache
    digest = hashlib.sha256(b"scan bytes").hexdigest()
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(files) == 4 and all(digest[:32] not in str(p) for p in files)
    assert files_holding([canary.encode()], tmp_path / "cache") == []
    cache.keep_only([digest])
    assert len([p for p in (tmp_path / "cache").rglob("*") if p.is_file()]) == 4
    cache.keep_only([])
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    plain = CachedPageOcr(fake, tmp_path / "plain")  # the plain cache keeps its text readable
    list(plain.pdf_pages(b"scan bytes", [1]))
    assert files_holding([canary.encode()], tmp_path / "plain")


def test_a_scan_read_by_ocr_into_an_encrypted_index_leaves_no_readable_text(make_engine, monkeypatch, tmp_path):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "scan")
    folder = tmp_path / "scans"
    folder.mkdir()
    write_scan(folder / "scan.pdf")
    engine = make_engine(**{"store.index": "matter", "index.encrypt": True})
    assert engine.index([folder]).ocr_pages == 1
    text = " ".join(c.text for d in engine.catalog.documents() for c in engine.catalog.chunks_of(d.doc_id))
    words = re.findall(r"[A-Za-z]{3,}", text)
    phrases = [" ".join(words[i:i + 4]) for i in range(0, len(words) - 4, 4)][:30]
    assert len(phrases) >= 10  # what OCR read, four words at a time, as the needles
    assert [p for p in (engine.index_dir / "ocr-cache").rglob("*") if p.is_file()]  # the cache was written
    assert files_holding([p.encode() for p in phrases], *ragbox_folders(tmp_path / "store")) == []


def test_saved_text_of_an_encrypted_index_is_sealed_and_only_its_key_opens_it(make_engine, monkeypatch, tmp_path):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "one")
    canary = canary_word()
    first = make_engine(**{"store.index": "first", "index.encrypt": True})
    first.index([write_canary_folder(tmp_path / "docs", canary)])
    sealed = first.at_rest(f"Conversation about {canary}")
    assert sealed.startswith(HEADER) and canary not in sealed
    assert first.decrypt_text(sealed, tmp_path / "x.md") == f"Conversation about {canary}"
    other = make_engine(**{"store.index": "second", "index.encrypt": True})
    other.index([tmp_path / "docs"])
    with pytest.raises(StoreError, match="Cannot decrypt .*not encrypted with this index's key"):
        other.decrypt_text(sealed, tmp_path / "x.md")
    with pytest.raises(StoreError, match="Cannot decrypt"):
        first.decrypt_text(sealed.replace(sealed[-10], "A" if sealed[-10] != "A" else "B"), tmp_path / "x.md")
    plain = make_engine(**{"store.index": "plain"})
    assert plain.at_rest("as it is") == "as it is"


def test_table_csv_of_an_encrypted_index_is_sealed_unless_asked_plain(monkeypatch, tmp_path):
    monkeypatch.setenv("RAGBOX_STORE__DIR", str(tmp_path / "store"))
    monkeypatch.delenv("RAGBOX_CONFIG", raising=False)
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "table")
    canary = canary_word()
    run = CliRunner().invoke
    assert run(main, ["--index", "m", "index", "--encrypt", str(write_canary_folder(tmp_path / "docs", canary))],
               catch_exceptions=False).exit_code == 0
    out = tmp_path / "out.csv"
    made = run(main, ["--index", "m", "table", "code name", "--csv", str(out)], catch_exceptions=False)
    assert made.exit_code == 0 and "encrypted with index 'm''s key" in made.output
    assert files_holding([canary.encode()], out, *ragbox_folders(tmp_path / "store")) == []
    shown = run(main, ["--index", "m", "decrypt", str(out)], catch_exceptions=False)
    assert shown.exit_code == 0 and canary in shown.output and shown.output.startswith("file,code name: answer")
    readable = tmp_path / "plain.csv"
    assert run(main, ["--index", "m", "table", "code name", "--csv", str(readable), "--plain"]).exit_code == 0
    assert canary in readable.read_text()


def test_a_run_killed_mid_way_leaves_no_readable_byte_and_the_next_run_finishes(tmp_path):
    canary = canary_word()
    docs = write_canary_folder(tmp_path / "docs", canary)
    for n in range(2, 5):
        (docs / f"memo-{n}.txt").write_text(f"Memo {n}. The {canary} team meets on day {n}.\n" * 20)
    store = tmp_path / "store"
    env = {**cli_env(store), "RAGBOX_PASSPHRASE": "killed", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "ragbox", "index", "--encrypt", "--json", str(docs)]
    killed = subprocess.run(command, env={**env, "RAGBOX_CRASH_AT": "upserted:2"}, capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    assert list((store / "indexes" / "default").glob("catalog.sqlite3*"))  # left mid-write: WAL too
    assert files_holding([canary.encode()], *ragbox_folders(store)) == []
    finished = subprocess.run([*command[:4], "--json", str(docs)], env=env, capture_output=True, text=True,
                              timeout=300)  # no --encrypt: an encrypted index stays encrypted
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["repaired"] == 1  # the document half written when it was killed
    assert files_holding([canary.encode()], *ragbox_folders(store)) == []
    found = subprocess.run([sys.executable, "-m", "ragbox", "search", canary], env=env, capture_output=True,
                           text=True, timeout=300)
    assert canary in found.stdout
