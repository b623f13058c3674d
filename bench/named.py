"""Questions that name their document the way people do, over a folder of real contracts and notes.

    python bench/named.py [--evaldata ../shared/evaldata] [--contracts 40] [--notes 60]
                          [--store DIR] [--seed 7] [--out results.jsonl]

Contracts: a sample of the CUAD development contracts (TXT) is indexed into a fresh store. For each
contract, the names people use are read from CUAD's own question preamble ("Consider the <title>
between <party> ("<short>"); <party> ...") -- a party's short name, its full name, the title, "the
<title> with <party>", the file name -- and questions are written the way a user types them
("Which state's law governs the Giggles agreement?") for the labelled categories: governing law,
agreement / effective / expiration dates, renewal term, notice period, and yes/no clause
questions, including clauses the contract lacks (CUAD's unanswerable set: the right answer is "not
found in <document>"), and "Who are the parties to ...?" for every contract (right when every
party's name in the preamble is among the words answered). Notes: MTSamples notes named by their
sample name ("the Knee Injury note"), asked for a section they have (allergies, medications,
diagnosis, procedure, anesthesia): right when the answer quotes the section's first words.

Printed, overall and per way of naming and per kind: the documents resolved right (exactly the
documents the name fits -- one, or several sharing it, answered each and flagged ambiguous -- and,
stricter, the named one alone), answers drawn only from the named document (every found
answer's evidence in it),
answers from another document (the failure that matters), value right (``grading.is_right``),
"not found in <document>" precision / recall on clauses the contract lacks, and seconds per
question. Nothing here is committed output; figures count on documents this was not built on.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from party_grades import is_a_definition, names_party, words_of  # noqa: E402

from ragbox.answer.grading import is_right  # noqa: E402
from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402
from ragbox.stats import percentile  # noqa: E402
from ragbox.text import FUNCTION_WORDS  # noqa: E402

VALUE_QUESTIONS = {
    "Governing Law": ["Which state's law governs the {name}?", "What is the governing law of the {name}?"],
    "Agreement Date": ["When was the {name} signed?", "What is the date of the {name}?"],
    "Effective Date": ["When does the {name} take effect?", "What is the effective date of the {name}?"],
    "Expiration Date": ["When does the {name} expire?", "When does the {name} end?"],
    "Renewal Term": ["How does the {name} renew?", "What is the renewal term of the {name}?"],
    "Notice Period To Terminate Renewal": ["How much notice is needed to stop the {name} from renewing?"],
}
CLAUSE_QUESTIONS = {
    "Non-Compete": "Does the {name} have a non-compete?",
    "Exclusivity": "Is the {name} exclusive?",
    "Cap On Liability": "Is liability capped in the {name}?",
    "Audit Rights": "Does the {name} give audit rights?",
    "Anti-Assignment": "Can the {name} be assigned without consent?",
    "Insurance": "Does the {name} require insurance?",
    "Change Of Control": "Is there a change of control clause in the {name}?",
    "Termination For Convenience": "Can the {name} be terminated for convenience?",
}
NOTE_SECTIONS = {
    "ALLERGIES": "What is the patient in the {name} note allergic to?",
    "MEDICATIONS": "What medications is the patient in the {name} note taking?",
    "CURRENT MEDICATIONS": "What medications is the patient in the {name} note taking?",
    "DIAGNOSIS": "What was the diagnosis in the {name} note?",
    "POSTOPERATIVE DIAGNOSIS": "What was the postoperative diagnosis in the {name} note?",
    "ANESTHESIA": "What anesthesia was used in the {name} note?",
    "ESTIMATED BLOOD LOSS": "What was the blood loss in the {name} note?",
    "PROCEDURE PERFORMED": "What procedure was performed in the {name} note?",
}
_CORPORATE = re.compile(r",?\s+(?:inc|incorporated|corp|corporation|llc|l\.l\.c|ltd|limited|co|plc|l\.p|lp|s\.a|ag|"
                        r"gmbh|n\.v|b\.v)\.?\s*$", re.I)


def preamble_names(query: str) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(party, short name)]) from CUAD's "Consider the <title> between A ("a"); B ("b"); <q>"."""
    match = re.match(r"Consider the (.+?) between (.+);[^;]*$", query)
    if not match:
        return "", []
    parties = []
    for part in match.group(2).split(";"):
        short = re.search(r'\(\s*"\s*([^"]+?)\s*"\s*\)', part)
        name = re.sub(r'\(.*', "", part).strip(" ,")
        if name:
            parties.append((name, short.group(1).strip() if short else ""))
    return " ".join(match.group(1).split()), parties


