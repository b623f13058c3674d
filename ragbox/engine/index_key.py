"""The engine's side of an encrypted index: whether it is one, its data key, a new one's key file,
a new passphrase, and what its status shows while it is locked.

The passphrase comes from a *source* given to the engine: a function of ``new`` (whether it is
for a new key, which a terminal asks twice) returning the passphrase or None. The CLI asks on a
terminal; the default reads ``RAGBOX_PASSPHRASE``. It is asked once per engine, when the index's
catalog is first needed, and never before a plain index needs nothing of it. With
``index.keyring`` a new index's key is unwrapped by a secret in the OS keyring instead
(``store.os_keyring``), and that index never asks for a passphrase.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ragbox.errors import StoreError
from ragbox.store import keyfile, os_keyring
from ragbox.store.keyfile import LockedIndexError

PASSPHRASE_ENV = "RAGBOX_PASSPHRASE"
PassphraseSource = Callable[[bool], "str | None"]


def passphrase_from_environment(new: bool = False) -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or None


class IndexKey:
    """Mixed into ``Parts`` (needs ``settings``, ``index_name``, ``index_dir`` and ``exists()``)."""

    _passphrase: PassphraseSource = staticmethod(passphrase_from_environment)
    _data_key: bytes | None = None

    def use_passphrase(self, source: PassphraseSource | None) -> None:
        if source is not None:
            self._passphrase = source

    @property
    def key_file(self) -> Path:
        return keyfile.key_path(self.index_dir)

    def encrypted(self) -> bool:
        """Whether this index is encrypted at rest (its key file is there)."""
        return self.key_file.is_file()

    def data_key(self) -> bytes:
        """The index's data key, unwrapped with the passphrase (once per engine)."""
        if self._data_key is None:
            passphrase = self._keyring_secret() if os_keyring.holds_key(self.index_dir) else self._passphrase(False)
            if not passphrase:
                raise LockedIndexError(f"Index '{self.index_name}' is encrypted", f"set {PASSPHRASE_ENV} or run "
                                       "ragbox on a terminal to be asked for its passphrase", self.index_dir)
            self._data_key = keyfile.unlock(self.key_file, passphrase)
        return self._data_key

    def prepare_key(self) -> None:
        """Before an index run: unlock an encrypted index (a wrong passphrase fails here, before
        any file is touched), or with ``index.encrypt`` make a new index's key file."""
        if self.encrypted():
            self.data_key()
            return
        if not self.settings.index.encrypt:
            return
        if self.settings.store.url:
            raise StoreError(f"Cannot encrypt index '{self.index_name}'", "its vectors and texts live on the team "
                             f"server {self.settings.store.url}, which ragbox does not encrypt", self.index_dir)
        if self.exists():
            raise StoreError(f"Index '{self.index_name}' is not encrypted", "it was built plain: drop it (`ragbox "
                             f"--index {self.index_name} forget --all`) and index again with --encrypt", self.index_dir)
        if self.settings.index.keyring:
            self._create_in_keyring()
            return
        passphrase = self._passphrase(True)
        if not passphrase:
            raise LockedIndexError(f"Cannot encrypt index '{self.index_name}'", f"no passphrase: set "
                                   f"{PASSPHRASE_ENV} or run ragbox on a terminal to be asked for one", self.index_dir)
        from ragbox.privacy import private_dir

        private_dir(self.index_dir)
        self._data_key = keyfile.create(self.key_file, passphrase)

    def _create_in_keyring(self) -> None:
        """A new key file, unwrapped by a random secret the OS keyring keeps (``index.keyring``)."""
        from ragbox.privacy import private_dir

        private_dir(self.index_dir)
        secret = os_keyring.new_secret(self.index_dir)  # refused with the reason where no keyring runs
        try:
            self._data_key = keyfile.create(self.key_file, secret)
        except BaseException:
            os_keyring.forget(self.index_dir)
            raise

    def _keyring_secret(self) -> str:
        secret, why = os_keyring.stored_secret(self.index_dir)
        if not secret:
            raise LockedIndexError(f"Index '{self.index_name}' is encrypted", f"its key is in the OS keyring, "
                                   f"which cannot give it here: {why}", self.index_dir)
        return secret

    def change_passphrase(self, new_passphrase: str) -> None:
        """Wrap the data key under ``new_passphrase``; the current passphrase must unlock it first."""
        if not self.encrypted():
            raise StoreError(f"Index '{self.index_name}' is not encrypted", "there is no passphrase to change",
                             self.index_dir)
        in_keyring = os_keyring.holds_key(self.index_dir)
        old = self._keyring_secret() if in_keyring else self._passphrase(False)
        if not old:
            raise LockedIndexError(f"Index '{self.index_name}' is encrypted", f"give its current passphrase "
                                   f"({PASSPHRASE_ENV} or on a terminal)", self.index_dir)
        keyfile.rewrap(self.key_file, old, new_passphrase)
        if in_keyring:  # the passphrase unwraps it from now on: the keyring's secret no longer does
            os_keyring.forget(self.index_dir)

    def at_rest(self, text: str) -> str:
        """``text`` (an export, a saved conversation or table) as this index writes it to a file:
        sealed with its key when it is encrypted (``ragbox.encryption``), else as it is."""
        if not self.encrypted():
            return text
        from ragbox.encryption import seal_text, subkey

        return seal_text(subkey(self.data_key(), "files"), text)

    def decrypt_text(self, sealed: str, path: Path) -> str:
        """The text of a file ``at_rest`` sealed with this index's key (``ragbox decrypt``)."""
        from ragbox.encryption import NotDecryptable, open_text, subkey

        if not self.encrypted():
            raise StoreError(f"Index '{self.index_name}' is not encrypted", "it has no key to decrypt with", path)
        try:
            return open_text(subkey(self.data_key(), "files"), sealed)
        except NotDecryptable as exc:
            raise StoreError("Cannot decrypt", f"{exc} (index '{self.index_name}')", path) from None

    def locked_status(self) -> dict:
        """All that ``status`` shows of an encrypted index opened without its passphrase."""
        from ragbox.paths import list_indexes

        return {"index": self.index_name, "encrypted": True, "locked": True, "store_path": str(self.index_dir),
                "indexes": list_indexes(self.settings)}
