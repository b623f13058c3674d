"""The OS keyring as the key source of an encrypted index (``index.keyring = true``).

Instead of a passphrase the user types, a random secret kept in the OS keyring (the Secret Service
of GNOME Keyring or KeePassXC, KWallet, the macOS Keychain, the Windows Credential Locker, through
the ``keyring`` package) unwraps the index's key file (``keyfile``: the same wrapping, the same
format). The keyring unlocks with the user's login, so an encrypted index then opens with no
passphrase asked, and only for that user. A backend that is no keyring at all (``keyring``'s
``fail`` and ``null`` ones, or ``keyrings.alt``'s files, plaintext or keyed by yet another
password) is never used: ragbox says why instead.

An index whose key is in the keyring has a marker file (``KEYRING_MARKER``) saying so, and
nothing secret: ragbox asks the keyring only for those indexes (a keyring may prompt to unlock).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from ragbox.errors import StoreError
from ragbox.privacy import PRIVATE_FILE_MODE

SERVICE = "ragbox index key"
KEYRING_MARKER = "keyring.json"
SECRET_BYTES = 32
MIN_PRIORITY = 1  # keyring's own scale: its real backends rank 1 and up, fail/null/plaintext below


def backend() -> tuple[object | None, str]:
    """The OS keyring ragbox would use and its name, or None and why there is none here."""
    try:
        import keyring.backend
        import keyring.core
    except ImportError:
        return None, "the keyring package is not installed"
    try:  # the backend the user configured (PYTHON_KEYRING_BACKEND, keyringrc.cfg), else the best one
        configured = keyring.core.load_env() or keyring.core.load_config()
        rings = [configured] if configured else keyring.backend.get_all_keyring()
        real = sorted((ring for ring in rings if _priority(ring) >= MIN_PRIORITY and _is_keyring(ring)),
                      key=_priority, reverse=True)
    except Exception as exc:  # the keyring package failing as it looks: none usable
        return None, f"the keyring failed ({type(exc).__name__})"
    if real:
        return real[0], getattr(real[0], "name", type(real[0]).__name__)
    return None, _why_none()


def _priority(ring) -> float:
    try:
        return float(ring.priority)  # checked now: a Secret Service that stopped raises here
    except Exception:
        return -1.0


def _is_keyring(ring) -> bool:
    """Not a stand-in: keyring's fail, null and chainer, keyrings.alt's files (plaintext or keyed)."""
    module = type(ring).__module__
    return not module.startswith(("keyrings.alt", "keyring.backends.fail", "keyring.backends.null",
                                  "keyring.backends.chainer"))


def _why_none() -> str:
    import sys

    if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return ("no OS keyring here: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret "
                "Service (GNOME Keyring, KeePassXC) or KWallet can answer")
    return "no OS keyring answers here (no Secret Service or KWallet on the session bus, not macOS or Windows)"


def _account(index_dir: Path) -> str:
    return str(Path(index_dir).resolve())


def marker(index_dir: Path) -> Path:
    return Path(index_dir) / KEYRING_MARKER


def holds_key(index_dir: Path) -> bool:
    """Whether this index's key is unwrapped by a secret in the OS keyring."""
    return marker(index_dir).is_file()


def new_secret(index_dir: Path) -> str:
    """A new random secret for this index, kept in the OS keyring (and the marker written)."""
    ring, why = backend()
    if ring is None:
        raise StoreError("Cannot keep the index's key in the OS keyring", f"{why} (index.keyring)", index_dir)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    try:
        ring.set_password(SERVICE, _account(index_dir), secret)
    except Exception as exc:
        raise StoreError("Cannot keep the index's key in the OS keyring",
                         f"{why} refused it ({type(exc).__name__})", index_dir) from None
    record = {"service": SERVICE, "account": _account(index_dir), "keyring": why}
    fd = os.open(marker(index_dir), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW,
                 PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(record, file)
    return secret


def stored_secret(index_dir: Path) -> tuple[str | None, str]:
    """This index's secret from the OS keyring, or None and why not."""
    ring, why = backend()
    if ring is None:
        return None, why
    try:
        found = ring.get_password(SERVICE, _account(index_dir))
    except Exception as exc:
        return None, f"{why} failed ({type(exc).__name__})"
    return (found, why) if found else (None, f"{why} holds no key for this index")


def forget(index_dir: Path) -> bool:
    """Delete this index's secret from the OS keyring and the marker; whether the keyring had it."""
    ring, _ = backend()
    deleted = False
    if ring is not None:
        try:
            ring.delete_password(SERVICE, _account(index_dir))
            deleted = True
        except Exception:  # keyring.errors.PasswordDeleteError: not there
            deleted = False
    marker(index_dir).unlink(missing_ok=True)
    return deleted
