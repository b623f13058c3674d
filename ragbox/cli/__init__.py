"""The command line: a thin shell over ``Engine``. Errors become ``Error: ...`` and exit 1.

Each group of commands lives in its own module; this one holds the group, the shared options
and the error handling; ``output`` shows progress, hits, answers and status. The commands:
``documents`` (index, status, forget, coverage, documents), ``questions`` (ask, search), ``table``,
``eval``, ``models``, ``doctor``, ``serving`` (serve) and ``mcp``. Only the CLI modules import click.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback

import click

from ragbox.errors import RagboxError

EXIT_BROKEN_PIPE = 141  # what a shell reports for a program ended by SIGPIPE (128 + 13)


class Context:
    def __init__(self, index: str | None, config: str | None, debug: bool) -> None:
        self.index = index
        self.config = config
        self.debug = debug

    def settings(self, **flags):
        from ragbox.config import load_settings

        return load_settings(self.config, flags={"store.index": self.index, **flags})

    def engine(self, **flags):
        from ragbox.engine import Engine

        return _closed_with_command(Engine(self.settings(**flags), passphrase=passphrase))

    def question_engine(self, **flags):
        """For questions: the running `ragbox serve` of this store when there is one (warm
        models), else (and always for an encrypted index) a local engine."""
        from ragbox.paths import is_encrypted_index
        from ragbox.serving.client import connect

        settings = self.settings(**flags)
        # An encrypted index is always opened here, with the passphrase given to this command:
        # a server unlocked by another would answer whoever asks, right passphrase or not.
        if settings.serve.use and not is_encrypted_index(settings):
            remote = connect(settings)
            if remote is not None:
                return remote
        from ragbox.engine import Engine

        return _closed_with_command(Engine(settings, passphrase=passphrase))


def _closed_with_command(engine):
    """``engine``, closed when the command ends: its catalog's last connection then folds the
    write-ahead log into the catalog, as the process's exit would (a command run in-process, by
    a test or a host program, otherwise left that to the garbage collector)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(engine.close)
    return engine


def passphrase(new: bool = False, variable: str = "RAGBOX_PASSPHRASE") -> str | None:
    """An encrypted index's passphrase: ``variable`` from the environment, else asked on a terminal
    (twice for a new one), else None (no terminal to ask on)."""
    given = os.environ.get(variable)
    if given:
        return given
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    import getpass

    what = "New passphrase" if variable != "RAGBOX_PASSPHRASE" else "Passphrase"
    first = getpass.getpass(f"{what} for the encrypted index: ")
    if new and first and getpass.getpass("The same passphrase again: ") != first:
        raise click.ClickException("The two passphrases differ: nothing was changed")
    return first or None


def handle_errors(func):
    """Turn ragbox errors into one line; anything else too, unless --debug asks for the traceback.
    A reader that goes away (``ragbox status | head -3``) ends the command quietly."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context().find_object(Context)
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise
        except BrokenPipeError:
            # Nothing more can be written; make the interpreter's final flush quiet too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
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

    engine = obj.engine()
    if engine.encrypted() or (engine.settings.index.encrypt and not engine.exists()):
        engine.prepare_key()  # its passphrase asked now, on the terminal, before the app takes the screen
    RagboxApp(engine).run()


def _register() -> None:
    from ragbox.cli import doctor, documents, mcp, models, questions, serving, table
    from ragbox.cli import eval as evaluation  # `ragbox eval`

    for module in (documents, questions, evaluation, models, mcp, serving, table, doctor):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
