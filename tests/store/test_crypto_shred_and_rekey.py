"""Dropping an encrypted index destroys its key first (crypto-shredding); `rekey` changes its
passphrase, after which only the new one opens it."""

from __future__ import annotations

import os
import shutil

import pytest

from ragbox.errors import StoreError
from ragbox.store import keyfile

from support import SAMPLE_DOCS


def test_shred_overwrites_the_key_file_in_place_before_unlinking_it(tmp_path):
    path = tmp_path / "key.ragbox"
    keyfile.create(path, "passphrase")
    original = path.read_bytes()
    other_name = tmp_path / "same-inode"
    os.link(path, other_name)  # sees the file's blocks after its name is gone
    keyfile.shred(path)
    assert not path.exists()
    left = other_name.read_bytes()
    assert len(left) == len(original) and left != original and b"argon2id" not in left
    with pytest.raises(StoreError, match="Cannot read the index's key file"):
        keyfile.unlock(other_name, "passphrase")


def test_a_key_file_edited_or_opened_with_another_passphrase_does_not_unlock(tmp_path):
    path = tmp_path / "key.ragbox"
    data_key = keyfile.create(path, "first")
    assert keyfile.unlock(path, "first") == data_key and len(data_key) == 32
    with pytest.raises(StoreError, match="wrong passphrase"):
        keyfile.unlock(path, "First")
    weaker = path.read_text().replace('"time_cost": 3', '"time_cost": 1')  # costs are bound to the key
    path.write_text(weaker)
    with pytest.raises(StoreError, match="wrong passphrase"):
        keyfile.unlock(path, "first")


def test_forget_all_crypto_shreds_and_nothing_of_the_index_opens_after(make_engine, monkeypatch, tmp_path):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "before")
    engine = make_engine(**{"store.index": "matter", "index.encrypt": True})
    engine.index([SAMPLE_DOCS])
    engine.close()
    backup = tmp_path / "backup"  # what a disk or backup may still hold of the files
    shutil.copytree(engine.index_dir, backup)
    (backup / "key.ragbox").unlink()

    removed = engine.drop()
    assert "key.ragbox" in removed and "catalog.sqlite3" in removed
    assert not engine.index_dir.exists()
    again = make_engine(**{"store.index": "matter"})
    assert not again.encrypted() and not again.exists()
    with pytest.raises(StoreError, match="is empty"):
        again.search("termination")
    from sqlcipher3 import dbapi2

    copy = dbapi2.connect(str(backup / "catalog.sqlite3"))
    copy.execute("PRAGMA key = 'before'")  # the passphrase alone is not the key
    with pytest.raises(dbapi2.DatabaseError, match="not a database"):
        copy.execute("SELECT count(*) FROM chunks").fetchone()


def test_rekey_makes_the_old_passphrase_fail_and_the_new_one_work(make_engine, monkeypatch):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "old one")
    engine = make_engine(**{"store.index": "matter", "index.encrypt": True})
    engine.index([SAMPLE_DOCS])
    expected = [h.chunk_id for h in engine.search("termination", k=3)]
    engine.rekey("new one")
    engine.close()

    with pytest.raises(StoreError, match="wrong passphrase"):
        make_engine(**{"store.index": "matter"}).search("termination")
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "new one")
    assert [h.chunk_id for h in make_engine(**{"store.index": "matter"}).search("termination", k=3)] == expected


def test_rekey_with_a_wrong_current_passphrase_changes_nothing(make_engine, monkeypatch):
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "right")
    engine = make_engine(**{"store.index": "matter", "index.encrypt": True})
    engine.index([SAMPLE_DOCS])
    key = engine.key_file.read_bytes()
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "wrong")
    with pytest.raises(StoreError, match="wrong passphrase"):
        make_engine(**{"store.index": "matter"}).rekey("new")
    assert engine.key_file.read_bytes() == key


def test_rekey_destroys_the_old_wrapped_key_and_a_rekey_cut_short_is_finished_by_the_next_unlock(tmp_path):
    path = tmp_path / "key.ragbox"
    data_key = keyfile.create(path, "old")
    old_blocks = tmp_path / "old-inode"
    os.link(path, old_blocks)  # what the disk keeps of the old file after the rename
    keyfile.rewrap(path, "old", "new")
    assert b"argon2id" not in old_blocks.read_bytes()  # overwritten in place, not just unlinked
    assert keyfile.unlock(path, "new") == data_key

    # cut short: the new file written and flushed, the old one overwritten, the rename not done
    pending = tmp_path / "key.ragbox.new"
    pending.write_bytes(path.read_bytes())
    path.write_bytes(os.urandom(300))
    with pytest.raises(StoreError, match="wrong passphrase"):
        keyfile.unlock(path, "old")
    assert pending.exists()  # a wrong passphrase changes nothing, here either
    assert keyfile.unlock(path, "new") == data_key
    assert not pending.exists() and keyfile.unlock(path, "new") == data_key
