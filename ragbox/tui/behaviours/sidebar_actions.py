"""The main screen's sidebar and search scope: the sources of an answer, the indexed documents,
and the path pattern that limits which files a question searches."""

from __future__ import annotations

from textual.widgets import Input, OptionList, TabbedContent

from ragbox.tui.messages import ScopeRequested, SourceRequested
from ragbox.tui.screens.dialogs import ScopeDialog
from ragbox.tui.screens.passage import PassageScreen
from ragbox.tui.widgets.bars import ScopeBar
from ragbox.tui.widgets.sources import SourcesPanel


class SidebarActions:
    """Mixed into ``MainScreen``: needs ``engine``, ``conversation``, ``documents``, ``roots`` and
    ``where``."""

    # --- sources -------------------------------------------------------------------------------
    def on_source_requested(self, message: SourceRequested) -> None:
        turn = next((t for t in self.conversation.turns if t.turn_id == message.turn_id), None)
        if turn is None or not 1 <= message.number <= len(turn.answer.sources):
            self.notify("That source is not available.", severity="warning")
            return
        panel = self.query_one(SourcesPanel)
        if getattr(panel, "turn_id", None) != message.turn_id:
            panel.show(message.turn_id, turn.answer, self.roots)
        panel.highlight(message.number)
        self.app.push_screen(PassageScreen(message.number, turn.answer.sources[message.number - 1], self.roots,
                                           self.engine.page_in_context))

    def action_sources(self) -> None:
        self._show_sidebar()
        self.query_one(TabbedContent).active = "sources-tab"
        self.query_one("#sources-list", OptionList).focus()

    def action_documents(self) -> None:
        self._show_sidebar()
        self.query_one(TabbedContent).active = "documents-tab"
        self.query_one("#documents-filter", Input).focus()

    def _show_sidebar(self) -> None:
        self.query_one("#sidebar").display = True

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.query_one("#question", Input).focus()

    # --- scope ---------------------------------------------------------------------------------
    def action_scope(self) -> None:
        def chosen(pattern: str | None) -> None:
            if pattern is not None:
                self.set_scope(pattern or None)

        self.app.push_screen(ScopeDialog(self.where, [d.path for d in self.documents], self.engine.in_scope), chosen)

    def on_scope_requested(self, message: ScopeRequested) -> None:
        pattern = message.pattern
        if message.exact_path:
            pattern = self.engine.scope_pattern_for(message.exact_path)
        self.set_scope(pattern)
        self.query_one("#question", Input).focus()

    def set_scope(self, pattern: str | None) -> None:
        self.where = pattern.strip() if pattern and pattern.strip() else None
        self._show_scope()
        if self.where:
            self.notify(f"Questions now search only files matching {self.where}", title="Scope", timeout=4)
        else:
            self.notify("Questions search all files again.", title="Scope", timeout=3)

    def _show_scope(self) -> None:
        matches = sum(self.engine.in_scope(d.path, self.where) for d in self.documents) if self.where else None
        self.query_one(ScopeBar).show(self.where, matches, len(self.documents))
        question = self.query_one("#question", Input)
        question.placeholder = (f"Ask about files matching {self.where}…" if self.where
                                else "Ask a question about your documents…")
        question.set_class(bool(self.where), "-scoped")

