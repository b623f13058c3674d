"""How the CLI shows progress, hits, answers and status. Only rich/click here, no models."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import click

from ragbox import paths
from ragbox.text import quote
from ragbox.types import Answer, Hit


def display_path(path: str) -> str:
    """Relative to the current folder when inside it, else with ~ for the home folder."""
    return paths.display_path(path, [Path.cwd()])


def locator(hit: Hit) -> str:
    return paths.locator(hit, [Path.cwd()])


def print_sources(answer: Answer) -> None:
    if not answer.sources:
        return
    evidence = answer.evidence
    if evidence:
        click.echo("\n! The answer above matches none of the sources word for word: check it. "
                   "The sentence that best answers the question, from [1]:")
        click.echo(f'  "{quote(evidence, 400)}"')
    click.echo("\nSources:")
    for number, hit in enumerate(answer.sources, start=1):
        mark = "*" if number in answer.cited else " "
        click.echo(f"{mark}[{number}] {locator(hit)}: \"{quote(answer.quote_of(number), 200)}\"")
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
        "evidence": answer.evidence,
        "model": answer.model,
        "timings": {k: round(v, 3) for k, v in answer.timings.items()},
    }


def _citation(answer: Answer, number: int) -> dict:
    hit = answer.sources[number - 1]
    start, end = answer.quotes[number - 1]
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
        ("Embedding model", (f"{info['embedding_model']} ({info['embedding_backend']})"
                             if info.get("embedding_backend") else info["embedding_model"] or "-")),
        ("LLM", info["llm"]),
        ("Store", f"{info['store_path']} ({info['store_bytes'] / 2**20:.1f} MB)"),
        ("Last run", last),
        ("All indexes", ", ".join(info.get("indexes", [])) or "-"),
    ]
    for name, value in rows:
        click.echo(f"{name + ':':<17}{value}")


def evaluation_table(summary: dict) -> str:
    """The summary of ``ragbox eval`` as a readable table."""
    ks = list(summary["recall"])
    mrr = next(key for key in summary if key.startswith("mrr@"))
    where = f" on index '{summary['index']}'" if summary.get("index") else ""
    where += f" ({summary['retrieval_mode']} retrieval)" if summary.get("retrieval_mode") else ""
    out = [f"{summary['queries']} queries{where}: {summary['scored']} scored, "
           f"{summary['unanswerable_skipped']} without gold skipped"]
    if not summary["scored"]:
        return "\n".join(out + ["Nothing to score: no query has gold evidence."])
    out.append(f"{'':<24}" + "".join(f"{'@' + k:>8}" for k in ks))
    out.append(f"{'recall':<24}" + "".join(f"{summary['recall'][k]:>8.3f}" for k in ks))
    out.append(f"{'document recall':<24}" + "".join(f"{summary['doc_recall'][k]:>8.3f}" for k in ks))
    out.append(f"{mrr.upper():<24}{summary[mrr]:>8.3f}")
    out.append(f"{'evidence in budget':<24}{summary['budget_recall']:>8.3f}   (first "
               f"{summary['budget_chars']:,} chars = {summary['budget_hits_mean']} hits on average)")
    lat = summary["latency_ms"]
    out.append(f"{'latency':<24}p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms")
    return "\n".join(out)
