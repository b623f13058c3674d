"""The catalog of an encrypted index: the same SQLite schema in a SQLCipher file.

SQLCipher encrypts every page (AES-256 in CBC mode, with an HMAC-SHA512 per page) of the
database, of its write-ahead log and of its journals, so the passages, vectors, keyword index,
document cards and OCR text kept in it are ciphertext on the disk, written ahead or not. It is
opened with the index's data key itself (``PRAGMA key = "x'…'"``: no second key derivation; the
passphrase's argon2id is in ``store.keyfile``). Temporary tables and sorts stay in memory (an
FTS5 merge would otherwise spill into a temporary file), and memory-mapped reads are off, which
SQLCipher does not support for an encrypted file anyway.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ragbox.store.catalog import Catalog


class SealedCatalog(Catalog):
    def __init__(self, path: Path, data_key: bytes) -> None:
        self._data_key = data_key
        from sqlcipher3 import dbapi2

        self._driver = dbapi2
        self.OperationalError = (sqlite3.OperationalError, dbapi2.OperationalError)
        super().__init__(path)

    def _connect(self):
        connection = self._driver.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                          timeout=30)
        connection.execute(f"PRAGMA key = \"x'{self._data_key.hex()}'\"")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails now on a wrong key
        return connection
