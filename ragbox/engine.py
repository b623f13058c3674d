"""The composition root and service layer: one ``Engine`` serves the CLI and the TUI alike.

It builds every component from ``Settings`` lazily, so creating an engine costs nothing and
each heavy library is imported only by the command that needs it.
"""

from __future__ import annotations

import fcntl
import threading
import time
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ragbox.catalog import Catalog
from ragbox.config import Settings
from ragbox.documents import Answer, Hit
from ragbox.errors import StoreError

TokenCallback = Callable[[str], None]
Where = str | Sequence[str] | None  # path glob(s) a search is restricted to


def data_dir(settings: Settings) -> Path:
    if settings.store.dir:
        return Path(settings.store.dir).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ragbox"))


class Engine:
    def __init__(self, settings: Settings, embedder=None, generator=None) -> None:
        """``embedder``/``generator`` replace the configured ones (a shared or fake instance)."""
        self.settings = settings
        self.index_name = settings.store.index
        self.index_dir = data_dir(settings) / "indexes" / self.index_name
        if embedder is not None:
            self.embedder = embedder
        if generator is not None:
            self.generator = generator

    # --- components, built on first use ------------------------------------------------------
    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.index_dir / "catalog.sqlite3")

    @cached_property
    def vectors(self):
        from ragbox.vectors import ChromaVectorStore

        return ChromaVectorStore(self.index_dir / "chroma")

    @cached_property
    def embedder(self):
        from ragbox.embeddings import SentenceTransformerEmbedder, resolve_model_dir

        cfg = self.settings.embedding
        return SentenceTransformerEmbedder(resolve_model_dir(cfg.model), cfg.batch_size, cfg.threads)

    @cached_property
    def chunker(self):
        from ragbox.chunking import Chunker

        tokenizer = self.embedder.tokenizer
        limit = self.settings.chunking.max_tokens or tokenizer.max_tokens
        cfg = self.settings.chunking
        return Chunker(tokenizer, min(limit, tokenizer.max_tokens), cfg.overlap_tokens, cfg.structure)

    @cached_property
    def retriever(self):
        from ragbox.retrieval import HybridRetriever

        cfg = self.settings.retrieval
        reranker = None
        if cfg.reranker:
            from ragbox.reranking import CrossEncoderReranker

            reranker = CrossEncoderReranker(Path(cfg.reranker).expanduser())
        return HybridRetriever(self.catalog, self.vectors, self.embedder, cfg.mode, cfg.candidates, reranker,
                               cfg.focus, cfg.vector_weight)

    @cached_property
    def generator(self):
        from ragbox.generation import LlamaCppGenerator
        from ragbox.models import resolve_llm_path

        cfg = self.settings.llm
        return LlamaCppGenerator(resolve_llm_path(cfg.model_path), cfg.n_ctx, cfg.threads,
                                 cfg.temperature, cfg.seed, cfg.prompt_style)

    def exists(self) -> bool:
        return (self.index_dir / "catalog.sqlite3").is_file()

    # --- indexing ----------------------------------------------------------------------------
    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / "write.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"Index '{self.index_name}' is busy", "another ragbox is indexing it",
                                 self.index_dir) from None
            yield

    def index(self, paths: Sequence[Path], on_progress=None):
        from ragbox.indexer import Indexer

        with self._write_lock():
            self._check_embedding_model(claim=True)
            indexer = Indexer(self.catalog, self.vectors, self.embedder, self.chunker)
            return indexer.run(paths or [Path(p) for p in self.catalog.roots()], on_progress)

    def rebuild(self) -> None:
        """Drop the whole index (after an embedding model change); the next index run refills it."""
        with self._write_lock():
            self.vectors.drop_all()
            self.catalog.clear()

    def forget(self, path: Path) -> list[str]:
        from ragbox.indexer import Indexer

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
        return self.retriever.search(query, k or self.settings.retrieval.k, where)

    def ask(self, question: str, k: int | None = None, where: Where = None,
            on_token: TokenCallback | None = None, cancel: threading.Event | None = None,
            retrieval_query: str | None = None) -> Answer:
        """Retrieve, then stream an answer. ``retrieval_query`` searches in place of the question
        (a follow-up made standalone) while the model still sees the question as asked."""
        from ragbox.prompting import NOT_FOUND, build_prompt, cited_numbers, supporting_sources

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
        return Answer(question, text, prompt.sources, generator.name, cited=cited,
                      citation_method=method if cited else "none", timings=timings)

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
        }

    def llm_name(self) -> str:
        """The model answering now: a generator switched at run time, else the configured one."""
        if "generator" in self.__dict__:
            return self.generator.name
        return self.settings.llm.model_path or "bundled gemma-3-270m-q4_k_m.gguf"

    def documents(self):
        return self.catalog.documents() if self.exists() else []


def list_indexes(settings: Settings) -> list[str]:
    root = data_dir(settings) / "indexes"
    return sorted(p.name for p in root.iterdir() if (p / "catalog.sqlite3").is_file()) if root.is_dir() else []
