"""The "sure" bars fitted per question topic, and reported where they were not fitted.

Used by ``bench/calibrate_answers.py --sure`` (its docstring says how to run it). Rows are the
answers `ragbox eval --answers --hits` wrote; whether each is right is the eval's own grade, or for
a clause CUAD labels by its text only, whether the evidence quotes the clause (answer_kinds.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from answer_kinds import quotes_clause

from ragbox.answer.questions import question_kind
from ragbox.answer.sureness import SURE_BARS, unsure_because

CONFIDENCES = [round(0.5 + 0.01 * step, 2) for step in range(50)]
MARGINS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
WORDS = (0.0, 0.5, 1.0)  # share of the question's words the sentence holds
NEVER = (1.01, 0.0, 0.0)  # a topic no bar makes precise enough is never sure
DEFAULT_BAR = 0.8  # answer.sure_confidence
MIN_SURE = 5  # a bar is fitted on at least this many sure answers of the topic


def load(pairs: list[str]) -> list[dict]:
    """Every answered question of the HITS:QUERIES pairs, with its contract, topic and grade."""
    rows = []
    for pair in pairs:
        hits, queries_file = pair.split(":")
        queries = {q["id"]: q for q in map(json.loads, open(queries_file))}
        files = {_cuad_contract(q["id"]): q["gold"][0]["file"] for q in queries.values() if q["gold"]}
        for row in map(json.loads, open(hits)):
            query = queries[row["id"]]
            right = row["right"]
            if right is None and query["gold"] and query["gold"][0].get("text"):  # a clause, by its text
                right = bool(row["found"] and quotes_clause(row.get("evidence"), query["gold"]))
            category = query.get("category") or "-"
            if not query["gold"] and not category.endswith(" (none)"):
                category += " (none)"
            rows.append({**row, "contract": _contract(query, files), "answerable": bool(query["gold"]),
                         "right": right, "category": category,
                         "topic": question_kind(query["query"].rsplit(";", 1)[-1]).topic})
    return rows


def _cuad_contract(query_id: str) -> str:
    """ "cuad-082-Non-Compete" -> "cuad-082" (a category may hold hyphens)."""
    return "-".join(query_id.split("-")[:2])


def _contract(query: dict, files: dict[str, str]) -> str:
    """The file name (without suffix) of the contract a question is about: its gold's file; for a
    question it does not answer, that of CUAD's other questions of the same contract, or the one
    named in a bench/named.py id ("named-0012-<file stem>")."""
    if query["gold"]:
        return Path(query["gold"][0]["file"]).stem
    if query["id"].startswith("named-"):
        return query["id"].split("-", 2)[2]
    return Path(files.get(_cuad_contract(query["id"]), query["id"])).stem


def part(row: dict) -> int:
    return int(hashlib.sha256(row["contract"].encode()).hexdigest(), 16) % 2


def is_sure(row: dict, bars: dict | None) -> bool:
    """Whether the row's answer is sure under ``bars``; as the run recorded it when ``bars`` is None,
    and for an answer joined from several documents' answers (no signals of its own to re-weigh)."""
    if row.get("parts") and bars is not None:  # one answer per document named: sure when each is
        return not row["ambiguous"] and all(is_sure({**row, **part, "parts": []}, bars) for part in row["parts"])
    if bars is None or not row["signals"]:
        return bool(row.get("sure", row["found"] and (row["confidence"] or 0.0) >= DEFAULT_BAR))
    return row["found"] and not unsure_because(row["topic"], row.get("kind", ""), row["confidence"] or 0.0,
                                               row["signals"] or {}, DEFAULT_BAR, bars)


