"""How the CLI shows progress, hits, answers and status. Only rich/click here, no models."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import click

from ragbox import paths
from ragbox.text import fold_spaces, quote
from ragbox.types import Answer, Hit


def display_path(path: str) -> str:
    """Relative to the current folder when inside it, else with ~ for the home folder."""
    return paths.display_path(path, [Path.cwd()])


def locator(hit: Hit) -> str:
    return paths.locator(hit, [Path.cwd()])


def print_answer_details(answer: Answer) -> None:
    """What follows a streamed answer: its evidence, the check of the model's words, the sources."""
    if answer.found and not answer.sure:
        click.echo(f"\n? {answer.unsure_line()}")
    if answer.found and answer.evidence is not None:
        hit = answer.sources[answer.evidence.source - 1]
        if answer.style == "extracted" and fold_spaces(answer.evidence_text) in fold_spaces(answer.text):
            click.echo(f"\nQuoted from [{answer.evidence.source}] {locator(hit)}")  # the answer is the quote
        else:
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
    return answer.as_dict()


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
            counts = f"{p.files_done}/{p.files_total} files  {p.pages} pages  {p.chunks} chunks"
            if p.ocr_done < p.ocr_total:  # a scan is being read: seconds a page, so say which
                counts += f"  {p.ocr_note()}"
            bar.update(task, total=max(p.bytes_total, 1), completed=p.bytes_done, counts=counts)

        yield update


def print_index_summary(summary) -> None:
    for line in summary.describe(display_path):
        click.echo(line)


class WatchReport:
    """What ``ragbox watch`` prints: the first run's summary, then one timestamped line per file
    that changed (and per new reason to skip one); runs that changed nothing print nothing."""

    def __init__(self, roots) -> None:
        self.roots = list(roots)
        self.skipped: dict[str, str] | None = None

    def run(self, summary) -> None:
        if self.skipped is None:
            print_index_summary(summary)
            click.echo(f"Watching {', '.join(display_path(str(Path(r).absolute())) for r in self.roots)} "
                       "for changes (Ctrl+C stops)…")
        else:
            stamp = time.strftime("%H:%M:%S")
            lines = [f"indexed {display_path(p)}" for p in summary.indexed]
            lines += [f"renamed {display_path(a)} -> {display_path(b)}" for a, b in summary.renamed]
            lines += [f"removed {display_path(p)}" for p in summary.removed]
            lines += [f"skipped {display_path(p)}: {why}" for p, why in sorted(summary.skipped.items())
                      if self.skipped.get(p) != why]
            for line in lines:
                click.echo(f"{stamp}  {line}")
        self.skipped = dict(summary.skipped)

    def error(self, exc) -> None:
        click.echo(f"{time.strftime('%H:%M:%S')}  {exc.one_line()}", err=True)


def print_status(info: dict) -> None:
    if info.get("locked"):  # an encrypted index opened without its passphrase shows its name alone
        click.echo(f"{'Index:':<17}{info['index']} (encrypted, locked: give its passphrase to see more)")
        click.echo(f"{'All indexes:':<17}{', '.join(info.get('indexes', [])) or '-'}")
        return
    run = info.get("last_run")
    last = "never"
    if run:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run["started_at"]))
        last = f"{when} ({run['status']})"
    rows = [
        ("Index", info["index"]),
        ("Files", f"{info['files']} ({info['pages']} pages, {info['chunks']} chunks)"),
        ("Skipped", str(len(info["skipped"]))),
        *([("Pages read", pages_read(info["coverage"]))] if info.get("coverage") else []),
        ("Folders", ", ".join(display_path(r) for r in info["roots"]) or "-"),
        ("Embedding model", (f"{info['embedding_model']} ({info['embedding_backend']})"
                             if info.get("embedding_backend") else info["embedding_model"] or "-")),
        ("LLM", info["llm"]),
        ("Store", f"{info['store_path']} ({info['store_bytes'] / 2**20:.1f} MB)"),
        ("Last run", last),
        ("All indexes", ", ".join(info.get("indexes", [])) or "-"),
    ]
    if info.get("team"):
        rows.insert(-2, ("Team server", team_line(info["team"])))
    for name, value in rows:
        click.echo(f"{name + ':':<17}{value}")


def team_line(team: dict) -> str:
    """The team server, its revision and this machine's cache of it (the token is never shown)."""
    cached = team["cache_revision"]
    cache = {"current": "current", "empty": "empty (filled at the next command)",
             "behind": f"at revision {cached}, refreshed at the next command"}[team["cache"]]
    lease = team.get("lease")
    busy = f"; being indexed by {lease['holder'].split(':')[0]}" if lease and lease["expires"] > time.time() else ""
    return f"{team['server']} (revision {team['revision']}; this machine's cache: {cache}{busy})"


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
        out.append(f"  {name:<26}{share(row['right'])}   (n={row['n']}; sure {row.get('sure', 0)}, precision "
                   f"{share(row.get('sure_precision'))}, coverage {share(row.get('sure_coverage'))})")
    if "sure" in summary:
        sure = summary["sure"]
        out.append(f"{'sure precision / coverage':<28}{share(sure['sure_precision'])} / {share(sure['sure_coverage'])}"
                   f"   ({sure['sure']} sure answers)")
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


