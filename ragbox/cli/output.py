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


def print_answer_details(answer: Answer) -> None:
    """What follows a streamed answer: its evidence, the check of the model's words, the sources."""
    if answer.found and answer.evidence is not None:
        hit = answer.sources[answer.evidence.source - 1]
        label = "Evidence" if answer.style == "extracted" else "The sentence that answers"
        click.echo(f"\n{label} [{answer.evidence.source}] {locator(hit)}:")
        click.echo(f"  “{quote(answer.evidence_text, 400)}”")
    if answer.model_text:
        flagged = answer.unsupported
        click.echo("\n! Not shown as the answer: the model's " + ("answer" if answer.style == "extracted" else
                   "other sentences") + ", which its sources do not support:")
        for sentence in flagged:
            click.echo(f"  ✗ “{quote(sentence.text, 300)}” ({'; '.join(sentence.unsupported)} not in the sources)")
    elif answer.sentences:
        click.echo("(✓ every sentence checked against the source it cites)")
    if not answer.sources:
        return
    click.echo("\nSources:" if answer.found else "\nThe closest passages (none answers the question):")
    for number, hit in enumerate(answer.sources, start=1):
        mark = "*" if number in answer.cited else " "
        if answer.found and answer.evidence is not None and number == answer.evidence.source:
            click.echo(f"{mark}[{number}] {locator(hit)} (the evidence above)")
            continue
        click.echo(f"{mark}[{number}] {locator(hit)}: \"{quote(answer.quote_of(number), 200)}\"")
    if answer.cited:
        click.echo("(* the answer rests on it)")


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "answer": answer.text,
        "found": answer.found,
        "style": answer.style,
        "kind": answer.kind,
        "evidence": _evidence(answer),
        "sentences": [s.as_dict() for s in answer.sentences],
        "model_answer": answer.model_text,
        "searched": answer.searched,
        "citation_method": answer.citation_method,
        "citations": [_citation(answer, n) for n in range(1, len(answer.sources) + 1)],
        "model": answer.model,
        "timings": {k: round(v, 3) for k, v in answer.timings.items()},
    }


def _evidence(answer: Answer) -> dict | None:
    if answer.evidence is None or not answer.found:
        return None
    evidence = answer.evidence
    hit = answer.sources[evidence.source - 1]
    (start, end), (span_start, span_end) = evidence.sentence, evidence.span
    return {"n": evidence.source, "path": hit.path, "page": hit.page, "quote": hit.text[start:end],
            "quote_start": hit.char_start + start, "quote_end": hit.char_start + end,
            "answer_span": hit.text[span_start:span_end], "span_start": hit.char_start + span_start,
            "span_end": hit.char_start + span_end, "value": evidence.value}


def _citation(answer: Answer, number: int) -> dict:
    hit = answer.sources[number - 1]
    start, end = answer.quotes[number - 1]
    supports = [i for i, s in enumerate(answer.sentences) if number in s.citations and s.supported]
    return {"n": number, **hit.as_dict(), "cited": number in answer.cited,
            "quote": hit.text[start:end], "quote_start": hit.char_start + start,
            "quote_end": hit.char_start + end, "supports_sentences": supports}


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


def answers_table(summary: dict) -> str:
    """The summary of ``ragbox eval --answers`` as readable lines."""
    def share(value) -> str:
        return "-" if value is None else f"{value:.3f}"

    out = [f"{summary['questions']} questions on index '{summary['index']}' ({summary['answer_style']} answers, "
           f"model {summary['model']}): {summary['labelled']} with a labelled answer"]
    out.append(f"{'answered right':<28}{share(summary['right'])}")
    for name, row in summary["by_category"].items():
        out.append(f"  {name:<26}{share(row['right'])}   (n={row['n']})")
    check = summary["check"]
    out.append(f"{'check precision / recall':<28}{share(check['precision'])} / {share(check['recall'])}   "
               f"({check['answers']} model answers, {check['passed']} passed)")
    abstention = summary["abstention"]
    out.append(f"{'not found precision / recall':<28}{share(abstention['precision'])} / "
               f"{share(abstention['recall'])}   ({abstention['not_found']} not found, "
               f"{abstention['unanswerable']} unanswerable)")
    seconds = summary["seconds_per_answer"]
    out.append(f"{'seconds per answer':<28}p50 {seconds['p50']:.2f}, p95 {seconds['p95']:.2f}")
    return "\n".join(out)
