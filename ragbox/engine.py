"""The composition root and service layer: one ``Engine`` serves the CLI and the TUI alike.

It builds every component from ``Settings`` on first use, so creating an engine costs nothing and
each heavy library is imported only by the command that needs it. The interfaces talk to the
engine and read the shared types; they never reach into the stages themselves.
"""

from __future__ import annotations

import fcntl
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ragbox.config import Settings
from ragbox.errors import DocumentError, IndexBusyError, StoreError
from ragbox.llm.llm_slot import LlmSlot
from ragbox.offline import apply_offline_env
from ragbox.paths import data_dir
from ragbox.privacy import make_private, private_dir, private_umask
from ragbox.types import Answer, DocumentCard, Hit, PageInContext, Table, TableCell, Where

TokenCallback = Callable[[str], None]


class Engine:
    def __init__(self, settings: Settings, embedder=None, generator=None) -> None:
        """``embedder``/``generator`` replace the configured ones (a shared or fake instance)."""
        apply_offline_env()  # before any model library is imported: no hub, no telemetry
        self.settings = settings
        self.index_name = settings.store.index
        self.index_dir = data_dir(settings) / "indexes" / self.index_name
        self._catalog = self._vectors = self._chunker = self._retriever = None  # built on first use
        self._read_options = None
        self._embedder = embedder
        self.llm = LlmSlot(settings.llm, generator)  # the model: ``engine.llm.load()``, ``.name()``, ``.switch()``
        self._questions = self._tables = self._names = None
        self._embedder_given = embedder is not None
        self._building = threading.Lock()  # the app builds components from several threads

    # --- components, built on first use ------------------------------------------------------
    @property
    def catalog(self):
        if self._catalog is None:
            from ragbox.store.catalog import Catalog

            self._catalog = Catalog(self.index_dir / "catalog.sqlite3")
        return self._catalog

    @property
    def vectors(self):
        if self._vectors is None:
            from ragbox.store.vectors import COLLECTION, ChromaVectorStore, server_collection

            cfg = self.settings.store
            self._vectors = ChromaVectorStore(self.index_dir / "chroma", cfg.url, cfg.token,
                                              server_collection(self.index_name) if cfg.url else COLLECTION)
        return self._vectors

    @property
    def embedder(self):
        """Computes vectors of the index's own precision (queries must match what was stored)."""
        with self._building:
            if self._embedder is None:
                from ragbox.store.embeddings import make_embedder, resolve_model_dir

                model, backend, precision, batch_size, threads = self.embedder_key()
                self._embedder = make_embedder(resolve_model_dir(model), backend, precision, batch_size, threads)
            return self._embedder

    def embedder_key(self) -> tuple:
        """What this engine's embedder depends on (model, backend, the index's precision, batch
        size, threads): engines with equal keys can share one."""
        from ragbox.store.embeddings import configured_precision

        cfg = self.settings.embedding
        precision = self._stored_precision() or configured_precision(cfg.backend)
        return (cfg.model, cfg.backend, precision, cfg.batch_size, cfg.threads)

    def use_embedder(self, embedder) -> None:
        """Embed with ``embedder`` (one loaded elsewhere for the same settings) from now on."""
        with self._building:
            self._embedder = embedder
            self._questions = None

    def _stored_precision(self) -> str | None:
        from ragbox.store.embedding_record import stored_precision

        return stored_precision(self.catalog if self.exists() else None)

    @property
    def chunker(self):
        if self._chunker is None:
            from ragbox.ingest.chunking import Chunker

            tokenizer = self.embedder.tokenizer
            cfg = self.settings.chunking
            limit = min(cfg.max_tokens or tokenizer.max_tokens, tokenizer.max_tokens)
            self._chunker = Chunker(tokenizer, limit, cfg.overlap_tokens, cfg.structure)
        return self._chunker

    @property
    def read_options(self):
        """How files are read: with the OCR engine for scanned pages unless ``index.ocr = off``."""
        if self._read_options is None:
            from ragbox.ingest.loaders import ReadOptions

            ocr = None
            if self.settings.index.ocr == "auto":
                from ragbox.ingest.ocr import CachedPageOcr, RapidPageOcr

                # the engine loads its models when it meets the first scanned page
                ocr = CachedPageOcr(RapidPageOcr(), self.index_dir / "ocr-cache")
            self._read_options = ReadOptions(ocr=ocr)
        return self._read_options

    @property
    def retriever(self):
        if self._retriever is None:
            from ragbox.search.retrieval import HybridRetriever
            from ragbox.store.exact import VectorReader

            cfg = self.settings.retrieval
            reranker = None
            if cfg.reranker:
                from ragbox.search.reranking import CrossEncoderReranker

                reranker = CrossEncoderReranker(Path(cfg.reranker).expanduser())
            reader = VectorReader(self.catalog, lambda: self.vectors, cfg.exact_up_to)
            self._retriever = HybridRetriever(self.catalog, reader, self.embedder, cfg.mode,
                                              cfg.candidates, reranker, cfg.focus, cfg.vector_weight,
                                              cfg.names, cfg.page_weight)
        return self._retriever

    @property
    def questions(self):
        """The question service (``question_service``), built with this engine's parts."""
        if self._questions is None:
            from ragbox.question_service import QuestionService

            self._questions = QuestionService(self.retriever, self.catalog, self.embedder, self.llm, self.settings,
                                              self.index_name, self.document_names)
        return self._questions

    @property
    def tables(self):
        """The review table service (``table.service``), on the question service's parts."""
        if self._tables is None or self._tables.questions is not self.questions:
            from ragbox.table.service import TableService

            self._tables = TableService(self.questions)
        return self._tables

    @property
    def document_names(self):
        """The documents a question names (``question_service.DocumentNames``): the catalog's cards."""
        if self._names is None:
            from ragbox.question_service import DocumentNames

            self._names = DocumentNames(self.catalog)
        return self._names

    def exists(self) -> bool:
        return (self.index_dir / "catalog.sqlite3").is_file()

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
        if self._vectors is not None:
            self._vectors.close()
        self.llm.close()

    def doctor(self, config_path: str | None = None, network_check: bool = True) -> dict:
        """Where every byte lives, the offline and telemetry switches, loose permissions, whether
        the LLM runs on this CPU and (``network_check``) an index and a question answered with
        networking made impossible. See ``ragbox.doctor``."""
        from ragbox import doctor

        return doctor.run(self, data_dir(self.settings), config_path, network_check)

    # --- indexing ----------------------------------------------------------------------------
    @contextmanager
    def _write_lock(self, wait: bool = False, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """One writer per index: another gets the "busy" error, or waits for its turn (``wait``;
        ``on_wait`` is called once when it has to). Everything written meanwhile is private."""
        private_dir(self.index_dir.parent)
        private_dir(self.index_dir)
        with private_umask(), open(self.index_dir / "write.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    raise IndexBusyError(f"Index '{self.index_name}' is busy", "another ragbox is indexing it "
                                         "(`ragbox index --wait` waits for it)", self.index_dir) from None
                if on_wait:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                make_private(self.index_dir)  # whatever a library created with looser modes

    def index(self, paths: Sequence[Path], on_progress=None, wait: bool = False,
              on_wait: Callable[[], None] | None = None, rebuild: bool = False):
        """Index ``paths`` (none: the folders the index was built from). ``rebuild`` drops the
        index first, under the same lock; ``wait`` waits for another indexer instead of failing."""
        from ragbox.ingest.indexer import Indexer
        from ragbox.ingest.loaders import ReadLimits

        with self._write_lock(wait, on_wait):
            roots = [Path(p) for p in self.catalog.roots()]
            if rebuild:
                self._drop_everything()
            self.check_embedding_model(claim=True)
            indexer = Indexer(self.catalog, self.vectors, self.embedder, self.chunker,
                              self.settings.indexing.parse_processes, self.read_options,
                              ReadLimits.from_settings(self.settings.index))
            return indexer.run(paths or roots, on_progress)

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
        with self._write_lock():
            self._drop_everything()

    def _drop_everything(self) -> None:
        self.vectors.drop_all()
        self.catalog.clear()
        self.catalog.purge_deleted()
        if not self._embedder_given:  # the next run computes the configured precision
            self._embedder = self._chunker = self._retriever = self._questions = None

    def forget(self, path: Path) -> list[str]:
        from ragbox.ingest.indexer import Indexer

        self.require_index()
        with self._write_lock():
            return Indexer(self.catalog, self.vectors, self.embedder, self.chunker,
                           read_options=self.read_options).forget(path)

    def check_embedding_model(self, claim: bool = False) -> None:
        from ragbox.store import embedding_record

        embedding_record.check(self.catalog, self.embedder, self.index_name, self.settings.embedding.backend, claim)

    def require_index(self) -> None:
        if not self.exists() or not self.catalog.has_documents():
            raise StoreError(f"Index '{self.index_name}' is empty",
                             "run `ragbox index FOLDER` first", self.index_dir)

    # --- questions ---------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, where: Where = None) -> list[Hit]:
        self.require_index()
        self.check_embedding_model()
        with self.catalog.snapshot():  # one version of the index, even while another process writes
            return self.retriever.search(query, k or self.settings.retrieval.k, where)

    def ask(self, question: str, k: int | None = None, where: Where = None,
            on_token: TokenCallback | None = None, cancel: threading.Event | None = None,
            retrieval_query: str | None = None) -> Answer:
        """Retrieve, find the evidence, decide whether it answers, then answer (``question_service``).
        ``retrieval_query`` searches in place of the question (a follow-up made standalone) while
        the answer is to the question as asked."""
        self.require_index()
        self.check_embedding_model()
        return self.questions.ask(question, k, where, on_token, cancel, retrieval_query)

    def table(self, columns: Sequence[str], where: Where = None, generate: bool = False,
              on_progress: Callable[[int, int, TableCell], None] | None = None,
              cancel: threading.Event | None = None) -> Table:
        """Every column question asked of every document in scope (``table.service``)."""
        self.require_index()
        self.check_embedding_model()
        return self.tables.table(columns, where, generate, on_progress, cancel)

    def answers_with_model(self) -> bool:
        """Whether the LLM writes the answers (else ragbox takes them from the sources)."""
        from ragbox.question_service import answer_style

        return answer_style(self.settings, self.llm.name()) == "generate"

    def conversation(self):
        """A new, empty conversation (follow-ups made standalone, Markdown export)."""
        from ragbox.answer.conversation import Conversation

        return Conversation()

    # --- what is there -----------------------------------------------------------------------
    def status(self) -> dict:
        exists = self.exists()
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
            "indexes": list_indexes(self.settings),
        }

    def documents(self):
        return self.catalog.documents() if self.exists() else []

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
        """Where the app saves review tables."""
        return data_dir(self.settings) / "tables"

    # --- measuring ---------------------------------------------------------------------------
    def evaluate(self, queries_file: Path, ks: Sequence[int], budget: int, limit: int | None = None,
                 on_hits: Callable | None = None) -> dict:
        """Run labelled queries through ``search`` and score them (see ``search.evaluation``).
        ``on_hits(query_id, hits)`` sees every query's ranked hits."""
        from ragbox.search import evaluation

        queries = evaluation.load_queries(queries_file, limit)
        self.search("warm up", k=1)  # fails on a missing index; loads the model outside the timings
        missing = evaluation.missing_gold_files(queries, {Path(d.path).name for d in self.documents()})
        callback = (lambda query, hits: on_hits(query.id, hits)) if on_hits else None
        results = evaluation.evaluate(queries, self.search, ks, budget, on_hits=callback)
        return {"index": self.index_name, "queries_file": str(queries_file),
                "retrieval_mode": self.settings.retrieval.mode,
                **evaluation.summarize(results, ks, budget), "gold_files_not_indexed": len(missing),
                "gold_files_not_indexed_example": sorted(missing)[0] if missing else None}


    def evaluate_answers(self, queries_file: Path, limit: int | None = None,
                         on_answer: Callable | None = None) -> dict:
        """Ask every labelled question and grade the answers (see ``answer.grading``):
        ``on_answer(query_id, answer, result)`` sees each one."""
        from ragbox.answer.grading import grade, summarize_answers
        from ragbox.search import evaluation

        queries = evaluation.load_queries(queries_file, limit)
        self.search("warm up", k=1)  # fails on a missing index; loads the model outside the timings
        results = []
        for query in queries:
            started = time.perf_counter()
            answer = self.ask(query.query)
            result = grade(query.id, query.category, query.answer, bool(query.gold), answer,
                           time.perf_counter() - started)
            results.append(result)
            if on_answer:
                on_answer(query.id, answer, result)
        return {"index": self.index_name, "queries_file": str(queries_file), "answer_style": self.questions.style(),
                "model": self.llm.name(), **summarize_answers(results)}


def list_indexes(settings: Settings) -> list[str]:
    root = data_dir(settings) / "indexes"
    return sorted(p.name for p in root.iterdir() if (p / "catalog.sqlite3").is_file()) if root.is_dir() else []
