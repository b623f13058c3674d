"""``ragbox serve``: keep the models and the store warm for the commands run meanwhile."""

from __future__ import annotations

import time

import click

from ragbox.cli import Context, handle_errors


@click.command()
@click.option("--no-warm-up", "no_warm_up", is_flag=True, help="Load the models at the first question, not now.")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
@click.pass_obj
@handle_errors
def serve(obj: Context, no_warm_up: bool, quiet: bool) -> None:
    """Keep the models and the index loaded behind a Unix socket (only you can connect; no
    network port). `ragbox ask` and `ragbox search` use it while it runs and answer in a fraction
    of the time; without it they load everything themselves. Stop it with Ctrl-C."""
    from ragbox.paths import data_dir
    from ragbox.serving.server import serve as run_server

    settings = obj.settings()

    def ready(path) -> None:
        click.echo(f"ragbox serve: ready on {path} (store {data_dir(settings)}); Ctrl-C stops it.", err=True)

    def log(op: str) -> None:
        if not quiet:
            click.echo(f"{time.strftime('%H:%M:%S')} {op}", err=True)

    if not no_warm_up:
        click.echo("ragbox serve: loading the models…", err=True)
    run_server(settings, on_ready=ready, on_request=log, warm_up=not no_warm_up)
    click.echo("ragbox serve: stopped.", err=True)


COMMANDS = [serve]