def fit(rows: list[dict], target: float) -> dict[str, tuple[float, float]]:
    """Per topic, the bars giving the most sure answers at a sure precision of at least ``target``
    (of equal counts, the strictest bars)."""
    bars = {}
    graded = [r for r in rows if r["right"] is not None and (r["signals"] or r.get("parts"))
              and not r["signals"].get("title") and not r["signals"].get("section")]  # a title, a section: no bar
    for topic in sorted({r["topic"] for r in graded}):
        members = [r for r in graded if r["topic"] == topic]
        best = (0, NEVER)
        for trial in ((c, m, w) for c in CONFIDENCES for m in MARGINS for w in WORDS):
            sure = [r for r in members if is_sure(r, {topic: trial})]
            right = sum(1 for r in sure if r["right"])
            if len(sure) >= MIN_SURE and right / len(sure) >= target and len(sure) >= best[0]:
                best = (len(sure), trial)
        bars[topic] = best[1]
        print(f"  {topic:<16} {len(members):4d} questions: bar {best[1][0]:.2f}, margin {best[1][1]:.2f}, "
              f"question words {best[1][2]:.1f} -> {best[0]} sure")
    return bars


SHORT_ANSWERS = {"Agreement Date", "Effective Date", "Expiration Date", "Renewal Term",
                 "Notice Period To Terminate Renewal", "Governing Law", "Document Name"}


def group_of(category: str, clauses: bool) -> str:
    """A CUAD short-answer category as it is; with ``clauses``, every clause category in one row
    ("Clause", "Clause (none)")."""
    name = category.removesuffix(" (none)")
    if not clauses or name in SHORT_ANSWERS:
        return category
    return "Clause (none)" if category.endswith(" (none)") else "Clause"


def table(rows: list[dict], bars: dict | None, title: str, clauses: bool = True) -> None:
    """Per category: n, right, sure precision, sure coverage, not-found precision / recall."""
    print(f"\n{title}")
    print(f"{'category':<38}{'n':>5}{'right':>7}{'sure':>6}{'sure prec':>10}{'sure cov':>9}{'nf prec':>8}"
          f"{'nf rec':>7}")
    groups = defaultdict(list)
    for row in rows:
        groups[group_of(row["category"], clauses)].append(row)
    if clauses:
        groups["ALL short answers"] = [r for r in rows if r["category"].removesuffix(" (none)") in SHORT_ANSWERS]
    groups["ALL"] = rows
    for category in sorted(groups, key=lambda c: (c.startswith("ALL"), c)):
        members = groups[category]
        graded = [r for r in members if r["right"] is not None]
        found = [r for r in graded if r["found"]]
        sure = [r for r in found if is_sure(r, bars)]
        not_found = [r for r in members if not r["found"]]
        unanswerable = [r for r in members if not r["answerable"]]
        print(f"{category:<38}{len(graded):>5}{_share(sum(bool(r['right']) for r in graded), len(graded)):>7}"
              f"{len(sure):>6}{_share(sum(bool(r['right']) for r in sure), len(sure)):>10}"
              f"{_share(len(sure), len(found)):>9}"
              f"{_share(sum(not r['answerable'] for r in not_found), len(not_found)):>8}"
              f"{_share(sum(not r['found'] for r in unanswerable), len(unanswerable)):>7}")


def _share(part_: int, whole: int) -> str:
    return f"{part_ / whole:.2f}" if whole else "-"


def calibrate_sure(pairs: list[str], notes: list[str], recorded: bool, target: float) -> None:
    rows = load(pairs)
    note_rows = load(notes) if notes else []
    calibration = [r for r in rows if part(r) == 0]
    untouched = [r for r in rows if part(r) == 1]
    print(f"{len(rows)} questions of {len({r['contract'] for r in rows})} contracts: {len(calibration)} to fit on "
          f"({len({r['contract'] for r in calibration})} contracts), {len(untouched)} untouched "
          f"({len({r['contract'] for r in untouched})}); {len(note_rows)} note questions")
    if recorded:
        bars = None
        print("sure as recorded by the run")
    else:
        print(f"fitted for sure precision >= {target} on the calibration part:")
        bars = fit(calibration, target)
        print("SURE_BARS = {" + ", ".join(f'"{t}": {bar}' for t, bar in sorted(bars.items())) + "}")
        print(f"in use: {SURE_BARS}")
    table(calibration, bars, "calibration part (the bars were fitted here)")
    table(untouched, bars, "untouched part (contracts the fit never saw)")
    if note_rows:
        table(note_rows, bars, "clinical notes (never fitted)", clauses=False)
