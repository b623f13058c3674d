"""The command line: a thin shell over ``Engine``. Errors become ``Error: ...`` and exit 1."""

from __future__ import annotations

import functools
import json
import sys
import traceback
from pathlib import Path

import click

from ragbox.errors import RagboxError


class Context:
    def __init__(self, index: str | None, config: str | None, debug: bool) -> None:
        self.index = index
        self.config = config
        self.debug = debug

    def engine(self, **flags):
        from ragbox.config import load_settings
        from ragbox.engine import Engine

        overrides = {"store.index": self.index, **flags}
        return Engine(load_settings(self.config, flags=overrides))


def handle_errors(func):
    """Turn ragbox errors into one line; anything else too, unless --debug asks for the traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context().find_object(Context)
        try:
            return func(*args, **kwargs)
        except RagboxError as exc:
            if ctx and ctx.debug:
                traceback.print_exc()
            raise click.ClickException(exc.one_line()) from exc
        except KeyboardInterrupt:
            raise click.ClickException("Interrupted") from None
        except Exception as exc:
            if ctx and ctx.debug:
                raise
            raise click.ClickException(f"{type(exc).__name__}: {exc} (run with --debug for details)") from exc

    return wrapper


@click.group(invoke_without_command=True)
@click.option("--index", "index", metavar="NAME", help="Which index to use (default: store.index).")
@click.option("--config", "config", metavar="PATH", type=click.Path(dir_okay=False), help="Config file.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="ragbox")
@click.pass_context
def main(ctx: click.Context, index: str | None, config: str | None, debug: bool) -> None:
    """ragbox: ask questions about your own documents, answered with cited sources, fully offline."""
    ctx.obj = Context(index, config, debug)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@main.command()
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Drop the index first (needed after changing the embedding model).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
@handle_errors
def index(obj: Context, folders: tuple[Path, ...], rebuild: bool, as_json: bool) -> None:
    """Index FOLDERS (or files): .pdf, .txt and .md, recursively. Re-runs are incremental.

    With no FOLDERS, re-index the folders this index was built from.
    """
    from ragbox.cli_output import index_progress, print_index_summary

    engine = obj.engine()
    if not folders and not (engine.exists() and engine.catalog.roots()):
        raise click.UsageError("Give a folder to index, e.g. `ragbox index ~/contracts`.")
    if rebuild and engine.exists():
        roots = engine.catalog.roots()
        engine.rebuild()
        folders = folders or tuple(Path(r) for r in roots)
    with index_progress(enabled=not as_json) as on_progress:
        summary = engine.index(list(folders), on_progress)
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "skipped_files": summary.skipped,
                               "removed_files": summary.removed}, indent=2))
    else:
        print_index_summary(summary)


@main.command()
@click.argument("question")
@click.option("-k", "--k", type=int, help="Passages to retrieve.")
@click.option("--where", metavar="GLOB", help="Only files matching this path pattern, e.g. 'contracts/**'.")
@click.option("--model", "model", metavar="PATH.gguf", help="Use this GGUF model.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@handle_errors
def ask(obj: Context, question: str, k: int | None, where: str | None, model: str | None, as_json: bool) -> None:
    """Answer QUESTION from the indexed documents, citing its sources."""
    from ragbox.cli_output import answer_json, print_sources

    engine = obj.engine(**{"llm.model_path": model})

    def show(token: str) -> None:
        click.echo(token, nl=False)
        sys.stdout.flush()

    answer = engine.ask(question, k=k, where=where, on_token=None if as_json else show)
    if as_json:
        click.echo(json.dumps(answer_json(answer), indent=2))
    else:
        click.echo()
        print_sources(answer)


@main.command()
@click.argument("query")
@click.option("-k", "--k", type=int, default=10, show_default=True, help="Hits to show.")
@click.option("--where", metavar="GLOB", help="Only files matching this path pattern.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@handle_errors
def search(obj: Context, query: str, k: int, where: str | None, as_json: bool) -> None:
    """Show the passages that best match QUERY (retrieval only, no model)."""
    from ragbox.cli_output import print_hits

    hits = obj.engine().search(query, k=k, where=where)
    if as_json:
        click.echo(json.dumps([h.as_dict() for h in hits], indent=2))
    else:
        print_hits(hits)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@handle_errors
def status(obj: Context, as_json: bool) -> None:
    """What is indexed, with which models, and where it is stored."""
    from ragbox.cli_output import print_status
    from ragbox.engine import list_indexes

    engine = obj.engine()
    info = engine.status()
    info["indexes"] = list_indexes(engine.settings)
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        print_status(info)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_obj
@handle_errors
def forget(obj: Context, path: Path) -> None:
    """Remove PATH (a file, or every file under a folder) from the index."""
    removed = obj.engine().forget(path)
    if not removed:
        raise click.ClickException(f"Not in the index ({path})")
    for item in removed:
        click.echo(f"forgot {item}")
    click.echo(f"{len(removed)} file(s) removed from the index.")
