"""The OS keyring as the key source of an encrypted index (issue 24, item 2, ``index.keyring``):
a real Secret Service (GNOME Keyring on a D-Bus session bus of the test's own, started here)
keeps the secret; without one ragbox refuses it with the reason and doctor says why."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from ragbox.doctor import keyring_source
from ragbox.errors import StoreError
from ragbox.store import os_keyring
from ragbox.store.keyfile import LockedIndexError

from sealed_support import canary_word, files_holding, write_canary_folder

pytestmark = pytest.mark.slow


def forget_found_backends() -> None:
    """keyring looks for backends once a process: look again (the test changed what runs)."""
    import keyring.backend

    try:
        keyring.backend.get_all_keyring.reset()
    except KeyError:  # not looked for yet
        pass


@pytest.fixture
def secret_service(tmp_path, monkeypatch):
    """A running, unlocked GNOME Keyring on a session bus of this test's own."""
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("no dbus-daemon and gnome-keyring-daemon here (apt-get install dbus-daemon gnome-keyring)")
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True, mode=0o700)
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run"),
           "XDG_DATA_HOME": str(home / "data")}
    started = [subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                                stdout=subprocess.PIPE, text=True, env=env)]
    try:
        env["DBUS_SESSION_BUS_ADDRESS"] = started[0].stdout.readline().strip()
        started.append(subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env=env))
        started[1].stdin.write(b"the login password")
        started[1].stdin.close()
        for name in ("HOME", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "DBUS_SESSION_BUS_ADDRESS"):
            monkeypatch.setenv(name, env[name])
        forget_found_backends()
        yield env["DBUS_SESSION_BUS_ADDRESS"]
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=10)
        forget_found_backends()


def keyring_engine(make_engine, **flags):
    return make_engine(**{"store.index": "matter", "index.encrypt": True, "index.keyring": True, **flags})


def test_the_key_of_an_encrypted_index_lives_in_the_os_keyring_and_goes_with_the_index(
        secret_service, make_engine, tmp_path, monkeypatch):
    monkeypatch.delenv("RAGBOX_PASSPHRASE", raising=False)
    ring, name = os_keyring.backend()
    assert ring is not None and "SecretService" in type(ring).__module__, name
    assert keyring_source()["available"] is True and name in keyring_source()["detail"]
    canary = canary_word()
    engine = keyring_engine(make_engine)
    engine.index([write_canary_folder(tmp_path / "docs", canary)])
    engine.close()
    secret, _ = os_keyring.stored_secret(engine.index_dir)
    assert secret and engine.key_file.is_file() and os_keyring.holds_key(engine.index_dir)
    assert files_holding([canary.encode(), secret.encode()], tmp_path / "store") == []
    again = keyring_engine(make_engine)  # no passphrase anywhere: the keyring unlocks it
    assert any(canary in hit.text for hit in again.search(f"the {canary} budget"))
    removed = again.drop()
    assert "keyring.json" in removed and os_keyring.stored_secret(engine.index_dir)[0] is None


def test_without_an_os_keyring_the_index_is_refused_and_doctor_says_why(make_engine, monkeypatch, tmp_path):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    forget_found_backends()
    report = keyring_source()
    assert report["available"] is False and report["detail"].startswith("no OS keyring here: no D-Bus session bus")
    engine = keyring_engine(make_engine)
    with pytest.raises(StoreError) as refused:
        engine.index([write_canary_folder(tmp_path / "docs", canary_word())])
    assert refused.value.one_line().startswith("Cannot keep the index's key in the OS keyring")
    assert not engine.key_file.exists() and not os_keyring.holds_key(engine.index_dir)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")  # no keyring, chosen
    assert os_keyring.backend()[0] is None


def test_an_index_whose_keyring_is_gone_is_locked_with_the_reason(secret_service, make_engine, tmp_path,
                                                                   monkeypatch):
    monkeypatch.delenv("RAGBOX_PASSPHRASE", raising=False)
    engine = keyring_engine(make_engine)
    engine.index([write_canary_folder(tmp_path / "docs", canary_word())])
    engine.close()
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")  # logged in over ssh, say: no session bus
    locked = keyring_engine(make_engine)
    with pytest.raises(LockedIndexError) as error:
        locked.data_key()
    assert "its key is in the OS keyring, which cannot give it here: no OS keyring here" in error.value.one_line()


def test_rekey_moves_an_index_from_the_keyring_to_a_passphrase(secret_service, make_engine, tmp_path, monkeypatch):
    monkeypatch.delenv("RAGBOX_PASSPHRASE", raising=False)
    canary = canary_word()
    engine = keyring_engine(make_engine)
    engine.index([write_canary_folder(tmp_path / "docs", canary)])
    engine.rekey("a passphrase of my own")
    engine.close()
    assert os_keyring.stored_secret(engine.index_dir)[0] is None and not os_keyring.holds_key(engine.index_dir)
    monkeypatch.setenv("RAGBOX_PASSPHRASE", "a passphrase of my own")
    assert any(canary in hit.text for hit in keyring_engine(make_engine).search(f"the {canary} budget"))
