"""Messages that carry work results from thread workers to the UI (post_message is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class TokenArrived(Message):
    turn_id: int
    text: str


@dataclass
class AnswerFinished(Message):
    turn_id: int
    answer: Any  # ragbox.types.Answer


@dataclass
class AnswerFailed(Message):
    turn_id: int
    error: str


@dataclass
class ModelStateChanged(Message):
    state: str  # "not loaded" | "loading" | "ready" | "error"
    name: str
    detail: str = ""


@dataclass
class CatalogLoaded(Message):
    status: dict
    documents: list
    skipped: dict
    cards: dict = field(default_factory=dict)  # file path -> its DocumentCard (title, parties, dates)
    coverage: dict = field(default_factory=dict)  # part path -> how its pages were read (DocumentCoverage)


@dataclass
class IndexProgressed(Message):
    progress: Any  # ragbox.ingest.indexer.IndexProgress (a copy)


@dataclass
class IndexFinished(Message):
    summary: Any = None  # ragbox.ingest.indexer.IndexSummary, or None on error
    error: str = ""


@dataclass
class WatchRan(Message):
    """Watching the folders: an index run finished (``summary``), or could not run (``error``)."""

    summary: Any = None  # ragbox.ingest.indexer.IndexSummary
    error: str = ""


@dataclass
class WatchStopped(Message):
    error: str = ""  # why watching stopped, when it was not asked to


@dataclass
class ScopeRequested(Message):
    """A widget asks to scope questions to this path pattern (None clears the scope), or to the
    one file shown as ``exact_path``."""

    pattern: str | None
    exact_path: str | None = None


@dataclass
class SourceRequested(Message):
    """Open source ``number`` (1-based) of conversation turn ``turn_id`` in context."""

    turn_id: int
    number: int


@dataclass
class TableCellReady(Message):
    """A review table's cell is answered: ``done`` of ``total`` cells."""

    run_id: int
    cell: Any  # ragbox.types.TableCell
    done: int
    total: int


@dataclass
class TableFinished(Message):
    run_id: int
    table: Any = None  # ragbox.types.Table, or None on error
    error: str = ""
