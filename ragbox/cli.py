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
        except click.ClickException:
            raise
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
        ctx.invoke(tui)


@main.command()
@click.pass_obj
@handle_errors
def tui(obj: Context) -> None:
    """Open the interactive app (also what `ragbox` with no command does)."""
    from ragbox.tui.app import RagboxApp  # textual is imported only here

    RagboxApp(obj.engine()).run()


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


def _parse_ks(ctx, param, value: str) -> tuple[int, ...]:
    try:
        ks = tuple(sorted({int(part) for part in value.split(",") if part.strip()}))
    except ValueError:
        raise click.BadParameter("expected positive numbers separated by commas, e.g. 1,5,10") from None
    if not ks or ks[0] < 1:
        raise click.BadParameter("expected positive numbers separated by commas, e.g. 1,5,10")
    return ks


@main.command("eval")
@click.argument("queries_file", metavar="QUERIES.jsonl",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index", metavar="NAME", help="Which index to evaluate (as the global --index).")
@click.option("--k", "ks", metavar="K,K,...", default="1,5,10", show_default=True, callback=_parse_ks,
              help="Ranks for recall@k, comma-separated.")
@click.option("--budget", type=click.IntRange(min=1), default=4000, show_default=True,
              help="Context budget in characters for evidence recall.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--hits", "hits_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every query's ranked hits here (JSONL).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N queries.")
@click.pass_obj
@handle_errors
def eval_command(obj: Context, queries_file: Path, index: str | None, ks: tuple[int, ...], budget: int,
                 as_json: bool, hits_file: Path | None, limit: int | None) -> None:
    """Measure retrieval on QUERIES.jsonl (id, query, gold): recall@k, MRR@10, document recall,
    evidence recall within a context budget of characters, and search latency."""
    from ragbox import evaluation

    queries = evaluation.load_queries(queries_file, limit)
    engine = obj.engine(**{"store.index": index or obj.index})
    engine.search("warm up", k=1)  # fails on a missing index; loads the model outside the timings
    missing = evaluation.missing_gold_files(queries, {Path(d.path).name for d in engine.documents()})
    if missing:
        click.echo(f"Warning: {len(missing)} gold file(s) are not in index '{engine.index_name}', "
                   f"e.g. {sorted(missing)[0]}", err=True)
    out = hits_file.open("w", encoding="utf-8") if hits_file else None
    try:
        def write_hits(query, hits) -> None:
            if out:
                out.write(json.dumps({"id": query.id, "hits": [h.as_dict() for h in hits]}) + "\n")

        results = evaluation.evaluate(queries, engine.search, ks, budget, on_hits=write_hits)
    finally:
        if out:
            out.close()
    summary = {"index": engine.index_name, "queries_file": str(queries_file),
               "retrieval_mode": getattr(engine.settings.retrieval, "mode", "vector"),
               **evaluation.summarize(results, ks, budget), "gold_files_not_indexed": len(missing)}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(evaluation.format_table(summary))
