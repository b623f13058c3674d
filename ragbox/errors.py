"""The small error hierarchy of ragbox.

Every failure a user can cause or fix is a ``RagboxError``; the CLI and the TUI turn it into a
one-line message ``<what> (<file>): <why>``. Anything else is a bug and shows a traceback only
with ``--debug``.
"""

from __future__ import annotations

from pathlib import Path


class RagboxError(Exception):
    """Base class: ``what`` is the failed action, ``path`` the file it concerns, ``why`` the cause."""

    def __init__(self, what: str, why: str = "", path: str | Path | None = None) -> None:
        self.what = what
        self.why = why
        self.path = str(path) if path is not None else None
        super().__init__(self.one_line())

    def __reduce__(self):
        # rebuilt from its parts, not from the one line: an error raised in a child process (offline.in_child_process)
        return type(self), (self.what, self.why, self.path)

    def one_line(self) -> str:
        text = self.what
        if self.path:
            text += f" ({self.path})"
        if self.why:
            text += f": {self.why}"
        return text


class ConfigError(RagboxError):
    """A setting is missing, malformed or out of range; ``what`` names the key."""


class DocumentError(RagboxError):
    """One input file could not be read; the run goes on without it."""


class ModelError(RagboxError):
    """An embedding model or LLM could not be found or loaded."""


class StoreError(RagboxError):
    """The index is missing, empty, locked or was built with another embedding model."""


class IndexBusyError(StoreError):
    """Another ragbox is writing the index right now; trying again later will do."""
