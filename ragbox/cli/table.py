"""``ragbox table``: the same questions asked of every document, as a review table."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import click

from ragbox.cli import Context, handle_errors
from ragbox.types import Table

STATE_STYLES = {"found": "green", "unsure": "yellow", "not found": "dim"}


@click.command()
@click.argument("questions", nargs=-1, required=True)
@click.option("--where", metavar="GLOB", help="Only files matching this path pattern, e.g. 'contracts/**'.")
@click.option("--csv", "csv_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the table as CSV (one row per file; answer, state, quote, page and offsets per question).")
@click.option("--md", "md_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the table as Markdown, with the quoted sentences as notes.")
@click.option("--json", "as_json", is_flag=True, help="Print the table as one JSON object.")
@click.option("--plain", is_flag=True, help="Write --csv/--md readable even though the index is encrypted "
              "(else they are encrypted with its key: `ragbox decrypt FILE` shows them).")
@click.option("--generate", is_flag=True, help="Let the model state each value from that file's passages "
              "(checked against its quote; an unsupported value is marked unsure).")
@click.option("--model", "model", metavar="PATH.gguf", help="With --generate: use this GGUF model.")
@click.pass_obj
@handle_errors
def table(obj: Context, questions: tuple[str, ...], where: str | None, csv_file: Path | None, md_file: Path | None,
          as_json: bool, generate: bool, model: str | None, plain: bool = False) -> None:
    """Ask each QUESTION of every file and show one row per file, one column per question.

    A question may be short ("governing law", "non-compete") or a full question. Each cell holds
    the answer from that file alone, the sentence it is quoted from (file, page, offsets) and a
    state: found, unsure, or not found in this file."""
    from ragbox.cli.output import display_path
    from ragbox.privacy import write_private_file
    from ragbox.table.export import table_csv, table_json, table_markdown

    engine = obj.engine(**{"llm.model_path": model})
    with _progress(enabled=not as_json) as progress:
        result = engine.table(list(questions), where=where, generate=generate, on_progress=progress)
    for path, write in ((csv_file, table_csv), (md_file, table_markdown)):
        if path is not None:
            try:  # 0600, never through a link at FILE (privacy.write_private_file); CSV rows end in \r\n
                text = write(result, display_path)
                write_private_file(path, text if plain else engine.at_rest(text))
            except OSError as exc:
                raise click.ClickException(f"Cannot write the table ({path}): {exc.strerror or exc}") from exc
    if as_json:
        click.echo(json.dumps(table_json(result, display_path), indent=2))
        return
    _print(result, display_path)
    sealed = "" if plain or not engine.encrypted() else (
        f", encrypted with index '{engine.index_name}''s key (`ragbox --index {engine.index_name} decrypt "
        "FILE` shows it; --plain writes it readable)")
    for path in (csv_file, md_file):
        if path is not None:
            click.echo(f"Written to {path}{sealed}")


@contextmanager
def _progress(enabled: bool = True):
    """A progress bar over the cells, with the file being read and an ETA; on stderr, and only
    from the first cell on (an error before it is then the only line printed)."""
    if not enabled:
        yield None
        return
    from rich import progress as rp
    from rich.console import Console

    from ragbox.cli.output import display_path

    columns = (rp.TextColumn("[bold]Reading"), rp.BarColumn(), rp.MofNCompleteColumn(), rp.TextColumn("cells"),
               rp.TimeElapsedColumn(), rp.TextColumn("ETA"), rp.TimeRemainingColumn(),
               rp.TextColumn("{task.fields[file]}"))
    bar = rp.Progress(*columns, transient=True, console=Console(stderr=True))
    task = None

    def update(done: int, total: int, cell) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("table", total=total, file="")
        bar.update(task, total=total, completed=done, file=Path(display_path(cell.path)).name[:40])

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


def _print(result: Table, shown) -> None:
    """The table on the terminal: per cell the answer, coloured by its state, and where it is
    quoted from (the sentence itself is in --csv, --md and --json)."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    from ragbox.table.export import cell_summary

    grid = RichTable(show_lines=True, expand=False)
    grid.add_column("File", overflow="fold", max_width=40)
    for column in result.columns:
        grid.add_column(column, overflow="fold")
    for path, row in zip(result.documents, result.cells):
        cells = []
        for cell in row:
            text = Text(cell_summary(cell, 80), style=STATE_STYLES[cell.state])
            if cell.source is not None and cell.evidence is not None:
                where = f"page {cell.source.page}, " if cell.source.page is not None else ""
                offsets = cell.file_offsets()
                text.append(f"\n{where}chars {offsets['quote_start']}-{offsets['quote_end']}", style="dim")
            cells.append(text)
        grid.add_row(shown(path), *cells)
    console = Console()
    console.print(grid)
    counts = result.counts()
    per_cell = sum(c.seconds for row in result.cells for c in row) / max(1, sum(counts.values()))
    click.echo(f"{len(result.documents)} file(s) x {len(result.columns)} question(s): {counts['found']} found, "
               f"{counts['unsure']} unsure, {counts['not found']} not found, in {result.seconds:.1f} s "
               f"({per_cell:.2f} s per cell, models loaded).")
    asked = [f"  {c}: {q}" for c, q in zip(result.columns, result.questions) if c != q]
    if asked:
        click.echo("Asked as:\n" + "\n".join(asked))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
@handle_errors
def decrypt(obj: Context, file: Path) -> None:
    """Print FILE, an export, saved conversation or table an encrypted index wrote (with its key)."""
    engine = obj.engine()
    try:
        sealed = file.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"Cannot read {file}: not a file ragbox encrypted ({exc})") from exc
    click.echo(engine.decrypt_text(sealed, file), nl=False)


COMMANDS = [table, decrypt]
