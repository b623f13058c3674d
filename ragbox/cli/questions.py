"""Commands that question an index: ``ask`` and ``search``."""

from __future__ import annotations

import json
import sys

import click

from ragbox.cli import Context, handle_errors


@click.command()
@click.argument("question")
@click.option("-k", "--k", type=int, help="Passages to retrieve.")
@click.option("--where", metavar="GLOB", help="Only files matching this path pattern, e.g. 'contracts/**'.")
@click.option("--model", "model", metavar="NAME", help="Answer with this model: a name from `ragbox models` "
                                                     "(qwen3:4b, ...) or a .gguf path.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@handle_errors
def ask(obj: Context, question: str, k: int | None, where: str | None, model: str | None, as_json: bool) -> None:
    """Answer QUESTION from the indexed documents, citing its sources."""
    from ragbox.cli.output import answer_json, print_answer_details

    # with llm.base_url set, --model names the server's model
    model_key = "llm.model" if obj.settings().llm.base_url else "llm.model_path"
    engine = obj.question_engine(**({model_key: model} if model else {}))

    def show(token: str) -> None:
        click.echo(token, nl=False)
        sys.stdout.flush()

    answer = engine.ask(question, k=k, where=where, on_token=None if as_json else show)
    if as_json:
        click.echo(json.dumps(answer_json(answer), indent=2))
    else:
        click.echo()
        print_answer_details(answer)


@click.command()
@click.argument("query")
@click.option("-k", "--k", type=int, default=10, show_default=True, help="Hits to show.")
@click.option("--where", metavar="GLOB", help="Only files matching this path pattern.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@handle_errors
def search(obj: Context, query: str, k: int, where: str | None, as_json: bool) -> None:
    """Show the passages that best match QUERY (retrieval only, no model)."""
    from ragbox.cli.output import print_hits

    hits = obj.question_engine().search(query, k=k, where=where)
    if as_json:
        click.echo(json.dumps([h.as_dict() for h in hits], indent=2))
    else:
        print_hits(hits)


COMMANDS = [ask, search]
