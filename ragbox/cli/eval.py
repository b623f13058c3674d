"""``ragbox eval``: measure retrieval on questions with known evidence."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ragbox.cli import Context, handle_errors


def _parse_ks(ctx, param, value: str) -> tuple[int, ...]:
    try:
        ks = tuple(sorted({int(part) for part in value.split(",") if part.strip()}))
    except ValueError:
        raise click.BadParameter("expected positive numbers separated by commas, e.g. 1,5,10") from None
    if not ks or ks[0] < 1:
        raise click.BadParameter("expected positive numbers separated by commas, e.g. 1,5,10")
    return ks


@click.command("eval")
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
@click.option("--answers", is_flag=True, help="Measure the answers instead: ask every question and grade the "
              "answer against the query's `answer`; --hits then writes every answer.")
@click.option("--style", type=click.Choice(["auto", "extract", "generate"]), help="With --answers: answer.style.")
@click.option("--model", "model", metavar="PATH.gguf", help="With --answers: use this GGUF model.")
@click.pass_obj
@handle_errors
def eval_command(obj: Context, queries_file: Path, index: str | None, ks: tuple[int, ...], budget: int,
                 as_json: bool, hits_file: Path | None, limit: int | None, answers: bool, style: str | None,
                 model: str | None) -> None:
    """Measure retrieval on QUERIES.jsonl (id, query, gold): recall@k, MRR@10, document recall,
    evidence recall within a context budget of characters, and search latency. With --answers,
    measure the answers: the share right, the check's precision and recall, "not found" precision
    and recall, and seconds per answer."""
    from ragbox.cli.output import answers_table, evaluation_table

    engine = obj.engine(**{"store.index": index or obj.index, "answer.style": style, "llm.model_path": model})
    if answers:
        out = hits_file.open("w", encoding="utf-8") if hits_file else None
        try:
            def write_answer(query_id: str, answer, result) -> None:
                if out:
                    out.write(json.dumps({"id": query_id, "answer": answer.text, "found": answer.found,
                                          "style": answer.style, "right": result.right, "label": result.label,
                                          "model_answer": answer.model_text, "confidence": answer.confidence,
                                          "signals": answer.signals, "evidence": answer.evidence_text,
                                          "kind": answer.kind, "sure": answer.sure,
                                          "unsure_because": answer.unsure_reasons(), "ambiguous": answer.ambiguous,
                                          "parts": [{"found": part.found, "confidence": part.confidence,
                                                     "signals": part.signals} for part in answer.per_document]})
                              + "\n")

            summary = engine.evaluate_answers(queries_file, limit, on_answer=write_answer)
        finally:
            if out:
                out.close()
        click.echo(json.dumps(summary, indent=2) if as_json else answers_table(summary))
        return
    out = hits_file.open("w", encoding="utf-8") if hits_file else None
    try:
        def write_hits(query_id: str, hits) -> None:
            if out:
                out.write(json.dumps({"id": query_id, "hits": [h.as_dict() for h in hits]}) + "\n")

        summary = engine.evaluate(queries_file, ks, budget, limit, on_hits=write_hits)
    finally:
        if out:
            out.close()
    if summary["gold_files_not_indexed"]:
        click.echo(f"Warning: {summary['gold_files_not_indexed']} gold file(s) are not in index "
                   f"'{engine.index_name}', e.g. {summary['gold_files_not_indexed_example']}", err=True)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(evaluation_table(summary))


COMMANDS = [eval_command]
