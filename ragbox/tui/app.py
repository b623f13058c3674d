"""``ragbox`` with no arguments: the Textual app. Thin on purpose: screens and widgets do the work."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from ragbox.tui.llm_loader import LLMLoader
from ragbox.tui.messages import ModelStateChanged

KEY_NAMES = {"escape": "Esc", "question_mark": "?", "f1": "F1", "f2": "F2", "f5": "F5", "enter": "Enter", "q": "q",
             "c": "c", "n": "n"}


class RagboxApp(App):
    CSS_PATH = "ragbox.tcss"
    TITLE = "ragbox"
    BINDINGS = [
        Binding("ctrl+t", "toggle_theme", "Theme"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]
    LIGHT_THEME = "textual-light"
    DARK_THEME = "textual-dark"

    def __init__(self, engine, *, warm_models: bool = True) -> None:
        super().__init__()
        self.engine = engine
        self.warm_models = warm_models
        self.models = LLMLoader(engine, self._model_state)
        self.main_screen = None

    def on_mount(self) -> None:
        from ragbox.tui.screens.main import MainScreen

        self.sub_title = engine_label(self.engine)
        self.main_screen = MainScreen(self.engine)
        self.push_screen(self.main_screen)

    def _model_state(self, state: str, name: str, detail: str) -> None:
        """Called from worker threads by ``LLMLoader``."""
        if self.main_screen is not None:
            self.main_screen.post_message(ModelStateChanged(state, name, detail))

    def action_toggle_theme(self) -> None:
        self.theme = self.LIGHT_THEME if self.current_theme.dark else self.DARK_THEME

    def key_help(self) -> list[tuple[str, str, str]]:
        """Every binding (key, action, where) for the help screen, from the bindings themselves."""
        from ragbox.tui.screens.main import MainScreen
        from ragbox.tui.screens.passage import PassageScreen
        from ragbox.tui.screens.review import ReviewScreen

        rows = [("Enter", "Ask the question typed", "question"),
                ("Enter / click", "Open a source or citation in context", "sources, answer"),
                ("Enter", "Make the table (questions separated by ';'); on a cell, open its quote", "review")]
        seen = set()
        for where, bindings in (("anywhere", MainScreen.BINDINGS + self.BINDINGS),
                                ("passage", PassageScreen.BINDINGS), ("review", ReviewScreen.BINDINGS)):
            for binding in bindings:
                if binding.action in seen and where == "anywhere":
                    continue
                seen.add(binding.action)
                keys = ", ".join(KEY_NAMES.get(k, k) for k in binding.key.split(","))
                rows.append((keys, binding.description or binding.action, where))
        rows.append(("ctrl+p", "Command palette: every action, change theme", "anywhere"))
        return rows


def engine_label(engine) -> str:
    return f"index {engine.index_name}"
