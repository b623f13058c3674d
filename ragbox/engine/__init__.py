"""The composition root: one ``Engine`` serves the CLI, the app, ``serve`` and MCP alike.

``parts`` (``Parts``: every component, built from ``Settings`` on first use, so creating an
engine costs nothing and each heavy library is imported only by the command that needs it; the
question and table services get their parts from it), ``index_key`` (the engine's side of an
encrypted index: whether it is one, its data key, a new passphrase); this module: ``Engine``, the public
methods (index, search, ask, table, status, doctor, eval). The interfaces talk to the engine and
read the shared types; they never reach into the stages themselves.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Sequence

from ragbox.coverage import DocumentCoverage, coverage_fields
from ragbox.document_cards import DocumentCard
from ragbox.engine.parts import Parts
from ragbox.errors import DocumentError, IndexBusyError, RagboxError, StoreError
from ragbox.paths import data_dir, list_indexes
from ragbox.text import fiscal_years
from ragbox.types import Answer, Hit, PageInContext, Table, TableCell, Where

TokenCallback = Callable[[str], None]


class Engine(Parts):
    """The public methods, on the parts (``engine.parts``) built on first use."""

    def doctor(self, config_path: str | None = None, network_check: bool = True) -> dict:
        """Where every byte lives, the offline and telemetry switches, loose permissions, whether
        the LLM runs on this CPU and (``network_check``) an index and a question answered with
        networking made impossible. See ``ragbox.doctor``."""
        from ragbox import doctor

        return doctor.run(self, data_dir(self.settings), config_path, network_check)

    # --- indexing ----------------------------------------------------------------------------
    def _write_lock(self, wait: bool = False, on_wait: Callable[[], None] | None = None):
        from ragbox.store.write_lock import write_lock

        return write_lock(self.index_dir, self.index_name, wait, on_wait)

    def index(self, paths: Sequence[Path], on_progress=None, wait: bool = False,
              on_wait: Callable[[], None] | None = None, rebuild: bool = False, verify: bool = False):
        """Index ``paths`` (none: the folders the index was built from). ``rebuild`` drops the
        index first, under the same lock; ``wait`` waits for another indexer instead of failing;
        ``verify`` reads and hashes every file (else one with its recorded size, mtime and inode
        is unchanged without a read)."""
        from ragbox.ingest.indexer import Indexer
        from ragbox.ingest.loaders import ReadLimits

        self.prepare_key()  # an encrypted index: a wrong passphrase fails before anything is written
        with self._write_lock(wait, on_wait), self._team_writing():
            roots = [Path(p) for p in self.catalog.roots()]
            if rebuild:
                self._drop_everything()
            self.check_embedding_model(claim=True)
            indexer = Indexer(self.catalog, self.vectors, self.embedder, self.chunker,
                              self.settings.index.parse_processes, self.read_options,
                              ReadLimits.from_settings(self.settings.index))
            return indexer.run(paths or roots, on_progress, verify)

    @contextmanager
    def _team_writing(self):
        """With a team server: hold its lease, bring this machine's cache to its revision, and
        publish what the run changed (``store.team_server``); a lost server is a one-line error,
        and the next run finishes or undoes what this one left."""
        team = self.team
        if team is None:
            yield
            return
        from ragbox.store import team_cache
        from ragbox.store.team_server import reason

        with team.lease():
            team_cache.refresh(self.catalog, team)
            try:
                yield
            except (RagboxError, KeyboardInterrupt):
                raise
            except Exception as exc:
                raise StoreError("Team server: the index run stopped", reason(exc), team.url) from exc
            revision = team.publish(self.catalog)
            self.catalog.set_meta(team_cache.REVISION_KEY, revision)

    def follow_team(self) -> None:
        """With a team server: bring this machine's cache to the server's revision (not while this
        machine's own index run writes it: that run does)."""
        team = self.team
        if team is None:
            return
        from ragbox.store import team_cache

        try:
            with self._write_lock():
                team_cache.refresh(self.catalog, team)
        except IndexBusyError:
            pass

    def watch(self, paths: Sequence[Path], on_run: Callable, stop: threading.Event,
              on_error: Callable[[Exception], None] | None = None, quiet_ms: int | None = None) -> None:
        """Index ``paths`` (default: the folders the index was built from) now and again after
        every batch of file changes, until ``stop`` is set (see ``ingest.watching``); each run is
        an ordinary ``index`` run, seen by ``on_run(summary)``."""
        from ragbox.ingest.watching import QUIET_MS, keep_indexed

        roots = [Path(p).expanduser().absolute() for p in paths] or [Path(r) for r in self.roots()]
        if not roots:
            raise StoreError(f"Index '{self.index_name}' has no folders", "give a folder to watch")
        for root in roots:
            if not root.exists():
                raise DocumentError("Cannot watch", "no such file or folder", root)
        keep_indexed(lambda: self.index(roots), roots, on_run, stop, on_error, ignore=[data_dir(self.settings)],
                     quiet_ms=quiet_ms or QUIET_MS)

    def rebuild(self) -> None:
        """Drop the whole index (after an embedding model change); the next index run refills it."""
        with self._write_lock(), self._team_writing():
            self._drop_everything()

    def _drop_everything(self) -> None:
        self.vectors.drop_all()
        self.catalog.clear()
        self.catalog.purge_deleted()
        if not self._embedder_given:  # the next run computes the configured precision
            self._embedder = self._chunker = self._retriever = self._questions = None

    def forget(self, path: Path) -> list[str]:
        from ragbox.ingest.indexer import Indexer

        self.follow_team()
        self.require_index()
        with self._write_lock(), self._team_writing():
            return Indexer(self.catalog, self.vectors, self.embedder, self.chunker,
                           read_options=self.read_options).forget(path)

    def drop(self) -> list[str]:
        """Remove this index whole from this machine: its catalog (texts, cards, coverage), vectors
        and OCR cache (``forget --all``). Returns what was removed, as names in the index's folder.
        An encrypted index is crypto-shredded: its key file is destroyed first (``store.keyfile.shred``).
        A team server's index is the team's: not dropped from here."""
        import shutil

        from ragbox.store import os_keyring
        from ragbox.store.keyfile import shred

        if self.settings.store.url:
            raise StoreError(f"Not dropping index '{self.index_name}'", "it lives on the team server "
                             f"{self.settings.store.url}; forget its files instead", self.index_dir)
        if not self.index_dir.is_dir():
            raise StoreError(f"No index '{self.index_name}' to drop", "nothing is stored for it", self.index_dir)
        with self._write_lock():
            self.close()  # nothing of it open while its files go
            removed = sorted(p.name + ("/" if p.is_dir() else "") for p in self.index_dir.iterdir())
            if self.encrypted():
                shred(self.key_file)  # first: from here on nothing left of the index can be decrypted
            if os_keyring.holds_key(self.index_dir):
                os_keyring.forget(self.index_dir)  # the secret that unwrapped it, from the OS keyring
            shutil.rmtree(self.index_dir)
        self._catalog = self._vectors = self._data_key = None
        return removed

    def rekey(self, new_passphrase: str) -> None:
        """Change an encrypted index's passphrase (the data key is the same, wrapped anew)."""
        self.data_key()  # a wrong current passphrase fails before the lock file is touched
        with self._write_lock():
            self.change_passphrase(new_passphrase)

    def check_embedding_model(self, claim: bool = False) -> None:
        from ragbox.store import embedding_record

        embedding_record.check(self.catalog, self.embedder, self.index_name, self.settings.embedding.backend, claim)

    def require_index(self) -> None:
        if not self.exists() or not self.catalog.has_documents():
            raise StoreError(f"Index '{self.index_name}' is empty",
                             "run `ragbox index FOLDER` first", self.index_dir)

    # --- questions ---------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, where: Where = None) -> list[Hit]:
        self.follow_team()
        self.require_index()
        self.check_embedding_model()
        with self.catalog.snapshot():  # one version of the index, even while another process writes
            hits = self.retriever.search(query, k or self.settings.retrieval.k, where)
            if not fiscal_years(query, plain=True):  # a filing's figure is of a year: no answer modules loaded
                return hits
            return self.questions.statement_rows_first(query, hits, k or self.settings.retrieval.k, where)

    def ask(self, question: str, k: int | None = None, where: Where = None,
            on_token: TokenCallback | None = None, cancel: threading.Event | None = None,
            retrieval_query: str | None = None) -> Answer:
        """Retrieve, find the evidence, decide whether it answers, then answer (``question_service``).
        ``retrieval_query`` searches in place of the question (a follow-up made standalone) while
        the answer is to the question as asked."""
        self.follow_team()
        self.require_index()
        self.check_embedding_model()
        return self.questions.ask(question, k, where, on_token, cancel, retrieval_query)

    def table(self, columns: Sequence[str], where: Where = None, generate: bool = False,
              on_progress: Callable[[int, int, TableCell], None] | None = None,
              cancel: threading.Event | None = None) -> Table:
        """Every column question asked of every document in scope (``table.service``)."""
        self.follow_team()
        self.require_index()
        self.check_embedding_model()
        return self.tables.table(columns, where, generate, on_progress, cancel)

    def answers_with_model(self) -> bool:
        """Whether the LLM writes the answers (else ragbox takes them from the sources)."""
        from ragbox.question_service import answer_style

        return answer_style(self.settings, self.llm.name()) == "generate"

    def conversation(self):
        """A new, empty conversation (follow-ups made standalone, Markdown export)."""
        from ragbox.conversation.transcript import Conversation

        return Conversation()

    # --- what is there -----------------------------------------------------------------------
    def status(self) -> dict:
        from ragbox.store.keyfile import LockedIndexError

        self.follow_team()
        try:
            exists = self.exists() and self.catalog is not None  # an encrypted one is unlocked here
        except LockedIndexError:
            return self.locked_status()
        docs = self.catalog.documents() if exists else []
        size = sum(p.stat().st_size for p in self.index_dir.rglob("*") if p.is_file()) if exists else 0
        return {
            "index": self.index_name,
            "store_path": str(self.index_dir),
            "store_bytes": size,
            "files": len(docs),
            "pages": sum(d.pages for d in docs),
            "chunks": sum(d.chunks for d in docs),
            "roots": self.catalog.roots() if exists else [],
            "embedding_model": (self.catalog.get_meta("embedding_model") if exists else None),
            "embedding_backend": (self.catalog.get_meta("embedding_backend") if exists else None),
            "embedding_vectors": self._stored_precision(),
            "llm": self.llm.name(),
            "last_run": self.catalog.last_run() if exists else None,
            "skipped": self.catalog.skipped() if exists else {},
            "coverage": self._coverage_counts() if exists else None,
            "indexes": list_indexes(self.settings),
            **self._team_status(),
            **({"encrypted": True} if self.encrypted() else {}),
        }

    def _team_status(self) -> dict:
        if self.team is None:
            return {}
        from ragbox.store import team_cache

        return {"team": team_cache.describe(self.catalog, self.team)}

    def _coverage_counts(self) -> dict:
        from ragbox.store.coverage import state_counts

        return coverage_fields(state_counts(self.catalog))

    def documents(self):
        self.follow_team()
        return self.catalog.documents() if self.exists() else []

    def coverage(self, paths: Sequence[Path] = ()) -> list[DocumentCoverage]:
        """How each page of the documents at or under ``paths`` (all when none) was read."""
        from ragbox.store.coverage import document_coverage

        targets = [str(Path(p).expanduser().absolute().resolve()) for p in paths]
        return document_coverage(self.catalog, targets) if self.exists() else []

    def cards(self, where: Where = None) -> list[DocumentCard]:
        """What each indexed document is (title, kind, parties, dates), by path (``question_service``)."""
        return self.document_names.cards(where) if self.exists() else []

    def roots(self) -> list[str]:
        return self.catalog.roots() if self.exists() else []

    @staticmethod
    def in_scope(path: str, where: Where) -> bool:
        """Whether a file's path matches the search scope (glob patterns; none matches all)."""
        from ragbox.search.scope import in_scope

        return in_scope(path, where)

    @staticmethod
    def scope_pattern_for(path_shown: str) -> str:
        """A scope pattern matching exactly the file shown as ``path_shown``."""
        from ragbox.search.scope import glob_escape

        return glob_escape(path_shown)

    def page_in_context(self, hit: Hit) -> PageInContext:
        """The page a passage came from, read from the file again, with the passage located."""
        from ragbox.ingest.loaders import ReadLimits, page_in_context

        return page_in_context(hit, self.read_options, ReadLimits.from_settings(self.settings.index))

    def conversations_dir(self) -> Path:
        """Where the app saves conversations (``privacy.write_private_text``: answers quote documents)."""
        return data_dir(self.settings) / "conversations"

    def tables_dir(self) -> Path:
        """Where the app saves review tables (0600, ``privacy.write_private_text``: cells quote documents)."""
        return data_dir(self.settings) / "tables"

    # --- measuring ---------------------------------------------------------------------------
    def evaluate(self, queries_file: Path, ks: Sequence[int], budget: int, limit: int | None = None,
                 on_hits: Callable | None = None) -> dict:
        """Run labelled queries through ``search`` and score them (see ``search.evaluation``).
        ``on_hits(query_id, hits)`` sees every query's ranked hits."""
        from ragbox.search import evaluation

        self.search("warm up", k=1)  # fails on a missing index; loads the model outside the timings
        indexed = {Path(d.path).name for d in self.documents()}
        return {"index": self.index_name, "queries_file": str(queries_file),
                "retrieval_mode": self.settings.retrieval.mode,
                **evaluation.measure(queries_file, self.search, indexed, ks, budget, limit, on_hits)}

    def evaluate_answers(self, queries_file: Path, limit: int | None = None,
                         on_answer: Callable | None = None) -> dict:
        """Ask every labelled question and grade the answers (see ``answer.grading``):
        ``on_answer(query_id, answer, result)`` sees each one."""
        from ragbox.answer.grading import measure_answers
        from ragbox.search import evaluation

        queries = evaluation.load_queries(queries_file, limit)
        self.search("warm up", k=1)  # fails on a missing index; loads the model outside the timings
        return {"index": self.index_name, "queries_file": str(queries_file), "answer_style": self.questions.style(),
                "model": self.llm.name(), **measure_answers(queries, self.ask, on_answer)}
