"""Fit the "not found" decision (ragbox/answer/decision.py) and the "sure" bars (answer/sureness.py).

    python bench/calibrate_answers.py --index cuad-txt --store DIR \
        --answerable cuad/queries.jsonl --unanswerable cuad/queries_unanswerable.jsonl \
        [--contracts 120] [--out signals.jsonl]

Every question is answered with ``answer.style = extract`` and no threshold, and the signals the
decision reads are recorded. Contracts are split in two by a hash of their file name: the weights
are fitted on one half and the precision/recall printed for the other, so the printed figures are
not those of the questions the weights were fitted on. Prints the weights to paste into
decision.py and, for the held-out half, precision and recall of "not found" at several thresholds.

    python bench/calibrate_answers.py --sure HITS:QUERIES [HITS:QUERIES ...] [--notes HITS:QUERIES ...]
                                      [--recorded] [--target 0.97]

"Sure", from the answers `ragbox eval --answers --hits HITS QUERIES` wrote (their signals and
confidence): contracts are split in two by a hash of their file name; the bars of each question
topic (the confidence an answer needs and how far ahead of the best sentence stating another value
it must be, sureness.SURE_BARS) are fitted on the calibration part for the most sure answers at a
sure precision of at least --target, and printed with, per category, right, sure precision, sure
coverage (of the answers found, the share shown as sure) and not-found precision / recall on the
calibration part, the untouched part and the notes (never used to fit). --recorded reports the sure
flags the answers were given instead (the run's own bars: a before/after of two runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from calibrate_sure import calibrate_sure  # noqa: E402

from ragbox.answer.decision import WEIGHTS, logistic  # noqa: E402
from ragbox.answer.grading import is_right  # noqa: E402
from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402

FEATURES = ("question", "cover", "in_document", "cue", "introduced", "similarity", "top_score")
OPEN = {"yesno", "passage"}  # kinds with no fact to find: decided by whether the document answers


def contract_of(query: dict) -> str:
    """ "cuad-082-Non-Compete" -> "cuad-082" (the category may hold hyphens)."""
    return "-".join(query["id"].split("-")[:2]) if query["id"].startswith("cuad-") else query["id"]


def half(contract: str) -> int:
    return int(hashlib.sha256(contract.encode()).hexdigest(), 16) % 2


def collect(engine: Engine, queries: list[dict], out: Path) -> list[dict]:
    rows = []
    with out.open("w") as handle:
        for query in queries:
            answer = engine.ask(query["query"])
            label = query.get("answer") if query.get("gold") else None
            row = {"id": query["id"], "contract": contract_of(query), "category": query.get("category"),
                   "answerable": bool(query.get("gold")), "kind": answer.kind, "found": answer.found,
                   "right": is_right(answer.text, label) if label else None, "signals": answer.signals,
                   "question": query["query"], "evidence": answer.evidence_text,
                   "passages": [h.text for h in answer.sources]}
            rows.append(row)
            handle.write(json.dumps(row) + "\n")
            handle.flush()
    return rows


def target(row: dict, group: str) -> bool:
    """What the confidence should predict: that the document answers the question and, for a
    question expecting a fact, that the fact found is the right one (a wrong date shown as the
    answer is worse than "not found")."""
    return row["answerable"] and (group == "open" or row["right"] is not False)


def fit(rows: list[dict], group: str) -> dict:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([[r["signals"].get(f, 0.0) for f in FEATURES] for r in rows])
    y = np.array([target(r, group) for r in rows])
    model = LogisticRegression(C=1.0, class_weight="balanced").fit(x, y)
    weights = {"bias": round(float(model.intercept_[0]), 2)}
    weights.update({f: round(float(w), 2) for f, w in zip(FEATURES, model.coef_[0]) if round(float(w), 2)})
    print(f"{group}: fitted on {len(rows)} questions ({int(y.sum())} positive): {weights}")
    return weights


def confidence(row: dict, weights: dict) -> float:
    return logistic(weights, row["signals"]) if row["signals"] else 0.0


def report(rows: list[dict], weights: dict[str, dict]) -> None:
    """Held-out "not found" precision and recall at several bars: a question is unanswerable when
    the contract has no labelled answer; below the bar, ragbox says "not found"."""
    def group(row: dict) -> str:
        return "open" if row["kind"] in OPEN else "typed"

    unanswerable = [r for r in rows if not r["answerable"]]
    print(f"held out: {len(rows)} questions, {len(unanswerable)} unanswerable")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        shown = [r for r in rows if confidence(r, weights[group(r)]) >= threshold]
        flagged = [r for r in rows if confidence(r, weights[group(r)]) < threshold]
        caught = sum(1 for r in flagged if not r["answerable"])
        typed_shown = [r for r in shown if r["right"] is not None]
        print(f"  bar {threshold:.1f}: not found {len(flagged):4d}, precision {caught / max(1, len(flagged)):.3f}, "
              f"recall {caught / max(1, len(unanswerable)):.3f}; typed answers shown {len(typed_shown)}, right "
              f"{sum(1 for r in typed_shown if r['right']) / max(1, len(typed_shown)):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sure", nargs="+", help="HITS:QUERIES pairs of contracts: fit and report the sure bars")
    parser.add_argument("--notes", nargs="*", default=[], help="HITS:QUERIES pairs of notes: reported, never fitted")
    parser.add_argument("--recorded", action="store_true", help="report the sure flags as recorded")
    parser.add_argument("--target", type=float, default=0.97, help="sure precision to fit for")
    parser.add_argument("--index")
    parser.add_argument("--store")
    parser.add_argument("--answerable", type=Path)
    parser.add_argument("--unanswerable", type=Path)
    parser.add_argument("--contracts", type=int, default=120, help="contracts to use (split in two halves)")
    parser.add_argument("--out", type=Path, default=Path("answer_signals.jsonl"))
    parser.add_argument("--signals", type=Path, help="fit from signals recorded earlier instead of asking")
    args = parser.parse_args()
    if args.sure:
        calibrate_sure(args.sure, args.notes, args.recorded, args.target)
        return
    if args.signals:
        rows = [json.loads(line) for line in args.signals.open()]
    else:
        queries = [json.loads(line) for path in (args.answerable, args.unanswerable) for line in path.open()]
        contracts = sorted({contract_of(q) for q in queries})[: args.contracts]
        chosen = set(contracts)
        # Shuffled (reproducibly), so that a run stopped early still covers every contract and kind.
        queries = sorted((q for q in queries if contract_of(q) in chosen),
                         key=lambda q: hashlib.sha256(q["id"].encode()).hexdigest())
        flags = {"store.index": args.index, "store.dir": args.store, "answer.style": "extract",
                 "answer.min_confidence": 0.0}
        rows = collect(Engine(load_settings(None, flags=flags)), queries, args.out)
    fitted = {}
    for group in ("typed", "open"):
        members = [r for r in rows if r["signals"] and (r["kind"] in OPEN) == (group == "open")]
        fitted[group] = fit([r for r in members if half(r["contract"]) == 0], group)
        print(f"  in use: {WEIGHTS[group]}")
    report([r for r in rows if half(r["contract"]) == 1], fitted)
    print("with the weights in use:")
    report([r for r in rows if half(r["contract"]) == 1], WEIGHTS)


if __name__ == "__main__":
    main()