# Defined terms for a role, not a name: nobody calls a contract "the Agent agreement".
_ROLES = {"company", "the company", "agent", "client", "customer", "licensee", "licensor", "distributor", "supplier",
          "provider", "consultant", "contractor", "buyer", "seller", "party", "the", "bank", "manufacturer",
          "reseller", "franchisee", "franchisor", "purchaser", "vendor", "partner", "investor", "employee",
          "sponsor", "affiliate", "trustee", "co-trustee", "issuer", "developer", "landlord", "tenant", "lender",
          "borrower", "member", "owner", "operator", "publisher", "host"}


_HONORIFICS = {"mr", "mrs", "ms", "dr", "messrs"}  # "Mr. Zheng Qing" is named "Zheng", not "Mr."
_NOT_NAMES = {"individually", "collectively", "jointly", "severally", "each"}


def _role(short: str) -> bool:
    """ "Licensee", "Party B": a role, whatever letter follows it."""
    words = short.lower().split()
    return short.lower() in _ROLES or bool(words) and words[0] in _ROLES


def _display(name: str) -> str:
    return name.title() if name.isupper() else name


def ways_of_naming(title: str, parties: list[tuple[str, str]], file: str) -> dict[str, str]:
    """How a user names this contract, by way: "{name}" is filled into a question. A party is
    named by its short name unless that is a role ("the Company"), else by its name's first word."""
    kind = title.lower() if title.lower().endswith("agreement") else "agreement"
    ways = {}
    named = [(name, short) for name, short in parties if _CORPORATE.sub("", name).strip()]
    if named:
        name, short = named[-1] if len(named) > 1 else named[0]
        plain = re.sub(r",?\s*\b(?:individually|collectively|jointly)\b.*$", "", _CORPORATE.sub("", name).strip())
        # nobody names a contract by a redaction ("[]", "[***]") or "individually"
        words = [w for w in plain.split() if w.lower() not in _ROLES | FUNCTION_WORDS | _NOT_NAMES
                 and w.lower().rstrip(".") not in _HONORIFICS and re.search(r"[^\W\d_]", w)]
        # a short name read wrongly from the preamble ("and") names nothing either
        first = short if short and not _role(short) and short.lower() not in FUNCTION_WORDS | _NOT_NAMES \
            and re.search(r"[^\W\d_]", short) else (
            words[0] if words else "")
        if first:
            ways["party short name"] = f"{_display(first)} agreement"
            ways["kind with party"] = f"{kind} with {_display(first)}"
        if words:
            ways["party full name"] = f"agreement with {_display(plain)}"
    if title:
        ways["title"] = _display(title)
    ways["file name"] = f"agreement in {Path(file).stem}"
    return ways


def contract_questions(evaldata: Path, files: set[str], rng: random.Random) -> list[dict]:
    labelled = [json.loads(line) for line in open(evaldata / "cuad/queries.jsonl")]
    missing = [json.loads(line) for line in open(evaldata / "cuad/queries_unanswerable.jsonl")]
    names: dict[str, tuple[str, list]] = {}
    for q in labelled:
        file = q["gold"][0]["file"]
        if file in files and file not in names:
            names[file] = preamble_names(q["query"])
    # the documents each name fits: "the Strategic Alliance Agreement" is four contracts' title
    fits: dict[str, set[str]] = defaultdict(set)
    for file, (title, parties) in names.items():
        for name in ways_of_naming(title, parties, file).values():
            fits[_plain(name)].add(file)
    questions = []
    for q in labelled + missing:
        file = q["gold"][0]["file"] if q["gold"] else _file_of(q, labelled)
        if file not in files or file not in names:
            continue
        template = (rng.choice(VALUE_QUESTIONS[q["category"]]) if q["category"] in VALUE_QUESTIONS
                    else CLAUSE_QUESTIONS.get(q["category"]))
        if template is None or (not q["gold"] and q["category"] not in CLAUSE_QUESTIONS):
            continue
        way, name = rng.choice(sorted(ways_of_naming(*names[file], file).items()))
        questions.append({"question": template.format(name=name), "file": file, "way": way,
                          "fits": sorted(fits[_plain(name)]),
                          "kind": q["category"], "label": q.get("answer") or "",
                          "answerable": bool(q["gold"]), "clause": q["category"] in CLAUSE_QUESTIONS})
    for file, (title, parties) in sorted(names.items()):  # "Who are the parties?" for every contract
        way, name = rng.choice(sorted(ways_of_naming(title, parties, file).items()))
        named = [_CORPORATE.sub("", n).strip() for n, _ in parties
                 if _CORPORATE.sub("", n).strip() and not is_a_definition(n, parties)]
        if named:
            questions.append({"question": f"Who are the parties to the {name}?", "file": file, "way": way,
                              "fits": sorted(fits[_plain(name)]), "kind": "Parties", "label": "",
                              "parties": named, "answerable": True, "clause": False})
    return questions


