"""``ragbox models``: the GGUF models on this machine, what each is, and whether it runs here."""

from __future__ import annotations

import json
import sys

import click

from ragbox.cli import Context, handle_errors


@click.command()
@click.argument("name", required=False)
@click.option("--check", is_flag=True, help="Load NAME (default: the configured model) in a child process and "
                                            "have it write a few tokens: does it run here?")
@click.option("--info", is_flag=True, help="Licence, base model and openness of NAME, each with its source.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@handle_errors
def models(obj: Context, name: str | None, check: bool, info: bool, as_json: bool) -> None:
    """List the GGUF models found on this machine: the bundled ones, llm.model_dirs, Ollama,
    LM Studio and the Hugging Face cache. Use a NAME with `ragbox ask --model NAME`."""
    from ragbox.cli.output import print_model_check, print_model_info, print_models

    engine = obj.engine()
    if check:
        result = engine.llm.check(name)
        click.echo(json.dumps(result, indent=2)) if as_json else print_model_check(result)
        if not result["ok"]:
            sys.exit(1)
    elif info or name:
        row = engine.llm.info(name)
        click.echo(json.dumps(row, indent=2)) if as_json else print_model_info(row, engine.settings.llm.n_ctx)
    else:
        rows = engine.llm.models()
        click.echo(json.dumps(rows, indent=2)) if as_json else print_models(rows, engine.settings.llm.n_ctx)


COMMANDS = [models]
