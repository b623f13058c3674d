"""The composition root and service layer: one ``Engine`` serves the CLI and the TUI alike.

It builds every component from ``Settings`` on first use, so creating an engine costs nothing and
each heavy library is imported only by the command that needs it. The interfaces talk to the
engine and read the shared types; they never reach into the stages themselves.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ragbox import bundled
from ragbox.config import Settings
from ragbox.errors import DocumentError, IndexBusyError, RagboxError, StoreError
from ragbox.offline import apply_offline_env
from ragbox.privacy import make_private, private_dir, private_umask
from ragbox.types import Answer, Hit, PageInContext, Table, TableCell, Where

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
        self._read_options = None
        self._embedder, self._generator = embedder, generator
        self._own_generators: list = []  # the LLMs this engine started (their workers stop with it)
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

    def exists(self) -> bool:
        return (self.index_dir / "catalog.sqlite3").is_file()

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
        if self._vectors is not None:
            self._vectors.close()
        for generator in self._own_generators:
            getattr(generator, "close", lambda: None)()
        self._own_generators.clear()

    # --- the LLM -----------------------------------------------------------------------------
    @property
    def generator(self):
        """The LLM answering questions: the one switched to at run time, else the configured one."""
        with self._building:
            if self._generator is None:
                self._generator = self._make_generator()
            return self._generator

    def _make_generator(self, model: str | None = None):
        """An LLM for ``model`` (a GGUF path or a name from ``models()``; None: the configured one):
        a model worker process, or the OpenAI-compatible server of ``llm.base_url``."""
        from ragbox.answer.model_service import make_generator

        generator = make_generator(self.settings.llm, model, self.model_dirs())
        self._own_generators.append(generator)
        return generator

    def model_dirs(self) -> list[Path]:
        return [Path(p).expanduser() for p in self.settings.llm.model_dirs.split(os.pathsep) if p.strip()]

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
        cfg = self.settings.llm
        if cfg.base_url:
            from urllib.parse import urlsplit

            return f"{cfg.model or 'default model'} @ {urlsplit(cfg.base_url).netloc}"
        return Path(cfg.model_path).name if cfg.model_path else bundled.LLM_FILE

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

    def switch_llm(self, model: str):
        """Load ``model`` (a GGUF path or a model name); it answers from then on. On failure the model
        in use stays and the ``RagboxError`` says why."""
        new = self._make_generator(model.strip())
        try:
            new.load()
        except RagboxError:
            self._stop(new)
            raise
        old, self._generator = self._generator, new
        if old is not None and old in self._own_generators:
            self._stop(old)  # free its memory
        return new

    def _stop(self, generator) -> None:
        getattr(generator, "close", lambda: None)()
        if generator in self._own_generators:
            self._own_generators.remove(generator)

    def _start_llm(self) -> None:
        """Start loading the LLM without waiting, so it loads while retrieval runs (only an LLM this
        engine builds: one handed in is asked for nothing until it is needed)."""
        if self._generator is not None and not any(g is self._generator for g in self._own_generators):
            return
        try:
            start = getattr(self.generator, "start", None)
            if start is not None:
                start()
        except RagboxError:
            pass  # the same error comes back, in its place, when the answer needs the model

    # --- the models on this machine ----------------------------------------------------------
    def models(self) -> list[dict]:
        """Every GGUF found on this machine (bundled, llm.model_dirs, Ollama, LM Studio, the Hugging
        Face cache) with its facts, the memory it needs at llm.n_ctx and whether that fits now."""
        from ragbox.answer.model_service import list_models

        built = self._generator
        in_use = self.llm_path() if built is None or getattr(built, "model_path", None) else "(not a file)"
        return list_models(self.settings.llm, self.model_dirs(), in_use)

    def model_info(self, name: str | None = None) -> dict:
        """One model's facts plus its licence, base model and openness, each with its source."""
        from ragbox.answer.model_service import model_info

        return model_info(self.settings.llm, self.settings.llm.model_path if name is None else name,
                          self.model_dirs())

    def check_llm(self, name: str | None = None) -> dict:
        """Load a model in a child process and have it write a few tokens: whether it runs here.
        ``{"ok", "model", "detail"}`` (one line), plus ``system_info`` (llama.cpp's CPU features)."""
        from ragbox.answer.model_service import check

        try:
            generator = self._make_generator(name)
        except RagboxError as exc:
            return {"ok": False, "model": name or self.llm_name(), "detail": exc.one_line()}
        try:
            return check(generator)
        finally:
            self._stop(generator)

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
            self._check_embedding_model(claim=True)
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
            self._embedder = self._chunker = self._retriever = None

    def forget(self, path: Path) -> list[str]:
        from ragbox.ingest.indexer import Indexer

        self._require_index()
        with self._write_lock():
            return Indexer(self.catalog, self.vectors, self.embedder, self.chunker,
                           read_options=self.read_options).forget(path)

    def _check_embedding_model(self, claim: bool = False) -> None:
        from ragbox.store import embedding_record

        embedding_record.check(self.catalog, self.embedder, self.index_name, self.settings.embedding.backend, claim)

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
        """Retrieve, find the evidence, decide whether it answers, then answer (see
        ``answer.answering``). ``retrieval_query`` searches in place of the question (a follow-up
        made standalone) while the answer is to the question as asked."""
        started = time.perf_counter()
        k = k or self.settings.retrieval.k
        if self.exists() and self.answers_with_model():
            self._start_llm()  # loads while retrieval runs
        hits = self.search(retrieval_query or question, max(k, self.settings.answer.passages), where)
        retrieval_s = time.perf_counter() - started
        answer = self._answer(question, hits, where, k, self._answer_style(), self.settings.answer.min_confidence,
                              self._similarity, on_token, cancel)
        answer.timings = {"retrieval_s": retrieval_s, **answer.timings, "total_s": time.perf_counter() - started}
        return answer

    def _answer(self, question: str, hits: list[Hit], where: Where, k: int, style: str, min_confidence: float,
                similarity: Callable, on_token: TokenCallback | None = None, cancel: threading.Event | None = None,
                min_score: float | None = None) -> Answer:
        """The answer to ``question`` from its retrieved ``hits``: what ``ask`` and every cell of
        ``table`` run, so the two cannot drift apart. Hits below ``min_score`` (default
        ``retrieval.min_score``) are not relevant at all."""
        from ragbox.answer.answering import Answerer, Question
        from ragbox.answer.extract import document_naming_words
        from ragbox.answer.questions import question_kind
        from ragbox.search.query import split_query

        cfg = self.settings.answer
        min_score = self.settings.retrieval.min_score if min_score is None else min_score
        relevant = [h for h in hits if h.score >= min_score]
        context, part = split_query(question)
        kind = question_kind(part)
        document = self._document_of(relevant[0]) if relevant else []
        naming = document_naming_words([h.path for h in relevant[:1]]) + ([context] if context else [])
        asked = Question(question, part, kind, relevant, document, naming, self._searched(where, relevant))
        answerer = Answerer(style, k, self.settings.llm.max_answer_tokens, min_confidence, cfg.passages,
                            cfg.sure_confidence)
        return answerer.answer(asked, similarity, lambda: self.generator, self.llm_name(), on_token, cancel)

    def table(self, columns: Sequence[str], where: Where = None, generate: bool = False,
              on_progress: Callable[[int, int, TableCell], None] | None = None,
              cancel: threading.Event | None = None) -> Table:
        """Ask every column question of every document in scope, each answered from that document
        alone: retrieval scoped to it, then the same answering as ``ask``, extracted, or written by
        the model with ``generate`` (see ``answer.cells`` for the questions and the cell states).
        ``on_progress(done, total, cell)`` sees each cell; ``cancel`` ends the table at the last
        complete row."""
        from ragbox.answer.cells import column_question
        from ragbox.search.scope import in_scope

        self._require_index()
        self._check_embedding_model()
        started = time.perf_counter()
        documents = [d.path for d in self.catalog.documents() if in_scope(d.path, where)]
        if not documents:
            raise StoreError(f"No indexed file matches {where!r}", f"index '{self.index_name}' has "
                             f"{len(self.catalog.documents())} file(s); `ragbox status` lists its folders")
        if generate:
            self._start_llm()  # loads while the first cells are read
        questions = [column_question(c) for c in columns]
        vectors = [self.retriever.query_vectors(q) for q in questions]  # each question embedded once
        rows: list[list[TableCell]] = []
        for path in documents:
            def progress(cell: TableCell) -> None:
                if on_progress:
                    on_progress(len(rows) * len(questions) + cell.column + 1, len(documents) * len(questions), cell)

            row = self._table_row(path, questions, vectors, generate, progress, cancel)
            if row is None:
                break
            rows.append(row)
        searched = {"index": self.index_name, "where": where if isinstance(where, str) else list(where or []) or None,
                    "files": len(documents)}
        return Table(list(columns), questions, documents[:len(rows)], rows, searched,
                     "generate" if generate else "extract", time.perf_counter() - started)

    def _table_row(self, path: str, questions: list[str], vectors: list, generate: bool,
                   progress: Callable[[TableCell], None], cancel: threading.Event | None) -> list[TableCell] | None:
        """One document's cells (None when cancelled before the last)."""
        from ragbox.answer.cells import cell_of
        from ragbox.search.scope import glob_escape

        cfg, k = self.settings.table, self.settings.retrieval.k
        scope, row, sentence_vectors = glob_escape(path), [], {}
        for column, (question, vector) in enumerate(zip(questions, vectors)):
            if cancel is not None and cancel.is_set():
                return None
            mark = time.perf_counter()
            hits = self.retriever.search(question, max(k, self.settings.answer.passages), scope, vector)
            # No cosine gate: the user chose the document, and a short question is far from every
            # passage by cosine ("What is the effective date?" scores 0.25 against the sentence that
            # states it); the decision, which weighs that cosine too, decides.
            similarity = self._similarity_to(vector[-1], sentence_vectors)
            answer = self._answer(question, hits, scope, k, "extract", cfg.min_confidence, similarity, min_score=-1.0)
            written = None
            if generate and answer.found:  # the model writes from the same passages; its check needs the evidence
                written = self._answer(question, hits, scope, k, "generate", cfg.min_confidence, similarity,
                                       min_score=-1.0)
            row.append(cell_of(answer, path, column, cfg.sure_confidence, mark, written))
            progress(row[-1])
        return row

    def answers_with_model(self) -> bool:
        """Whether the LLM writes the answers (else ragbox takes them from the sources)."""
        return self._answer_style() == "generate"

    def _answer_style(self) -> str:
        """``answer.style``; "auto" lets the model write only when it is not the bundled 270M, which
        cannot state facts reliably (README, "Answers")."""
        style = self.settings.answer.style
        if style != "auto":
            return style
        return "extract" if not self.settings.llm.base_url and self.llm_name() == bundled.LLM_FILE else "generate"

    def _document_of(self, hit: Hit) -> list[Hit]:
        """Every passage of ``hit``'s document (for a document inside a file, that one: the
        attachment, not the whole e-mail), in reading order: a question that expects a fact is
        answered from anywhere in the document it is about."""
        rows = self.catalog.chunks_of(hit.chunk_id.rsplit(":", 1)[0])
        return [Hit(r.chunk_id, r.path, r.page, r.char_start, r.char_end, r.text, 0.0, r.section, r.ocr,
                    r.context)
                for r in rows if r.path == hit.path]

    def _similarity(self, question: str, sentences: list[str]) -> list[float]:
        vectors = self.embedder.embed([question] + sentences)
        return [sum(a * b for a, b in zip(vectors[0], v)) for v in vectors[1:]]

    def _similarity_to(self, question_vector: Sequence[float], seen: dict[str, list[float]]
                       ) -> Callable[[str, list[str]], list[float]]:
        """``_similarity`` for a question whose embedding is already known; the sentences'
        embeddings are kept in ``seen`` (the columns of a table compare many of the same sentences
        of a document, and embedding them is most of a cell's time)."""
        def similarity(question: str, sentences: list[str]) -> list[float]:
            new = [s for s in dict.fromkeys(sentences) if s not in seen]
            seen.update(zip(new, self.embedder.embed(new)))
            return [sum(a * b for a, b in zip(question_vector, seen[s])) for s in sentences]

        return similarity

    def _searched(self, where: Where, hits: Sequence[Hit]) -> dict:
        from ragbox.search.scope import in_scope

        documents = self.catalog.documents()
        focused = list(dict.fromkeys(Path(h.path).name for h in hits[:3]))
        return {"index": self.index_name, "where": where if isinstance(where, str) else list(where or []) or None,
                "files": sum(1 for d in documents if in_scope(d.path, where)), "documents": focused,
                "passages": len(hits)}

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
        return {"index": self.index_name, "queries_file": str(queries_file), "answer_style": self._answer_style(),
                "model": self.llm_name(), **summarize_answers(results)}


def list_indexes(settings: Settings) -> list[str]:
    root = data_dir(settings) / "indexes"
    return sorted(p.name for p in root.iterdir() if (p / "catalog.sqlite3").is_file()) if root.is_dir() else []