def _plain(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def _file_of(question: dict, labelled: list[dict]) -> str:
    """An unanswerable question's contract, by the preamble it shares with labelled questions."""
    head = question["query"].rsplit(";", 1)[0]
    for q in labelled:
        if q["query"].rsplit(";", 1)[0] == head:
            return q["gold"][0]["file"]
    return ""


def note_questions(notes: list[Path]) -> list[dict]:
    questions = []
    fits: dict[str, set[str]] = defaultdict(set)
    for path in notes:
        fits[_plain(_note_name(path))].add(path.name)
    for path in notes:
        text = path.read_text(errors="replace")
        name = _note_name(path)
        for heading, template in NOTE_SECTIONS.items():
            # headings on a line of their own, or run into one line ("...,ALLERGIES: , NKDA.,")
            match = re.search(rf"(?:^|[,.;])\s*{heading}:[\s,]*([^\n]+)", text, re.M)
            section = re.split(r"[,.;]\s*,?\s*[A-Z][A-Za-z0-9 /&()'-]{1,40}:", match.group(1))[0] if match else ""
            if section.strip(" ,."):
                questions.append({"question": template.format(name=name), "file": path.name, "way": "note name",
                                  "kind": heading.lower(), "label": " ".join(section.split()[:4]),
                                  "answerable": True, "clause": False, "note": True,
                              "fits": sorted(fits[_plain(name)])})
    return questions


def _note_name(path: Path) -> str:
    return " ".join(w for w in path.stem.split("_")[1:] if not w.isdigit())


def score(engine: Engine, q: dict) -> dict:
    """One question asked and scored. With several documents answered (an ambiguous name), the
    named document's own answer is the one scored, and the others are labelled, not taken."""
    started = time.perf_counter()
    answer = engine.ask(q["question"])
    seconds = time.perf_counter() - started
    resolved = [Path(d.path).name for d in answer.resolved]
    own = answer
    if answer.per_document:
        own = next((a for d, a in zip(answer.resolved, answer.per_document) if Path(d.path).name == q["file"]),
                   None)
    found = own is not None and own.found
    evidence = Path(own.sources[own.evidence.source - 1].path).name if found and own.evidence else ""
    if q.get("note"):
        right = found and words_of(q["label"]) <= words_of(own.text + " " + own.evidence_text)
    elif q.get("parties"):  # each party's name, as CUAD's preamble gives it, among the words answered
        right = found and all(names_party(own.text, party) for party in q["parties"])
    else:
        labelled = q["answerable"] and not q["clause"] and q["label"]
        right = found and is_right(own.text, q["label"]) if labelled else None
    return {**q, "answer": answer.text, "found": found, "sure": answer.sure, "unsure_because": answer.unsure_reasons(),
            "signals": own.signals if own is not None else {}, "confidence": own.confidence if own is not None else 0.0,
            "resolved": resolved,
            "resolved_right": resolved == [q["file"]],
            "resolved_fits": sorted(resolved) == q["fits"] and (len(resolved) == 1 or answer.ambiguous),
            "ambiguous": answer.ambiguous and q["file"] in resolved,
            "other_document": (own is None and answer.found) or (found and evidence != q["file"]),
            "right": right, "seconds": seconds}


def report(results: list[dict], title: str) -> None:
    if not results:
        return
    n = len(results)
    found = [r for r in results if r["found"]]
    valued = [r for r in results if r["right"] is not None]
    lacking = [r for r in results if r["clause"] and not r["answerable"]]
    said_missing = [r for r in results if r["clause"] and not r["found"]]
    print(f"\n{title}: {n} questions")
    print(f"  resolved right (the documents the name fits, several flagged ambiguous) "
          f"{sum(r['resolved_fits'] for r in results) / n:.3f}")
    print(f"  resolved to the named document alone {sum(r['resolved_right'] for r in results) / n:.3f}")
    print(f"  ambiguous, the named one among the answers, each labelled {sum(r['ambiguous'] for r in results)}")
    print(f"  answers from another document     {sum(r['other_document'] for r in results)} "
          f"({sum(r['other_document'] and r['sure'] for r in results)} shown as sure; {len(found)} found)")
    if valued:
        print(f"  value right                       {sum(bool(r['right']) for r in valued) / len(valued):.3f} "
              f"({len(valued)} with a label)")
        answered = [r for r in valued if r["found"]]
        sure = [r for r in answered if r["sure"]]
        precision = sum(bool(r["right"]) for r in sure) / max(1, len(sure))
        print(f"  sure (labelled answers found)     precision {precision:.3f}, coverage "
              f"{len(sure) / max(1, len(answered)):.3f} ({len(sure)} of {len(answered)})")
    if lacking:
        true_missing = sum(1 for r in said_missing if not r["answerable"])
        print(f"  not found in <document>: precision {true_missing / max(1, len(said_missing)):.3f}, "
              f"recall {true_missing / len(lacking):.3f} ({len(lacking)} clauses the contract lacks)")
    times = [r["seconds"] for r in results]
    print(f"  seconds per question p50 {percentile(times, 0.5):.2f}  p95 {percentile(times, 0.95):.2f}")
    for key in ("way", "kind"):
        groups = defaultdict(list)
        for r in results:
            groups[r[key]].append(r)
        for value, group in sorted(groups.items()):
            valued = [r for r in group if r["right"] is not None]
            right = f"{sum(bool(r['right']) for r in valued) / len(valued):.2f}" if valued else "  - "
            resolved = sum(r["resolved_fits"] for r in group) / len(group)
            print(f"    {key} {value:<36} n={len(group):<4} resolved {resolved:.2f}"
                  f"  other doc {sum(r['other_document'] for r in group):<3} right {right}{_not_found(group)}")


def _not_found(group: list[dict]) -> str:
    """ "not found in <document>" precision / recall within a group of clause questions ("" for others)."""
    lacking = sum(1 for r in group if r["clause"] and not r["answerable"])
    said = [r for r in group if r["clause"] and not r["found"]]
    if not lacking:
        return ""
    right = sum(1 for r in said if not r["answerable"])
    return f"  not found P {right / max(1, len(said)):.2f} R {right / lacking:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaldata", type=Path, default=Path(__file__).resolve().parents[2] / "shared/evaldata")
    parser.add_argument("--contracts", type=int, default=40)
    parser.add_argument("--notes", type=int, default=60)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    store = args.store or Path(tempfile.mkdtemp(prefix="ragbox-named-"))
    results = []
    contracts = rng.sample(sorted((args.evaldata / "cuad/docs/txt").glob("*.txt")), args.contracts)
    asked = re.compile(r"(?:^|[,.;])\s*(ALLERGIES|MEDICATIONS|ANESTHESIA|ESTIMATED BLOOD LOSS):", re.M)
    sections = [p for p in sorted((args.evaldata / "mtsamples/docs").glob("*.txt"))
                if asked.search(p.read_text(errors="replace"))]
    notes = rng.sample(sections, min(args.notes, len(sections)))
    for label, files, questions in (
            ("contracts", contracts, lambda: contract_questions(args.evaldata, {p.name for p in contracts}, rng)),
            ("notes", notes, lambda: note_questions(notes))):
        if not files:
            continue
        folder = store / f"{label}-docs"
        folder.mkdir(parents=True, exist_ok=True)
        for path in files:
            target = folder / path.name
            if not target.exists():
                target.write_bytes(path.read_bytes())
        engine = Engine(load_settings(None, flags={"store.dir": str(store), "store.index": label}))
        started = time.perf_counter()
        engine.index([folder])
        print(f"indexed {len(files)} {label} in {time.perf_counter() - started:.0f} s", flush=True)
        part = [score(engine, q) for q in questions()]
        results += part
        if args.out:
            args.out.write_text("".join(json.dumps(r) + "\n" for r in results))
        report(part, label)


if __name__ == "__main__":
    main()
