"""Authenticated encryption (AES-256-GCM) of what an encrypted index writes besides its SQLCipher
catalog: OCR pages, saved conversations, review tables and exports.

Each use has its own key, derived from the index's data key with HMAC-SHA256 under a label (a
page of the OCR cache cannot be passed off as an export). A sealed text is ASCII: a header line
naming the format, then base64 of nonce and ciphertext, so it goes wherever a text file goes
(``privacy.write_private_file``) and a reader sees at once what it is. The associated data binds
it to its use; a changed byte fails the tag and is an error, never wrong text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

HEADER = "ragbox-encrypted v1 (AES-256-GCM; `ragbox --index NAME decrypt FILE` shows it)\n"


class NotDecryptable(ValueError):
    """Not sealed by this index's key for this use (or changed since)."""


def subkey(data_key: bytes, label: str) -> bytes:
    """The key for one use (``label``) of the index's data key."""
    return hmac.new(data_key, f"ragbox/{label}".encode(), hashlib.sha256).digest()


def name_of(key: bytes, text: str, length: int = 32) -> str:
    """A file name that reveals nothing of ``text`` (a keyed hash of it)."""
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:length]


def seal_bytes(key: bytes, data: bytes, use: bytes = b"") -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, use)


def open_bytes(key: bytes, blob: bytes, use: bytes = b"") -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], use)
    except (InvalidTag, ValueError):
        raise NotDecryptable("not encrypted with this index's key, or changed since") from None


def seal_text(key: bytes, text: str) -> str:
    """``text`` as a sealed text file's contents."""
    body = base64.encodebytes(seal_bytes(key, text.encode("utf-8"), HEADER.encode())).decode("ascii")
    return HEADER + body


def open_text(key: bytes, sealed: str) -> str:
    if not sealed.startswith(HEADER):
        raise NotDecryptable("not a file ragbox encrypted")
    try:
        blob = base64.decodebytes(sealed[len(HEADER):].encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise NotDecryptable("its encrypted text is damaged") from None
    return open_bytes(key, blob, HEADER.encode()).decode("utf-8")
