"""Commands that build and inspect an index: ``index``, ``status``, ``forget``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ragbox.cli import Context, handle_errors


@click.command()
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Drop the index first (needed after changing the embedding model).")
@click.option("--wait", is_flag=True, help="If another ragbox is indexing this index, wait for it instead of failing.")
@click.option("--verify", is_flag=True,
              help="Read and hash every file, even one whose size and modification time are unchanged.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--encrypt", is_flag=True, help="Make a new index encrypted at rest, with a passphrase "
              "(RAGBOX_PASSPHRASE, or asked on a terminal).")
@click.pass_obj
@handle_errors
def index(obj: Context, folders: tuple[Path, ...], rebuild: bool, wait: bool, verify: bool, as_json: bool,
          encrypt: bool) -> None:
    """Index FOLDERS (or files), recursively: .pdf (scans by OCR), .docx, .html/.htm, .eml, .mbox,
    .txt and .md; e-mail attachments are indexed as documents of their own. Re-runs are incremental.

    With no FOLDERS, re-index the folders this index was built from. Only regular files are read;
    everything skipped is listed with its reason.
    """
    from ragbox.cli.output import index_progress, print_index_summary

    engine = obj.engine(**({"index.encrypt": True} if encrypt else {}))
    if not folders and not engine.roots():
        raise click.UsageError("Give a folder to index, e.g. `ragbox index ~/contracts`.")

    def waiting() -> None:
        click.echo(f"Index '{engine.index_name}' is busy: waiting for the other ragbox to finish indexing it...",
                   err=True)

    with index_progress(enabled=not as_json) as on_progress:
        summary = engine.index(list(folders), on_progress, wait=wait, on_wait=waiting,
                               rebuild=rebuild and engine.exists(), verify=verify)
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "skipped_files": summary.skipped,
                               "removed_files": summary.removed}, indent=2))
    else:
        print_index_summary(summary)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@handle_errors
def status(obj: Context, as_json: bool) -> None:
    """What is indexed, with which models, and where it is stored."""
    from ragbox.cli.output import print_status

    info = obj.engine().status()
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        print_status(info)


@click.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--all", "everything", is_flag=True, help="Drop the whole index from this machine.")
@click.pass_obj
@handle_errors
def forget(obj: Context, path: Path | None, everything: bool) -> None:
    """Remove PATH (a file, or every file under a folder) from the index; --all drops the index."""
    if everything == (path is not None):
        raise click.UsageError("Give a PATH to forget, or --all to drop the whole index (not both).")
    if everything:
        engine = obj.engine()
        encrypted = engine.encrypted()
        removed = engine.drop()
        if encrypted:
            click.echo(f"Crypto-shredded index '{engine.index_name}': its key file was overwritten and deleted "
                       f"first, then {', '.join(removed)} removed from {engine.index_dir}. What a disk or backup still "
                       "holds of those files cannot be decrypted without a copy of the key file.")
            return
        click.echo(f"Dropped index '{engine.index_name}': removed {', '.join(removed)} from {engine.index_dir}.")
        click.echo("The files were deleted, not overwritten: a disk or backup may still hold their bytes. "
                   "Saved conversations and tables are kept.")
        return
    removed = obj.engine().forget(path)
    if not removed:
        raise click.ClickException(f"Not in the index ({path})")
    for item in removed:
        click.echo(f"forgot {item}")
    click.echo(f"{len(removed)} file(s) removed from the index.")


@click.command()
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
@handle_errors
def watch(obj: Context, folders: tuple[Path, ...]) -> None:
    """Keep the index in step with FOLDERS as files are added, changed, renamed or deleted.

    With no FOLDERS, watch the folders this index was built from. Indexes what changed since the
    last run first, then after every burst of changes (debounced); Ctrl+C (or SIGTERM) stops.
    """
    import signal
    import threading

    from ragbox.cli.output import WatchReport

    engine = obj.engine()
    roots = [str(p) for p in folders] or engine.roots()
    if not roots:
        raise click.UsageError("Give a folder to watch, e.g. `ragbox watch ~/contracts`.")
    report = WatchReport(roots)
    stop = threading.Event()
    # A service manager stops it with SIGTERM: finish the run under way, then end as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        engine.watch(list(folders), report.run, stop, on_error=report.error)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
    click.echo("Stopped watching.")




@click.command()
@click.option("--where", "where", multiple=True, help="Only files matching this path glob (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@handle_errors
def documents(obj: Context, where: tuple[str, ...], as_json: bool) -> None:
    """The indexed documents as ragbox knows them: title, kind, parties and their short names,
    dates; a question that names a document by any of these is answered from it alone."""
    from ragbox.cli.output import print_cards

    cards = obj.engine().cards(list(where) or None)
    if as_json:
        click.echo(json.dumps([c.as_dict() for c in cards], indent=2, ensure_ascii=False))
    else:
        print_cards(cards)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
@handle_errors
def coverage(obj: Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """How each page of the indexed files (or of PATHS) was read: by its text layer, by OCR (with
    its mean confidence), empty, or not read, with those page numbers and why.

    JSON, one object a document (an attachment is its own): pages, text, ocr, empty, unreadable
    (something is on the page but was not read: an image or outlines of text with OCR off, or a
    page over a limit), failed (its text could not be extracted), not_read (page numbers), reasons.
    """
    from ragbox.cli.output import print_coverage

    found = obj.engine().coverage(list(paths))
    if paths and not found:
        raise click.ClickException(f"Not in the index ({', '.join(map(str, paths))})")
    if as_json:
        click.echo(json.dumps([c.as_dict() for c in found], indent=2, ensure_ascii=False))
    else:
        print_coverage(found)


@click.command()
@click.pass_obj
@handle_errors
def rekey(obj: Context) -> None:
    """Change an encrypted index's passphrase: the current one (RAGBOX_PASSPHRASE or asked), then
    the new one (RAGBOX_NEW_PASSPHRASE or asked twice). The old passphrase stops working."""
    from ragbox.cli import passphrase

    engine = obj.engine()
    if not engine.encrypted():
        raise click.ClickException(f"Index '{engine.index_name}' is not encrypted ({engine.index_dir}): "
                                   "there is no passphrase to change")
    engine.data_key()  # the current passphrase first: a wrong one is the error, before a new one is asked
    new = passphrase(new=True, variable="RAGBOX_NEW_PASSPHRASE")
    if not new:
        raise click.ClickException("No new passphrase: set RAGBOX_NEW_PASSPHRASE or run on a terminal")
    engine.rekey(new)
    click.echo(f"Changed the passphrase of index '{engine.index_name}' ({engine.key_file}).")


COMMANDS = [index, watch, status, forget, documents, coverage, rekey]
