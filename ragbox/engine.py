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

from ragbox import bundled
from ragbox.config import Settings
from ragbox.errors import StoreError
from ragbox.offline import apply_offline_env
from ragbox.privacy import make_private, private_dir, private_umask
from ragbox.types import Answer, Hit, PageInContext, Where

TokenCallback = Callable[[str], None]


def data_dir(settings: Settings) -> Path:
    if settings.store.dir:
        return Path(settings.store.dir).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ragbox"))


class Engine:
    def __init__(self, settings: Settings, embedder=None, generator=None) -> None:
        """``embedder``/``generator`` replace the configured ones (a shared or fake instance)."""
        apply_offline_env()  # before any model library is imported: no hub, no telemetry
        self.settings = settings
        self.index_name = settings.store.index
        self.index_dir = data_dir(settings) / "indexes" / self.index_name
        self._catalog = self._vectors = self._chunker = self._retriever = None  # built on first use
        self._embedder, self._generator = embedder, generator
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
            from ragbox.store.vectors import ChromaVectorStore

            self._vectors = ChromaVectorStore(self.index_dir / "chroma")
        return self._vectors

    @property
    def embedder(self):
        with self._building:
            if self._embedder is None:
                from ragbox.store.embeddings import SentenceTransformerEmbedder, resolve_model_dir

                cfg = self.settings.embedding
                self._embedder = SentenceTransformerEmbedder(resolve_model_dir(cfg.model), cfg.batch_size,
                                                             cfg.threads)
            return self._embedder

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
    def retriever(self):
        if self._retriever is None:
            from ragbox.search.retrieval import HybridRetriever

            cfg = self.settings.retrieval
            reranker = None
            if cfg.reranker:
                from ragbox.search.reranking import CrossEncoderReranker

                reranker = CrossEncoderReranker(Path(cfg.reranker).expanduser())
            self._retriever = HybridRetriever(self.catalog, self.vectors, self.embedder, cfg.mode,
                                              cfg.candidates, reranker, cfg.focus, cfg.vector_weight)
        return self._retriever

    def exists(self) -> bool:
        return (self.index_dir / "catalog.sqlite3").is_file()

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()

    # --- the LLM -----------------------------------------------------------------------------
    @property
    def generator(self):
        """The LLM answering questions: the one switched to at run time, else the configured one."""
        with self._building:
            if self._generator is None:
                self._generator = self._make_generator(self.settings.llm.model_path)
            return self._generator

    def _make_generator(self, model_path: str):
        from ragbox.answer.generation import LlamaCppGenerator
        from ragbox.answer.model_files import resolve_llm_path

        cfg = self.settings.llm
        return LlamaCppGenerator(resolve_llm_path(model_path), cfg.n_ctx, cfg.threads,
                                 cfg.temperature, cfg.seed, cfg.prompt_style)

    def use_generator(self, generator) -> None:
        """Answer with ``generator`` from now on (a model loaded elsewhere, or a test double)."""
        self._generator = generator

    def llm_built(self) -> bool:
        """Whether an LLM has been chosen for this engine yet (building one may load nothing)."""
        return self._generator is not None

    def llm_name(self) -> str:
        """The model answering now: a generator switched at run time, else the configured one."""
        if self._generator is not None:
            return self._generator.name
        return Path(self.settings.llm.model_path).name if self.settings.llm.model_path else bundled.LLM_FILE

    def llm_path(self) -> str:
        """The model file answering now ('' for the bundled one not yet located)."""
        path = getattr(self._generator, "model_path", None)
        return str(path) if path else self.settings.llm.model_path

    def load_llm(self):
        """Build and load the LLM now (the app warms it up before the first question)."""
        generator = self.generator
        load = getattr(generator, "load", None)
        if load is not None:
            load()
        return generator

    def switch_llm(self, model_path: str):
        """Load the GGUF at ``model_path``; it answers from then on. On failure the model in use
        stays and the ``RagboxError`` says why."""
        new = self._make_generator(str(Path(model_path).expanduser()))
        new.load()
        self._generator = new
        return new

    def check_llm(self, name: str | None = None) -> dict:
        """Whether an LLM (``name``: a GGUF path; None: the configured one) loads and generates on
        this CPU: ``{"ok", "model", "detail"}``. It runs in a child process, so a llama.cpp build
        for another CPU dies there (SIGILL) instead of taking the caller with it."""
        from ragbox import checkup

        return checkup.check_llm(self.settings, name)

    def doctor(self, config_path: str | None = None, network_check: bool = True) -> dict:
        """Where every byte lives, the offline and telemetry switches, loose permissions, whether
        the LLM runs on this CPU and (``network_check``) an index and a question answered with
        networking made impossible. See ``checkup``."""
        from ragbox import checkup

        return checkup.run(self, data_dir(self.settings), config_path, network_check)

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
                    raise StoreError(f"Index '{self.index_name}' is busy", "another ragbox is indexing it "
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
            self._check_embedding_model(claim=True)
            indexer = Indexer(self.catalog, self.vectors, self.embedder, self.chunker,
                              ReadLimits.from_settings(self.settings.index))
            return indexer.run(paths or roots, on_progress)

    def rebuild(self) -> None:
        """Drop the whole index (after an embedding model change); the next index run refills it."""
        with self._write_lock():
            self._drop_everything()

    def _drop_everything(self) -> None:
        self.vectors.drop_all()
        self.catalog.clear()
        self.catalog.purge_deleted()

    def forget(self, path: Path) -> list[str]:
        from ragbox.ingest.indexer import Indexer

        self._require_index()
        with self._write_lock():
            return Indexer(self.catalog, self.vectors, self.embedder, self.chunker).forget(path)

    def _check_embedding_model(self, claim: bool = False) -> None:
        built_with = self.catalog.get_meta("embedding_model")
        current = self.embedder.model_id
        if built_with is None and claim:
            self.catalog.set_meta("embedding_model", current)
        elif built_with is not None and built_with != current:
            raise StoreError(
                f"Index '{self.index_name}' was built with embedding model {built_with}",
                f"the configured model is {current}; run `ragbox index --rebuild` to re-index with it")

    def _require_index(self) -> None:
        if not self.exists() or not self.catalog.has_documents():
            raise StoreError(f"Index '{self.index_name}' is empty",
                             "run `ragbox index FOLDER` first", self.index_dir)

    # --- questions ---------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, where: Where = None) -> list[Hit]:
        self._require_index()
        self._check_embedding_model()
        with self.catalog.snapshot():  # one version of the index, even while another process writes
            return self.retriever.search(query, k or self.settings.retrieval.k, where)

    def ask(self, question: str, k: int | None = None, where: Where = None,
            on_token: TokenCallback | None = None, cancel: threading.Event | None = None,
            retrieval_query: str | None = None) -> Answer:
        """Retrieve, then stream an answer. ``retrieval_query`` searches in place of the question
        (a follow-up made standalone) while the model still sees the question as asked."""
        from ragbox.answer.citations import cited_numbers, supporting_sources, with_quotes
        from ragbox.answer.prompting import NOT_FOUND, build_prompt

        timings: dict[str, float] = {}
        started = time.perf_counter()
        hits = self.search(retrieval_query or question, k, where)
        timings["retrieval_s"] = time.perf_counter() - started
        relevant = [h for h in hits if h.score >= self.settings.retrieval.min_score]
        generator = self.generator
        if not relevant:
            if on_token:
                on_token(NOT_FOUND)
            return Answer(question, NOT_FOUND, [], generator.name, found=False, timings=timings)
        mark = time.perf_counter()
        style = generator.prompt_style()
        budget = generator.context_size - self.settings.llm.max_answer_tokens
        prompt = build_prompt(question, relevant, style, generator.count_tokens, budget)
        timings["model_load_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        parts: list[str] = []
        first_token = None
        for piece in generator.stream(prompt, self.settings.llm.max_answer_tokens):
            if cancel is not None and cancel.is_set():
                break
            if first_token is None:
                first_token = time.perf_counter() - mark
            parts.append(piece)
            if on_token:
                on_token(piece)
        text = "".join(parts).strip()
        timings["first_token_s"] = first_token or 0.0
        timings["generation_s"] = time.perf_counter() - mark
        timings["total_s"] = time.perf_counter() - started
        cited = cited_numbers(text, len(prompt.sources))
        method = "model"
        if not cited:
            cited, method = supporting_sources(text, prompt.sources), "text overlap"
        return with_quotes(Answer(question, text, prompt.sources, generator.name, cited=cited,
                                  citation_method=method if cited else "none", timings=timings))

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
            "llm": self.llm_name(),
            "last_run": self.catalog.last_run() if exists else None,
            "skipped": self.catalog.skipped() if exists else {},
            "indexes": list_indexes(self.settings),
        }

    def documents(self):
        return self.catalog.documents() if self.exists() else []

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

        return page_in_context(hit, ReadLimits.from_settings(self.settings.index))

    def conversations_dir(self) -> Path:
        """Where the app saves conversations (``privacy.write_private_text``: answers quote documents)."""
        return data_dir(self.settings) / "conversations"

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


def list_indexes(settings: Settings) -> list[str]:
    root = data_dir(settings) / "indexes"
    return sorted(p.name for p in root.iterdir() if (p / "catalog.sqlite3").is_file()) if root.is_dir() else []
