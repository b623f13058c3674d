"""How the CLI shows progress, hits, answers and status. Only rich/click here, no models."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import click

from ragbox.documents import Answer, Hit
from ragbox.quotes import answer_quote, quote, unsupported_answer_evidence


def display_path(path: str) -> str:
    """Relative to the current folder when inside it, else with ~ for the home folder."""
    p = Path(path)
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        home = str(Path.home())
        return "~" + path[len(home):] if path.startswith(home + os.sep) else path


def locator(hit: Hit) -> str:
    where = display_path(hit.path)
    return f"{where}, page {hit.page}" if hit.page is not None else where


def print_sources(answer: Answer) -> None:
    if not answer.sources:
        return
    evidence = unsupported_answer_evidence(answer)
    if evidence:
        click.echo("\n! The answer above matches none of the sources word for word: check it. "
                   "The sentence that best answers the question, from [1]:")
        click.echo(f'  "{quote(evidence, 400)}"')
    click.echo("\nSources:")
    for number, hit in enumerate(answer.sources, start=1):
        mark = "*" if number in answer.cited else " "
        start, end = answer_quote(answer, number)
        click.echo(f"{mark}[{number}] {locator(hit)}: \"{quote(hit.text[start:end], 200)}\"")
    if answer.citation_method == "model":
        click.echo("(* cited in the answer)")
    elif answer.cited:
        click.echo("(* the answer's wording comes from this source; the model wrote no [n] itself)")


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "answer": answer.text,
        "found": answer.found,
        "citation_method": answer.citation_method,
        "citations": [_citation(answer, n) for n in range(1, len(answer.sources) + 1)],
        # Set when the answer matches no source: the top source's sentence that best answers.
        "evidence": unsupported_answer_evidence(answer),
        "model": answer.model,
        "timings": {k: round(v, 3) for k, v in answer.timings.items()},
    }


def _citation(answer: Answer, number: int) -> dict:
    hit = answer.sources[number - 1]
    start, end = answer_quote(answer, number)
    return {"n": number, **hit.as_dict(), "cited": number in answer.cited,
            "quote": hit.text[start:end], "quote_start": hit.char_start + start,
            "quote_end": hit.char_start + end}


def print_hits(hits: list[Hit]) -> None:
    if not hits:
        click.echo("No matching passages.")
        return
    for rank, hit in enumerate(hits, start=1):
        head = f"{rank:>2}. {hit.score:.3f}  {locator(hit)}  chars {hit.char_start}-{hit.char_end}"
        if hit.section:
            head += f"  [{hit.section}]"
        click.secho(head, bold=True)
        click.echo(f"    {quote(hit.text, 300)}")


@contextmanager
def index_progress(enabled: bool = True):
    """A progress bar with files, pages, chunks and an ETA (by bytes), fed by the indexer."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn("[bold]Indexing"), BarColumn(), TextColumn("{task.fields[counts]}"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("index", total=None, counts="finding files…")

        def update(p) -> None:
            bar.update(task, total=max(p.bytes_total, 1), completed=p.bytes_done,
                       counts=f"{p.files_done}/{p.files_total} files  {p.pages} pages  {p.chunks} chunks")

        yield update


def print_index_summary(summary) -> None:
    for line in summary.describe(display_path):
        click.echo(line)


def print_status(info: dict) -> None:
    run = info.get("last_run")
    last = "never"
    if run:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run["started_at"]))
        last = f"{when} ({run['status']})"
    rows = [
        ("Index", info["index"]),
        ("Files", f"{info['files']} ({info['pages']} pages, {info['chunks']} chunks)"),
        ("Skipped", str(len(info["skipped"]))),
        ("Folders", ", ".join(display_path(r) for r in info["roots"]) or "-"),
        ("Embedding model", info["embedding_model"] or "-"),
        ("LLM", info["llm"]),
        ("Store", f"{info['store_path']} ({info['store_bytes'] / 2**20:.1f} MB)"),
        ("Last run", last),
        ("All indexes", ", ".join(info.get("indexes", [])) or "-"),
    ]
    for name, value in rows:
        click.echo(f"{name + ':':<17}{value}")
