"""Small modal dialogs: switch the LLM, set the scope, and the key-binding help."""

from __future__ import annotations

from typing import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option


class InputDialog(ModalScreen[str | None]):
    """A title, an explanation and one input; Enter returns its value, Esc returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, explanation: str, value: str = "", placeholder: str = "",
                 dialog_id: str = "") -> None:
        super().__init__(id=dialog_id or None)
        self.title_text = title
        self.explanation = explanation
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.explanation, classes="dialog-text")
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")
            yield Static("", id="dialog-hint", classes="dialog-hint")
            yield from self.compose_below()
        yield Footer()

    def compose_below(self) -> ComposeResult:
        """Widgets under the input, inside the dialog."""
        return iter(())

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.update_hint(self.value)

    def update_hint(self, value: str) -> None:
        pass

    @on(Input.Changed, "#dialog-input")
    def _changed(self, event: Input.Changed) -> None:
        self.update_hint(event.value)

    @on(Input.Submitted, "#dialog-input")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ModelDialog(InputDialog):
    """A model name or GGUF path to type, above the models found on this machine to pick from."""

    def __init__(self, current_llm: str, current_path: str, embedding: str) -> None:
        super().__init__(
            "Switch the LLM",
            f"In use: [b]{current_llm}[/b] · embeddings: [b]{embedding or '-'}[/b]\n"
            "A model name from the list below (Enter on it; memory needed at llm.n_ctx), or the path of a "
            "GGUF file. It loads in the background; the current one answers until it has loaded.",
            value=current_path, placeholder="qwen3:4b or ~/models/model.gguf", dialog_id="model-dialog")

    def compose_below(self) -> ComposeResult:
        yield OptionList(Option("Looking for models on this machine…", disabled=True), id="model-list")

    def show_models(self, rows: list[dict], n_ctx: int) -> None:
        """Rows of ``Engine.models()``: name, size, memory at ``n_ctx`` and whether it fits now."""
        options = self.query_one("#model-list", OptionList)
        options.clear_options()
        for row in rows:
            if row["error"]:
                continue
            fits = "fits" if row["fits"] else "[b red]does not fit[/b red]"
            options.add_option(Option(
                f"{'● ' if row.get('in_use') else '  '}[b]{row['name']}[/b]  [dim]{row['source']} · "
                f"{row['parameters']} {row['quantization']} · {row['ram_bytes'] / 1e9:.1f} GB · "
                f"{'chat' if row['chat_template'] else 'base'}[/dim] · {fits}", id=row["name"]))
        if not options.option_count:
            options.add_option(Option("No GGUF model found (see `ragbox models`).", disabled=True))

    @on(OptionList.OptionSelected, "#model-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ScopeDialog(InputDialog):
    def __init__(self, current: str | None, documents: Sequence[str],
                 matches: Callable[[str, str], bool]) -> None:
        super().__init__(
            "Scope questions",
            "Only search files whose path matches a pattern, e.g. [b]contracts/**[/b], [b]*.md[/b], "
            "[b]Part_I/**[/b]. Leave empty to search everything.",
            value=current or "", placeholder="path pattern", dialog_id="scope-dialog")
        self.documents = list(documents)
        self.matches = matches

    def update_hint(self, value: str) -> None:
        hint = self.query_one("#dialog-hint", Static)
        value = value.strip()
        if not value:
            hint.update("[dim]All files[/dim]")
            return
        count = sum(self.matches(p, value) for p in self.documents)
        hint.update(f"{count} of {len(self.documents)} files match" if count
                    else "[b red]No indexed file matches this pattern[/b red]")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]

    def __init__(self, bindings: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = list(bindings)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Static("ragbox keys", classes="dialog-title")
            yield Static("Type a question and press Enter. Click or Enter on a citation or source to "
                         "read it in context. The command palette (ctrl+p) lists every action and theme.",
                         classes="dialog-text")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Where")
        for row in self.rows:
            table.add_row(*row)


class DocumentChoiceDialog(ModalScreen[str | None]):
    """A question whose name fits several documents was answered for each; this offers to ask it
    again of the one meant. Returns the chosen document's path as shown, or None (keep them all)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Keep every answer")]

    def __init__(self, question: str, documents: Sequence[tuple[str, str]]) -> None:
        """``documents``: (path as shown, title) of each document the question named alike."""
        super().__init__(id="choice-dialog")
        self.question = question
        self.documents = list(documents)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Which document did you mean?", classes="dialog-title")
            yield Static(f"“{self.question}” fits {len(self.documents)} documents alike; each is answered above, "
                         "apart. Pick one to ask again of that document alone (questions then stay on it until "
                         "you clear the scope with ctrl+g), or Esc to keep every answer.", classes="dialog-text")
            yield OptionList(*[Option(f"{title}\n[dim]{path}[/dim]" if title else path, id=path)
                               for path, title in self.documents], id="choice-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#choice-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