def _size(size: int | None) -> str:
    if not size:
        return "-"
    return f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def print_models(rows: list[dict], n_ctx: int) -> None:
    if not rows:
        click.echo("No GGUF model found. Put .gguf files in a folder and set llm.model_dirs, or pull one "
                   "with Ollama or LM Studio.")
        return
    head = ("NAME", "SOURCE", "ARCH", "PARAMS", "QUANT", "SIZE", "CONTEXT", "CHAT", "LICENCE", f"RAM@{n_ctx}", "FITS")
    table = [head]
    for row in rows:
        name = ("* " if row.get("in_use") else "  ") + row["name"]
        if row["error"]:
            table.append((name, row["source"], f"unreadable: {row['error']}", "", "", "", "", "", "", "", ""))
            continue
        table.append((name, row["source"], row["architecture"], row["parameters"], row["quantization"],
                      _size(row["size_bytes"]), str(row["context_length"] or "-"),
                      "yes" if row["chat_template"] else "no", quote(row["license"] or "-", 18),
                      _size(row["ram_bytes"]), "yes" if row["fits"] else "NO"))
    readable = [r for r in table if not r[2].startswith("unreadable:")]
    widths = [max(len(r[i]) for r in readable) for i in range(len(head))]
    for row in table:
        if row[2].startswith("unreadable:"):
            click.echo(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}")
            continue
        click.echo("  ".join(f"{cell:<{w}}" for cell, w in zip(row, widths)).rstrip())
    available = rows[0].get("available_bytes")
    click.echo(f"\n{len(rows)} model(s). RAM@{n_ctx}: weights + KV cache at llm.n_ctx + buffers; FITS: in the "
               f"{_size(available)} available now. * answers now.")
    click.echo("Answer with one: ragbox ask --model NAME \"…\" (or llm.model_path = \"NAME\"); "
               "details: ragbox models --info NAME; does it run here: ragbox models --check NAME")


def print_model_info(row: dict, n_ctx: int) -> None:
    lines = [("Name", f"{row['name']} ({row['source']})"), ("File", display_path(row["path"]))]
    if row["error"]:
        lines.append(("Unreadable", row["error"]))
    else:
        memory = row["memory"]
        lines += [
            ("Model", f"{row['architecture']}, {row['parameters']} parameters, {row['quantization']}, "
                      f"{_size(row['size_bytes'])}"),
            ("Context", f"{row['context_length'] or '?'} tokens trained; ragbox uses llm.n_ctx = {n_ctx}"),
            ("Chat template", "yes (ragbox sends chat messages)" if row["chat_template"]
             else "no (ragbox writes a completion prompt)"),
            ("Memory", f"{_size(memory['total'])} at llm.n_ctx = {n_ctx}: {_size(memory['weights'])} weights, "
                       f"{_size(memory['kv_cache'])} KV cache, {_size(memory['buffers'])} buffers; "
                       + ("fits now" if row["fits"] else "does NOT fit in the memory available now")),
        ]
    for name, value in lines:
        click.echo(f"{name + ':':<15}{value}")
    facts = row.get("transparency") or {}
    labels = {"name": "Model name", "organization": "Organization", "license": "Licence",
              "license_link": "Licence text", "base_model": "Base model", "source_url": "Source",
              "family": "Family", "openness": "Openness", "openness_note": "About it"}
    for key, label in labels.items():
        if key in facts:
            click.echo(f"{label + ':':<15}{facts[key]['value']}")
            click.echo(f"{'':<15}[{facts[key]['source']}]")


def print_model_check(result: dict) -> None:
    click.echo(f"{'OK' if result['ok'] else 'FAILED'}  {result['model']}: {result['detail']}")
    if result.get("system_info"):
        click.echo(f"llama.cpp build: {result['system_info']}")


def print_cards(cards) -> None:
    """``ragbox documents``: one block per document, the fields a question can name it by."""
    if not cards:
        click.echo("No documents indexed.")
    for card in cards:
        click.echo(display_path(card.path))
        if card.title or card.kind:
            click.echo(f"  {card.title or '-'}" + (f"  ({card.kind})" if card.kind else ""))
        for party in card.parties:
            short = ", ".join(f'"{s}"' for s in party.short_names)
            click.echo(f"  party: {party.name}" + (f" ({short})" if short else ""))
        if card.dates:
            click.echo(f"  dates: {'; '.join(card.dates)}")


def print_coverage(documents) -> None:
    """``ragbox coverage``: a line a document, the reasons for its pages not read under it."""
    from ragbox.coverage import describe, reasons

    for document in documents:
        click.echo(f"{display_path(document.path)}: {describe(document)}")
        for line in reasons(document):
            click.echo(f"  {line}")
    unread = sum(1 for document in documents if document.not_read())
    click.echo(f"{len(documents)} document(s), {unread} with pages not read.")


def pages_read(counts: dict) -> str:
    """`status`'s page coverage: "777 text, 44 OCR, 0 unreadable, 0 failed, 3 empty"."""
    line = ", ".join(f"{counts[name]} {label}" for name, label in (
        ("text", "text"), ("ocr", "OCR"), ("unreadable", "unreadable"), ("failed", "failed"), ("empty", "empty")))
    if counts.get("unknown"):
        line += f"; {counts['unknown']} not described (indexed before page coverage was kept)"
    return line
