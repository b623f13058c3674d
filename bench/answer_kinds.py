"""Right and sure, per question category, from the answers `ragbox eval --answers --hits` wrote.

    python bench/answer_kinds.py --sample 40 --cuad EVALDATA/cuad --out DIR   # DIR/docs, DIR/queries.jsonl
    RAGBOX_STORE__DIR=DIR/store ragbox --index NAME index DIR/docs
    RAGBOX_STORE__DIR=DIR/store ragbox --index NAME eval --answers --hits answers.jsonl DIR/queries.jsonl
    python bench/answer_kinds.py answers.jsonl DIR/queries.jsonl [--sure 0.8]

``--sample N`` takes N dev contracts by a hash of their id (never chosen by how they are
answered), their date, term, renewal, law, name and three clause questions, the clause questions
they do not answer (CUAD's unanswerable set) and, for each contract without a renewal clause, "What
is the renewal term for this contract?" with no answer: "Renewal Term (none)".

For each category of the queries (CUAD's "Expiration Date", "Renewal Term", ...; a question the
documents do not answer is its own row, "<category> (none)", where only "not found" is right):
questions graded, the share answered right, how many answers were shown as sure (found, with a
confidence at or above ``--sure``, answer.sure_confidence), how many of those were right, and
their precision. CUAD labels its clause categories (non-compete, exclusivity, ...) with the
clause only, no short answer: such an answer is right when it is found and its evidence sentence
shares at least half of its word 4-grams with a labelled clause (or the clause half of its own).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path


def grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + 4]) for i in range(len(words) - 3)}


def quotes_clause(evidence: str | None, gold: list[dict]) -> bool:
    """Whether the evidence sentence is (mostly) one of the labelled clauses."""
    said = grams(evidence or "")
    for item in gold:
        clause = grams(item.get("text") or "")
        if said and clause and len(said & clause) >= min(len(said), len(clause)) / 2:
            return True
    return False


def rows_by_category(answers: list[dict], queries: dict[str, dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in answers:
        query = queries[row["id"]]
        category = query.get("category") or "-"
        if not query.get("gold"):
            category += "" if category.endswith(" (none)") else " (none)"
        elif row["right"] is None:  # a clause labelled by its text only
            row = {**row, "right": bool(row["found"] and quotes_clause(row.get("evidence"), query["gold"]))}
        if row["right"] is not None:
            grouped[category].append(row)
    return grouped


CATEGORIES = {"Agreement Date", "Effective Date", "Expiration Date", "Renewal Term",
              "Notice Period To Terminate Renewal", "Governing Law", "Document Name", "Non-Compete", "Exclusivity",
              "Anti-Assignment"}
UNANSWERED = {"Non-Compete", "Exclusivity", "Notice Period To Terminate Renewal"}


def contract_of(query: dict) -> str:
    return "-".join(query["id"].split("-")[:2])


def make_sample(count: int, cuad: Path, out: Path) -> None:
    import hashlib
    import shutil

    answered = [json.loads(line) for line in (cuad / "queries.jsonl").open()]
    unanswered = [json.loads(line) for line in (cuad / "queries_unanswerable.jsonl").open()]
    files = {contract_of(q): g["file"] for q in answered for g in q["gold"]}
    chosen = set(sorted(files, key=lambda c: hashlib.sha256(("sure" + c).encode()).hexdigest())[:count])
    (out / "docs").mkdir(parents=True, exist_ok=True)
    for contract in chosen:
        shutil.copy(cuad / "docs" / "txt" / files[contract], out / "docs")
    queries = [q for q in answered if contract_of(q) in chosen and q["category"] in CATEGORIES]
    queries += [q for q in unanswered if contract_of(q) in chosen and q.get("category") in UNANSWERED]
    renewing = {contract_of(q) for q in queries if q["category"] == "Renewal Term" and q["gold"]}
    asked = {contract_of(q): q for q in queries if q["gold"]}
    for contract, query in sorted(asked.items()):
        if contract not in renewing:
            asking = query["query"].rsplit(";", 1)[0] + "; What is the renewal term for this contract?"
            queries.append({"id": f"{contract}-Renewal Term", "gold": [], "answer": "No",
                            "category": "Renewal Term (none)", "query": asking})
    with (out / "queries.jsonl").open("w") as handle:
        handle.writelines(json.dumps(q) + "\n" for q in queries)
    print(f"{len(chosen)} contracts, {len(queries)} questions in {out}")


def from_named(results: Path, out: Path) -> None:
    """`bench/named.py --out` rows (questions as users type them, naming their document) written as
    `ragbox eval --answers` queries: contracts to OUT/contracts.jsonl, notes to OUT/notes.jsonl."""
    rows = [json.loads(line) for line in results.open()]
    out.mkdir(parents=True, exist_ok=True)
    for part in ("contracts", "notes"):
        chosen = [r for r in rows if bool(r.get("note")) == (part == "notes")]
        with (out / f"{part}.jsonl").open("w") as handle:
            for number, row in enumerate(chosen):
                gold = [{"file": row["file"], "text": None}] if row["answerable"] else []
                category = row["kind"] if row["answerable"] else f"{row['kind']} (none)"
                handle.write(json.dumps({"id": f"named-{number:04d}-{Path(row['file']).stem}", "query": row["question"],
                                         "gold": gold, "answer": row["label"] or ("No" if not gold else None),
                                         "category": category}) + "\n")
        print(f"{len(chosen)} {part} questions in {out / (part + '.jsonl')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("answers", type=Path, nargs="?", help="the --hits file of `ragbox eval --answers`")
    parser.add_argument("queries", type=Path, nargs="?", help="the queries it answered (id, gold, answer, category)")
    parser.add_argument("--sure", type=float, default=0.8, help="answer.sure_confidence")
    parser.add_argument("--sample", type=int, help="write a sample of this many contracts instead (--cuad, --out)")
    parser.add_argument("--cuad", type=Path, help="the CUAD folder of the evaluation data")
    parser.add_argument("--out", type=Path, help="where the sample's docs/ and queries.jsonl go")
    parser.add_argument("--named", type=Path, help="write bench/named.py's questions (its --out) as queries to --out")
    args = parser.parse_args()
    if args.named:
        from_named(args.named, args.out)
        return
    if args.sample:
        make_sample(args.sample, args.cuad, args.out)
        return
    answers = [json.loads(line) for line in args.answers.open()]
    queries = {q["id"]: q for q in map(json.loads, args.queries.open())}
    grouped = rows_by_category(answers, queries)
    grouped["ALL"] = [row for rows in grouped.values() for row in rows]
    print(f"{'category':<40}{'n':>4}{'right':>7}{'sure':>6}{'sure right':>11}{'sure prec':>10}")
    for category in sorted(grouped):
        rows = grouped[category]
        sure = [r for r in rows if r["found"] and (r["confidence"] or 0.0) >= args.sure]
        right = sum(1 for r in rows if r["right"])
        sure_right = sum(1 for r in sure if r["right"])
        precision = f"{sure_right / len(sure):.2f}" if sure else "-"
        print(f"{category:<40}{len(rows):>4}{right / len(rows):>7.2f}{len(sure):>6}{sure_right:>11}{precision:>10}")


if __name__ == "__main__":
    main()
