"""The engine's parts, each built from ``Settings`` on first use (so creating an engine costs
nothing and each heavy library is imported only by the command that needs it)."""

from __future__ import annotations

import socket
import threading
import uuid
from pathlib import Path

from ragbox.config import Settings
from ragbox.engine.index_key import IndexKey, PassphraseSource
from ragbox.llm.llm_slot import LlmSlot
from ragbox.offline import apply_offline_env
from ragbox.paths import data_dir
from ragbox.privacy import scrub_freed_memory


class Parts(IndexKey):
    """What an engine is made of: the index's catalog and vector store, the embedder, the chunker,
    how files are read, the retriever, the model slot and the question and table services. An
    encrypted index (``index_key``) has a SQLCipher catalog and no vector store of its own."""

    def __init__(self, settings: Settings, embedder=None, generator=None,
                 passphrase: PassphraseSource | None = None) -> None:
        """``embedder``/``generator`` replace the configured ones (a shared or fake instance);
        ``passphrase`` gives an encrypted index's passphrase (default: ``RAGBOX_PASSPHRASE``)."""
        self.use_passphrase(passphrase)
        apply_offline_env()  # before any model library is imported: no hub, no telemetry
        scrub_freed_memory()  # before any document is read: no file is written from stale text
        self.settings = settings
        self.index_name = settings.store.index
        self.index_dir = data_dir(settings) / "indexes" / self.index_name
        self._catalog = self._vectors = self._chunker = self._retriever = None  # built on first use
        self._read_options = None
        self._embedder = embedder
        self.llm = LlmSlot(settings.llm, generator)  # the model: ``engine.llm.load()``, ``.name()``, ``.switch()``
        self._questions = self._tables = self._names = None
        self._team = None
        self._embedder_given = embedder is not None
        self._building = threading.Lock()  # the app builds components from several threads

    # --- components, built on first use ------------------------------------------------------
    @property
    def catalog(self):
        if self._catalog is None:
            path = self.index_dir / "catalog.sqlite3"
            if self.encrypted():
                from ragbox.store.sealed_catalog import SealedCatalog

                self._catalog = SealedCatalog(path, self.data_key())
            else:
                from ragbox.store.catalog import Catalog

                self._catalog = Catalog(path)
        return self._catalog

    @property
    def vectors(self):
        if self._vectors is None and self.encrypted():  # no Chroma files: the catalog's vectors
            from ragbox.store.catalog_vectors import CatalogVectorStore

            self._vectors = CatalogVectorStore(lambda: self.catalog)
        if self._vectors is None:
            from ragbox.store.vectors import COLLECTION, ChromaVectorStore, server_collection

            cfg = self.settings.store
            self._vectors = ChromaVectorStore(self.index_dir / "chroma", cfg.url, cfg.token,
                                              server_collection(self.index_name) if cfg.url else COLLECTION)
        return self._vectors

    @property
    def team(self):
        """With ``store.url``: the team server's records (``store.team_server``); else None."""
        if not self.settings.store.url:
            return None
        if self._team is None:
            from ragbox.store.team_server import TeamServer

            # This cache's own id: a run that finds its own lease (left by a run of this machine
            # that died) takes it over; the local write lock already keeps it the only writer here.
            member = self.catalog.get_meta("team_member")
            if member is None:
                member = uuid.uuid4().hex[:12]
                self.catalog.set_meta("team_member", member)
            self._team = TeamServer(self.vectors, self.index_name, f"{socket.gethostname()}:{member}")
        return self._team

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
                from ragbox.ingest.loaders import ReadLimits
                from ragbox.ingest.ocr import CachedPageOcr, RapidPageOcr
                from ragbox.ingest.ocr_parallel import ParallelPageOcr

                # the engine loads its models when it meets the first scanned page; the int8 one
                # is built beside the cache, where a sealed reader may write
                folder = self.index_dir / "ocr-cache"
                pages = ParallelPageOcr(RapidPageOcr(model_folder=folder / "models"),
                                        ReadLimits.from_settings(self.settings.index))
                if self.encrypted():  # its pages' text sealed with the index's key
                    from ragbox.ingest.sealed_ocr import SealedPageOcr

                    ocr = SealedPageOcr(pages, folder, self.data_key())
                else:
                    ocr = CachedPageOcr(pages, folder)
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
            from ragbox.store.catalog_vectors import EVERY_INDEX

            exact_up_to = EVERY_INDEX if self.encrypted() else cfg.exact_up_to
            reader = VectorReader(self.catalog, lambda: self.vectors, exact_up_to, in_file=not self.encrypted())
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
