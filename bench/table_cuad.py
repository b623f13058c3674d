"""Measure `ragbox table` on the CUAD contracts with their own labels.

    python bench/table_cuad.py --store DIR --index cuad-txt --evaldata ../shared/evaldata \
        [--contracts 60] [--categories A,B] [--generate] [--model PATH.gguf] [--out cells.jsonl]
        [--cells cells.jsonl]

One table over a sample of the indexed contracts, one column per CUAD category, written as a user
would ("governing law", "non-compete"). Every cell is recorded with its confidence, and the table
runs with no "not found" bar (table.min_confidence = 0), so any bar can be scored afterwards from
the same cells (--cells re-scores a recorded run without asking again). With --generate the same
table is then made again with the model (at the configured bar: the model is asked only for the
cells above it), and both are scored side by side.

Printed, for the bar in the settings and for a sweep of bars:
- short-answer categories (governing law, dates, renewal term, notice period): the share of
  labelled cells whose answer states the label (graded by ``answer.grading.is_right``; a "not
  found" cell is wrong), and of the cells shown as found, the share right;
- clause categories: precision and recall of "not found" (a contract without the clause, from
  queries_unanswerable.jsonl, is a true "not found"), and of the found cells on contracts with the
  clause, the share whose quoted sentence overlaps a labelled clause span;
- seconds per cell (p50, mean) and for the whole table.
Contracts are split in two halves by a hash of their id: the bar is chosen on one half and
scored on the other (the lines marked "held out").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ragbox.answer.grading import is_right  # noqa: E402
from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402
from ragbox.search.scope import glob_escape  # noqa: E402
from ragbox.stats import percentile  # noqa: E402

SHORT = {"Governing Law": "governing law", "Agreement Date": "agreement date", "Effective Date": "effective date",
         "Expiration Date": "expiration date", "Renewal Term": "renewal term",
         "Notice Period To Terminate Renewal": "notice period to terminate renewal"}
CLAUSES = {"Non-Compete": "non-compete", "Cap On Liability": "cap on liability", "Exclusivity": "exclusivity",
           "Audit Rights": "audit rights", "Termination For Convenience": "termination for convenience",
           "Anti-Assignment": "anti-assignment", "Change Of Control": "change of control", "Insurance": "insurance",
           "Liquidated Damages": "liquidated damages", "Minimum Commitment": "minimum commitment",
           "Most Favored Nation": "most favored nation", "Rofr/Rofo/Rofn": "right of first refusal"}
BARS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def contract_of(query_id: str) -> str:
    return query_id.rsplit("-", 1)[0] if query_id.count("-") >= 2 else query_id


def half(contract: str) -> int:
    return int(hashlib.sha256(contract.encode()).hexdigest(), 16) % 2


def load_labels(evaldata: Path) -> tuple[dict[str, str], dict[tuple[str, str], dict]]:
    """The file of each contract, and per (contract, category): answerable, answer, gold spans."""
    files: dict[str, str] = {}
    labels: dict[tuple[str, str], dict] = {}
    for name, answerable in (("queries.jsonl", True), ("queries_unanswerable.jsonl", False)):
        for line in (evaldata / "cuad" / name).open():
            query = json.loads(line)
            contract = query["id"][:len("cuad-000")]
            for gold in query["gold"]:
                files.setdefault(contract, gold["file"])
            labels[(contract, query["category"])] = {
                "answerable": answerable, "answer": query.get("answer") if answerable else None,
                "spans": [(g["start"], g["end"]) for g in query["gold"] if g.get("start") is not None]}
    return files, labels


def run_table(engine: Engine, paths: list[str], categories: list[str], generate: bool, out: Path) -> list[dict]:
    columns = [{**SHORT, **CLAUSES}[c] for c in categories]
    rows: list[dict] = []
    started = time.perf_counter()
    with out.open("w") as handle:
        def record(done: int, total: int, cell) -> None:
            offsets = cell.file_offsets() or {}
            row = {"file": Path(cell.path).name, "category": categories[cell.column], "state": cell.state,
                   "confidence": cell.confidence, "answer": cell.text, "quote": cell.quote, **offsets,
                   "model_answer": cell.model_text, "seconds": round(cell.seconds, 4), "kind": cell.kind}
            rows.append(row)
            handle.write(json.dumps(row) + "\n")
            handle.flush()
            if done % 50 == 0 or done == total:
                print(f"  {done}/{total} cells, {time.perf_counter() - started:.0f} s", file=sys.stderr)

        table = engine.table(columns, where=[glob_escape(p) for p in paths], generate=generate, on_progress=record)
    print(f"{'generated' if generate else 'extracted'} table: {len(table.documents)} contracts x {len(columns)} "
          f"columns in {table.seconds:.1f} s")
    return rows


def timing(rows: list[dict], title: str) -> None:
    seconds = [r["seconds"] for r in rows]
    print(f"{title}: {len(rows)} cells, seconds per cell p50 {percentile(seconds, 0.5):.2f}, "
          f"p95 {percentile(seconds, 0.95):.2f}, mean {sum(seconds) / max(1, len(seconds)):.2f}")


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def overlaps(row: dict, spans: list[tuple[int, int]]) -> bool:
    return "quote_start" in row and any(row["quote_start"] < end and start < row["quote_end"] for start, end in spans)


def score(rows: list[dict], labels: dict, contract_by_file: dict[str, str], bar: float, sure: float,
          title: str, verbose: bool = False) -> dict:
    def state(row: dict) -> str:
        if row["state"] == "not found" or row["confidence"] < bar:
            return "not found"
        # With --generate a cell whose model answer the check did not support is unsure at any bar.
        return "found" if row["confidence"] >= sure and row["model_answer"] is None else "unsure"

    short_rows, clause_rows = [], []
    for row in rows:
        label = labels.get((contract_by_file[row["file"]], row["category"]))
        if label is None:
            continue
        (short_rows if row["category"] in SHORT else clause_rows).append((row, label, state(row)))
    labelled = [(r, lab, s) for r, lab, s in short_rows if lab["answer"]]
    right = [(r, lab, s) for r, lab, s in labelled if s != "not found" and is_right(r["answer"], lab["answer"])]
    found_short = [x for x in labelled if x[2] == "found"]
    found_right = [x for x in found_short if x in right]
    negatives = [x for x in clause_rows if not x[1]["answerable"]]
    positives = [x for x in clause_rows if x[1]["answerable"]]
    not_found = [x for x in clause_rows if x[2] == "not found"]
    true_not_found = [x for x in not_found if not x[1]["answerable"]]
    found_pos = [x for x in positives if x[2] != "not found"]
    quoted = [x for x in found_pos if overlaps(x[0], x[1]["spans"])]
    found_any = [x for x in clause_rows if x[2] != "not found"]
    shown_found = [x for x in clause_rows if x[2] == "found"]
    result = {"right": len(right) / len(labelled) if labelled else 0.0,
              "nf_precision": len(true_not_found) / len(not_found) if not_found else 0.0,
              "nf_recall": len(true_not_found) / len(negatives) if negatives else 0.0}
    print(f"{title} (not found below {bar:.2f}, found at {sure:.2f}):")
    print(f"  short answers: right {share(len(right), len(labelled))} of {len(labelled)} labelled cells; "
          f"of the {len(found_short)} shown as found, right {share(len(found_right), len(found_short))}; "
          f"unsure {sum(1 for x in labelled if x[2] == 'unsure')}, "
          f"not found {sum(1 for x in labelled if x[2] == 'not found')}")
    print(f"  clauses: not found precision {share(len(true_not_found), len(not_found))}, "
          f"recall {share(len(true_not_found), len(negatives))} ({len(not_found)} not found, "
          f"{len(negatives)} without the clause, {len(positives)} with it); found precision "
          f"{share(len(found_pos), len(found_any))}, recall {share(len(found_pos), len(positives))}; "
          f"quote overlaps the labelled clause {share(len(quoted), len(found_pos))}; of the {len(shown_found)} "
          f"shown as found (not unsure), with the clause "
          f"{share(sum(1 for x in shown_found if x[1]['answerable']), len(shown_found))}")
    if verbose:
        for category in list(SHORT) + list(CLAUSES):
            mine = [x for x in short_rows + clause_rows if x[0]["category"] == category]
            if category in SHORT:
                lab = [x for x in mine if x[1]["answer"]]
                ok = [x for x in lab if x[2] != "not found" and is_right(x[0]["answer"], x[1]["answer"])]
                print(f"    {category:<36} right {share(len(ok), len(lab))} (n={len(lab)})")
            else:
                neg = [x for x in mine if not x[1]["answerable"]]
                nf = [x for x in mine if x[2] == "not found"]
                pos = [x for x in mine if x[1]["answerable"] and x[2] != "not found"]
                ov = [x for x in pos if overlaps(x[0], x[1]["spans"])]
                print(f"    {category:<36} not found P {share(sum(1 for x in nf if not x[1]['answerable']), len(nf))}"
                      f" R {share(sum(1 for x in nf if not x[1]['answerable']), len(neg))}; found on "
                      f"{len(pos)}/{len(mine) - len(neg)} with it, quote overlaps {share(len(ov), len(pos))}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store")
    parser.add_argument("--index", default="cuad-txt")
    parser.add_argument("--evaldata", type=Path, default=Path("/work/shared/evaldata"))
    parser.add_argument("--contracts", type=int, default=60, help="contracts in the sample (every k-th, in order)")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--model", help="GGUF for --generate (default: the bundled model)")
    parser.add_argument("--out", type=Path, default=Path("table_cells.jsonl"))
    parser.add_argument("--categories", help="CUAD categories to ask, separated by commas (default: all above)")
    parser.add_argument("--cells", type=Path, help="score cells recorded earlier instead of running the table")
    args = parser.parse_args()
    files, labels = load_labels(args.evaldata)
    contract_by_file = {name: contract for contract, name in files.items()}
    categories = [c.strip() for c in args.categories.split(",")] if args.categories else list(SHORT) + list(CLAUSES)
    settings = load_settings(None, flags={"store.index": args.index, "store.dir": args.store,
                                          "llm.model_path": args.model, "table.min_confidence": 0.0})
    bar, sure = load_settings(None, flags={"store.dir": args.store}).table.min_confidence, \
        settings.table.sure_confidence
    generated: list[dict] = []
    if args.cells:
        rows = [json.loads(line) for line in args.cells.open()]
    else:
        engine = Engine(settings)
        indexed = {Path(d.path).name: d.path for d in engine.documents()}
        chosen = sorted(c for c in files if files[c] in indexed)
        step = max(1, len(chosen) // args.contracts)
        paths = [indexed[files[c]] for c in chosen[::step][:args.contracts]]
        # no bar: every cell keeps its confidence, so any bar can be scored from the same cells
        rows = run_table(engine, paths, categories, False, args.out)
        if args.generate:  # the model is asked only where the cell is above the bar
            writer = Engine(settings.replace({"table.min_confidence": bar}), embedder=engine.embedder)
            generated = run_table(writer, paths, categories, True, args.out.with_suffix(".generate.jsonl"))
    timing(rows, "extracted")
    score(rows, labels, contract_by_file, bar, sure, "extracted, the default bars", verbose=True)
    if generated:
        timing(generated, "generated")
        score(generated, labels, contract_by_file, bar, sure, "generated (--generate), the default bars",
              verbose=True)
        return
    for group in (0, 1):
        mine = [r for r in rows if half(contract_by_file[r["file"]]) == group]
        print(f"--- half {group}: sweep of the not-found bar")
        for candidate in BARS:
            score(mine, labels, contract_by_file, candidate, max(candidate, sure), f"  half {group}")
        print(f"--- half {group}: sweep of the found bar, not found below {bar:.2f}")
        for candidate in (0.7, 0.8, 0.9, 0.95):
            score(mine, labels, contract_by_file, bar, candidate, f"  half {group}")


if __name__ == "__main__":
    main()
