"""The main screen: the conversation, the question input, and the sources/documents sidebar.

All slow work (model loading, retrieval and generation, indexing, reading the catalog) runs in
thread workers; results come back as messages (``post_message`` is thread-safe). The sidebar and
scope actions live in ``behaviours/sidebar_actions.py``, re-indexing and switching the LLM in
``behaviours/background_jobs.py``.
"""

from __future__ import annotations

import threading
import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, TabbedContent, TabPane

from ragbox import bundled
from ragbox.paths import display_path, split_part_path
from ragbox.privacy import write_private_text
from ragbox.tui.behaviours.background_jobs import BackgroundJobs
from ragbox.tui.behaviours.sidebar_actions import SidebarActions
from ragbox.tui.messages import AnswerFailed, AnswerFinished, CatalogLoaded, ModelStateChanged, TokenArrived
from ragbox.tui.screens.dialogs import DocumentChoiceDialog, HelpScreen
from ragbox.tui.widgets.bars import IndexBar, ScopeBar
from ragbox.tui.widgets.chat import ChatView
from ragbox.tui.widgets.documents import DocumentsPanel
from ragbox.tui.widgets.sources import SourcesPanel
from ragbox.tui.widgets.status_bar import StatusBar


class MainScreen(SidebarActions, BackgroundJobs, Screen):
    BINDINGS = [
        Binding("escape", "stop", "Stop", tooltip="Stop the answer being written"),
        Binding("ctrl+n", "new_chat", "New", tooltip="Start a new conversation"),
        Binding("ctrl+s", "save", "Save", tooltip="Save the conversation as Markdown"),
        Binding("ctrl+y", "copy", "Copy", tooltip="Copy the last answer with its sources"),
        Binding("ctrl+g", "scope", "Scope", tooltip="Only search files matching a path pattern"),
        Binding("ctrl+o", "sources", "Sources"),
        Binding("ctrl+f", "documents", "Docs", tooltip="List and filter the indexed documents"),
        Binding("ctrl+b", "review", "Review", tooltip="The same questions of every file in scope, as a table"),
        Binding("ctrl+r", "reindex", "Re-index"),
        Binding("f5", "toggle_watch", "Watch the folders (on/off)", show=False,
                tooltip="Index the folders' changes as they happen, while the app is open"),
        Binding("ctrl+l", "switch_model", "LLM"),
        Binding("f2", "toggle_sidebar", "Sidebar"),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
    ]

    def __init__(self, engine) -> None:
        super().__init__()
        self.engine = engine
        self.conversation = engine.conversation()
        self.where: str | None = None
        self.roots: list[str] = []
        self.documents: list = []
        self.cancel_event: threading.Event | None = None
        self.asking_turn: int | None = None
        self.next_turn = 0
        self.pending: dict[int, tuple[str, str, str | None]] = {}
        self.indexing = False
        self.watch_stop: threading.Event | None = None  # set while the folders are being watched
        self.review: tuple[str, object] | None = None  # the review view's questions and last table

    def on_unmount(self) -> None:
        self.stop_watching()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "stop":  # Esc shows in the footer only while an answer is being written
            return self.asking_turn is not None
        return True

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            with Vertical(id="chat-column"):
                yield ChatView(id="chat")
                yield ScopeBar(id="scope-bar")
                yield IndexBar(id="index-bar")
                yield Input(placeholder="Ask a question about your documents…", id="question")
            with TabbedContent(id="sidebar", initial="sources-tab"):
                with TabPane("Sources", id="sources-tab"):
                    yield SourcesPanel(id="sources")
                with TabPane("Documents", id="documents-tab"):
                    yield DocumentsPanel(id="documents")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        status = self.query_one(StatusBar)
        status.index_name = self.engine.index_name
        status.llm = self.app.models.current_name()
        self.query_one(ScopeBar).show(None)
        self.query_one(IndexBar).stop()
        self.query_one("#index-summary").display = False
        self.query_one("#question", Input).focus()
        self.load_catalog(warm_models=self.app.warm_models)

    # --- the catalog and the models ---------------------------------------------------------------
    @work(thread=True, group="catalog")
    def load_catalog(self, warm_models: bool = False) -> None:
        engine = self.engine
        try:
            status = engine.status()
            cards = {card.path: card for card in engine.cards()}
            coverage = {c.path: c for c in engine.coverage()}
            self.post_message(CatalogLoaded(status, engine.documents(), status.get("skipped", {}), cards, coverage))
        except Exception as exc:  # a damaged store must not stop the app
            self.post_message(CatalogLoaded({"index": engine.index_name, "files": 0, "chunks": 0, "roots": [],
                                             "embedding_model": None, "error": str(exc)}, [], {}))
        if warm_models:
            self.warm_models()

    def warm_models(self) -> None:
        from ragbox.errors import RagboxError

        try:
            if self.engine.answers_with_model():
                self.app.models.ensure_loaded()
            else:  # the answers are extracted: the model is loaded only if one is switched to
                self.app.models.not_needed()
        except RagboxError as exc:
            self.app.call_from_thread(self.notify, exc.one_line(), title="LLM", severity="error", timeout=10)
        try:
            if self.engine.exists():
                self.engine.embedder.embed(["warm up"])  # load the embedding model now, not on the first question
        except Exception as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Embedding model", severity="error")

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        info = message.status
        self.roots = list(info.get("roots", []))
        self.documents = list(message.documents)
        status = self.query_one(StatusBar)
        status.files = info.get("files", 0)
        status.chunks = info.get("chunks", 0)
        status.embedding = info.get("embedding_model") or self.engine.settings.embedding.model or bundled.EMBEDDING_NAME
        self.query_one(DocumentsPanel).load(message.documents, message.skipped, self.roots, message.cards,
                                            message.coverage)
        self._show_scope()
        if info.get("error"):
            self.notify(info["error"], title="Cannot read the index", severity="error")
        elif not message.documents and not self.indexing:
            self.notify(f"Index '{self.engine.index_name}' is empty: run `ragbox index FOLDER` first.",
                        title="Empty index", severity="warning", timeout=8)

    def on_model_state_changed(self, message: ModelStateChanged) -> None:
        status = self.query_one(StatusBar)
        status.llm = message.name
        status.llm_state = message.state
        if message.state == "loading" and self.asking_turn is not None:
            block = self.query_one(ChatView).block(self.asking_turn)
            if block:
                block.waiting_for_model(message.name)

    # --- asking --------------------------------------------------------------------------------
    @on(Input.Submitted, "#question")
    async def _submitted(self, event: Input.Submitted) -> None:
        await self.ask(event.value)

    async def ask(self, question: str) -> None:
        question = question.strip()
        if not question:
            return
        if self.asking_turn is not None:
            self.notify("Still answering: press Esc to stop it first.", severity="warning")
            return
        self.query_one("#question", Input).value = ""
        query = self.conversation.standalone(question)
        turn_id = self.next_turn
        self.next_turn += 1
        self.asking_turn = turn_id
        self.pending[turn_id] = (question, query, self.where)
        self.cancel_event = threading.Event()
        self.refresh_bindings()
        await self.query_one(ChatView).add_turn(turn_id, question, query, self.where)
        self._answer(turn_id, question, query, self.where, self.cancel_event)

    @work(thread=True, group="ask")
    def _answer(self, turn_id: int, question: str, query: str, where: str | None,
                cancel: threading.Event) -> None:
        from ragbox.errors import ModelError, RagboxError

        try:
            self.app.models.ensure_loaded()
            if cancel.is_set():
                raise _Stopped()
            answer = self.engine.ask(question, retrieval_query=query, where=where, cancel=cancel,
                                     on_token=lambda token: self.post_message(TokenArrived(turn_id, token)))
            self.post_message(AnswerFinished(turn_id, answer))
        except _Stopped:
            self.post_message(AnswerFailed(turn_id, "Stopped before the answer began."))
        except RagboxError as exc:
            if isinstance(exc, ModelError):  # the status bar shows it; the next question reloads
                self.app.models.report_failure(exc.one_line())
            self.post_message(AnswerFailed(turn_id, exc.one_line()))
        except Exception as exc:
            self.post_message(AnswerFailed(turn_id, f"{type(exc).__name__}: {exc}"))

    async def on_token_arrived(self, message: TokenArrived) -> None:
        block = self.query_one(ChatView).block(message.turn_id)
        if block:
            await block.add_token(message.text)

    async def on_answer_finished(self, message: AnswerFinished) -> None:
        question, query, where = self.pending.pop(message.turn_id)
        cancelled = self.cancel_event is not None and self.cancel_event.is_set()
        self.conversation.record(question, query, message.answer, where, cancelled=cancelled,
                                 turn_id=message.turn_id)
        block = self.query_one(ChatView).block(message.turn_id)
        if block:
            await block.finish(message.answer, cancelled)
        self.query_one(SourcesPanel).show(message.turn_id, message.answer, self.roots)
        self._done_asking(message.turn_id)
        if message.answer.ambiguous and len(message.answer.resolved) > 1 and not cancelled:
            self._offer_the_documents(question, message.answer.resolved)

    def _offer_the_documents(self, question: str, resolved) -> None:
        """A name that fitted several documents: each was answered, apart; the user may pick the
        one meant, and the question is asked again of it alone (its scope then stays, shown)."""
        shown = [(display_path(split_part_path(d.path)[0], self.roots), d.title) for d in resolved]

        def chosen(path: str | None) -> None:
            if path:
                self.set_scope(self.engine.scope_pattern_for(path))
                self.call_later(self.ask, question)

        self.app.push_screen(DocumentChoiceDialog(question, list(dict.fromkeys(shown))), chosen)

    async def on_answer_failed(self, message: AnswerFailed) -> None:
        self.pending.pop(message.turn_id, None)
        block = self.query_one(ChatView).block(message.turn_id)
        if block:
            if block.phase == "cancelled":
                pass
            else:
                await block.fail(message.error)
                self.notify(message.error, title="Cannot answer", severity="error", timeout=8)
        self._done_asking(message.turn_id)

    def _done_asking(self, turn_id: int) -> None:
        if self.asking_turn == turn_id:
            self.asking_turn = None
            self.cancel_event = None
            self.refresh_bindings()

    async def action_stop(self) -> None:
        if self.asking_turn is None or self.cancel_event is None:
            return
        self.cancel_event.set()
        block = self.query_one(ChatView).block(self.asking_turn)
        if block:
            await block.cancel()
        self.notify("Answer stopped.", timeout=3)

    # --- conversation --------------------------------------------------------------------------
    async def action_new_chat(self) -> None:
        if self.asking_turn is not None:
            await self.action_stop()
        self.conversation.clear()
        await self.query_one(ChatView).clear()
        self.query_one(SourcesPanel).clear()
        self.query_one("#question", Input).focus()
        self.notify("New conversation.", timeout=3)

    def action_save(self) -> None:
        if not self.conversation.turns:
            self.notify("Nothing to save yet: ask a question first.", severity="warning")
            return
        folder = self.engine.conversations_dir()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.conversation.started_at))
        path = folder / f"{stamp}.md"
        try:  # private: an answer quotes the documents
            write_private_text(path, self.engine.at_rest(  # sealed when the index is encrypted
                self.conversation.to_markdown(self.roots, index=self.engine.index_name)))
        except OSError as exc:
            self.notify(f"{path}: {exc.strerror or exc}", title="Cannot save", severity="error")
            return
        self.saved_path = path
        self.notify(str(path), title="Conversation saved", timeout=10)

    def action_copy(self) -> None:
        turn = self.conversation.last
        if turn is None:
            self.notify("No answer to copy yet.", severity="warning")
            return
        self.app.copy_to_clipboard(turn.to_markdown(self.roots))
        self.notify(f"Copied the last answer with {len(turn.answer.sources)} sources.", timeout=4)

    # --- review --------------------------------------------------------------------------------
    def action_review(self) -> None:
        """Open the review view on the current scope, with the questions and table of last time."""
        from ragbox.tui.screens.review import ReviewScreen

        questions, table = self.review or ("", None)
        if table is not None and table.searched.get("where") != self.where:
            table = None  # made for another scope
        screen = ReviewScreen(self.engine, self.where, self.roots, questions, table)
        self.app.push_screen(screen, self._review_closed)

    def _review_closed(self, result: tuple[str, object] | None) -> None:
        self.review = result
        self.query_one("#question", Input).focus()

    # --- help ----------------------------------------------------------------------------------
    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.app.key_help()))


class _Stopped(Exception):
    pass
