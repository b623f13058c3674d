"""The key of an encrypted index: a random 256-bit data key, kept wrapped in the index's key file.

The data key encrypts everything written for the index (the SQLCipher catalog, OCR pages, saved
conversations and tables); the passphrase only unwraps it. The wrapping key is derived from the
passphrase with argon2id (RFC 9106's second recommended setting: 64 MiB, 3 passes, 4 lanes; the
salt and costs are stored beside the wrapped key, so they can be raised later), and the data key
is wrapped with AES-256-GCM, the file's header bound in as associated data so that no field of
it can be edited unseen. A wrong passphrase fails the tag check before any index file is opened.

So a new passphrase (``rekey``) rewraps the same data key in place of the old file, and
destroying this one small file (``shred``) makes every other file of the index unreadable:
crypto-shredding, which does not depend on the disk overwriting the large files in place.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from ragbox.errors import StoreError
from ragbox.paths import INDEX_KEY_FILE
from ragbox.privacy import PRIVATE_FILE_MODE

KEY_FILE = INDEX_KEY_FILE
FORMAT = "ragbox-index-key"
KDF_COSTS = {"time_cost": 3, "memory_kib": 65536, "parallelism": 4}  # RFC 9106 §4, second choice
DATA_KEY_BYTES = 32


class LockedIndexError(StoreError):
    """An encrypted index was opened with no passphrase to unlock it."""


def key_path(index_dir: Path) -> Path:
    return Path(index_dir) / KEY_FILE


def create(path: Path, passphrase: str) -> bytes:
    """A new random data key, written wrapped under ``passphrase`` to ``path``; returns the key."""
    if not passphrase:
        raise StoreError("Cannot encrypt the index", "the passphrase is empty", path)
    data_key = os.urandom(DATA_KEY_BYTES)
    _write_atomically(path, _wrapped(data_key, passphrase))
    return data_key


def unlock(path: Path, passphrase: str) -> bytes:
    """The data key in ``path``; a wrong passphrase (or an edited file) is a one-line error. A
    ``rekey`` cut short after it destroyed the old file is finished here (``_replace``)."""
    path = Path(path)
    pending = _pending(path)
    if pending.is_file() and not _readable(path):
        data_key = _unwrap(pending, passphrase)
        os.replace(pending, path)  # the new passphrase's file, complete and flushed before the old went
        _sync_folder(path.parent)
        return data_key
    return _unwrap(path, passphrase)


def _unwrap(path: Path, passphrase: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        header = _header(record)
        kdf = record["kdf"]
        wrapping = _derive(passphrase, _b64(kdf["salt"]), kdf)
        return AESGCM(wrapping).decrypt(_b64(record["nonce"]), _b64(record["wrapped"]), header)
    except InvalidTag:
        raise StoreError("Cannot unlock the encrypted index", "wrong passphrase", path) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError("Cannot read the index's key file", f"{type(exc).__name__}: {exc}", path) from None


def rewrap(path: Path, old_passphrase: str, new_passphrase: str) -> None:
    """Wrap the same data key under ``new_passphrase`` (fresh salt and nonce); the old one then fails."""
    data_key = unlock(path, old_passphrase)
    if not new_passphrase:
        raise StoreError("Cannot change the passphrase", "the new passphrase is empty", path)
    _write_atomically(path, _wrapped(data_key, new_passphrase), destroy_old=True)


def shred(path: Path) -> None:
    """Destroy the key file: overwrite it in place with random bytes, flush that to the disk,
    then unlink it (and flush the folder). Without it no file of the index can be decrypted."""
    path = Path(path)
    _overwrite(path)
    path.unlink()
    _pending(path).unlink(missing_ok=True)
    _sync_folder(path.parent)


def _overwrite(path: Path) -> None:
    """Random bytes over the file's own blocks, flushed to the disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        size = os.fstat(fd).st_size
        for _ in range(2):  # random, then random again: no pattern of the old bytes is left to read
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, os.urandom(max(size, 1)))
            os.fsync(fd)
    finally:
        os.close(fd)


def _wrapped(data_key: bytes, passphrase: str) -> dict:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = {"name": "argon2id", "salt": _text(os.urandom(16)), **KDF_COSTS}
    record = {"format": FORMAT, "version": 1, "cipher": "AES-256-GCM", "kdf": kdf}
    nonce = os.urandom(12)
    wrapped = AESGCM(_derive(passphrase, _b64(kdf["salt"]), kdf)).encrypt(nonce, data_key, _header(record))
    return {**record, "nonce": _text(nonce), "wrapped": _text(wrapped)}


def _header(record: dict) -> bytes:
    """What the wrapped key is bound to: everything in the file but the nonce and ciphertext."""
    if record.get("format") != FORMAT or record.get("version") != 1:
        raise ValueError("not a ragbox index key file of a known version")
    fields = {k: record[k] for k in ("format", "version", "cipher", "kdf")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _derive(passphrase: str, salt: bytes, kdf: dict) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    if kdf.get("name") != "argon2id":
        raise ValueError(f"unknown key derivation {kdf.get('name')!r}")
    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=int(kdf["time_cost"]),
                           memory_cost=int(kdf["memory_kib"]), parallelism=int(kdf["parallelism"]),
                           hash_len=32, type=Type.ID)


def _pending(path: Path) -> Path:
    return path.with_name(path.name + ".new")


def _readable(path: Path) -> bool:
    try:
        _header(json.loads(path.read_text(encoding="utf-8")))
        return True
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write_atomically(path: Path, record: dict, destroy_old: bool = False) -> None:
    """Written whole (0600) and flushed before it replaces the old file: a crash leaves either.
    ``destroy_old``: the old file's blocks are overwritten first (a new passphrase: the old one
    must not unwrap a copy left in blocks the rename freed); a crash right after leaves the new
    file beside it, which ``unlock`` then puts in its place."""
    path = Path(path)
    temporary = _pending(path)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW,
                 PRIVATE_FILE_MODE)
    try:
        os.write(fd, json.dumps(record, indent=1).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if destroy_old and path.is_file():
        _overwrite(path)
    os.replace(temporary, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _text(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
