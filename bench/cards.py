"""Measure the document cards (``ragbox.ingest.cards``) against CUAD's own labels.

    python bench/cards.py [--evaldata ../shared/evaldata] [--limit N] [--show N]

A card is made from each CUAD dev contract's text (``docs/txt``, the first 8000 characters, as the
indexer passes it) and compared with the lawyer labels of that contract in ``queries.jsonl``:
- title: the ``Document Name`` label. Both are normalised (lower case, every run of characters
  that are not letters or digits made one space); the title is *right* when a labelled span is
  contained in the card title, and that title is at most 16 words or 8 more than the span (a whole
  paragraph would otherwise contain any label). *Exact* counts a card title equal to a span.
- parties: every query of a contract opens with "Consider the <title> between <parties>;", where
  <parties> is CUAD's ``Parties`` answer ("I-ESCROW, INC. ("i-Escrow"); 2THEMART.COM, INC. ...",
  items joined by "; "). Each item gives a labelled name (the text outside quotes) and short names
  (the quoted words); generic terms ("Party", "Parties") are left out. Recall is the share of these
  names found among the card's party names and short names, compared normalised as above (and
  without a leading "the"); *loose* also accepts one containing the other at word boundaries. The
  other way round, the share of card party names that are (loosely) a labelled name.
- agreement date: the ``Agreement Date`` label, normalised as above without a leading "this"/"the";
  found when a card date is equal to it, or one contains the other and the shorter has 3+ words, or
  both are complete dates of the same day ("5th day of January, 2015" = "January 5, 2015").
Time per card (best of 3 runs, the machine being shared) is measured over all contracts. The cards
are then made for the MTSamples notes: how many get a non-empty kind (and title), and a sample of 10.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ragbox.ingest.cards import document_card  # noqa: E402
from ragbox.stats import percentile  # noqa: E402

HEAD = 8000
GENERIC = {"party", "parties", "agreement", "each party", "a party", "collectively", "you", "your", "we", "us", "our"}
SMALL = {"and", "of", "the", "de", "du", "la", "for", "&", "a", "an", "in", "as"}
MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                          "dec"))}


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def norm_name(text: str) -> str:
    return re.sub(r"^(the|this) ", "", norm(text))


def labelled_parties(query: str) -> list[str]:
    """The names and short names in a query's "Consider the <title> between <parties>;" opening."""
    match = re.match(r"Consider the .*? between (.*); [^;]*$", query, re.S)
    if not match:
        return []
    names = []
    for item in match.group(1).split("; "):
        quoted = re.findall(r"[\"“”]([^\"“”]+)[\"“”]", item)
        outside = re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", item)
        outside = re.sub(r"\b(the|each|and|or|as|an?|both|of them|collectively|referred to|herein)\b", " ", outside,
                         flags=re.I)
        for name in [outside, *quoted]:
            key = norm_name(name)
            # Labels sometimes take in a sentence ("Each of the foregoing parties is referred to as"):
            # a name is mostly capitalised words.
            words = [w for w in re.findall(r"[^\W_]+", name) if w.lower() not in SMALL]
            capitalised = sum(w[0].isupper() or w[0].isdigit() for w in words)
            if len(key) > 1 and key not in GENERIC and key not in names and capitalised >= 0.6 * len(words):
                names.append(key)
    return names


def load_labels(cuad: Path) -> dict[str, dict]:
    labels: dict[str, dict] = defaultdict(lambda: {"title": [], "date": [], "parties": []})
    for line in (cuad / "queries.jsonl").open(encoding="utf-8"):
        query = json.loads(line)
        if not query["gold"]:
            continue
        file = query["gold"][0]["file"]
        entry = labels[file]
        if not entry["parties"]:
            entry["parties"] = labelled_parties(query["query"])
        if query["category"] == "Document Name":
            entry["title"] = [g["text"] for g in query["gold"]]
        elif query["category"] == "Agreement Date":
            entry["date"] = [g["text"] for g in query["gold"]]
    return labels


def title_right(spans: list[str], title: str) -> tuple[bool, bool]:
    card = norm(title)
    right = any(norm(s) and norm(s) in card and len(card.split()) <= max(len(norm(s).split()) + 8, 16) for s in spans)
    return right, any(norm(s) == card for s in spans)


def party_found(name: str, card_names: set[str]) -> tuple[bool, bool]:
    exact = name in card_names
    loose = exact or any(c and (re.search(rf"\b{re.escape(c)}\b", name) or re.search(rf"\b{re.escape(name)}\b", c))
                         for c in card_names)
    return exact, bool(loose)


def date_value(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a complete date written in words or m/d/y, else None."""
    text = text.lower()
    numeric = re.search(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})\b", text)
    if numeric:
        month, day, year = map(int, numeric.groups())
        return (year + 2000 if year < 50 else year + 1900 if year < 100 else year), month, day
    month = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", text)
    day = re.search(r"\b(\d{1,2}) ?(?:st|nd|rd|th)?\b(?! ?\d{3})", text)
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    if month and day and year and day.group(1) != year.group(1)[:2]:
        return int(year.group(1)), MONTHS[month.group(1)], int(day.group(1))
    return None


def date_found(spans: list[str], dates: tuple[str, ...]) -> bool:
    """Equal as written (normalised), one containing the other (3+ words), or the same day."""
    def key(text: str) -> str:
        return re.sub(r"^(this|the) ", "", norm(text))

    for span in spans:
        for date in dates:
            short, long = sorted((key(span), key(date)), key=len)
            if short == long or (len(short.split()) >= 3 and short in long):
                return True
            if date_value(span) is not None and date_value(span) == date_value(date):
                return True
    return False


def timed(path: str, head: str) -> tuple:
    """The card and the best of 3 timings (the machine is shared: the best is the card's own cost)."""
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        card = document_card(path, head)
        seconds.append(time.perf_counter() - start)
    return card, min(seconds)


def measure_cuad(cuad: Path, limit: int | None, show: int) -> None:
    labels = load_labels(cuad)
    files = sorted(labels)[:limit] if limit else sorted(labels)
    counts: Counter = Counter()
    times, misses = [], defaultdict(list)
    for file in files:
        head = (cuad / "docs" / "txt" / file).read_text(encoding="utf-8", errors="replace")[:HEAD]
        card, seconds = timed(file, head)
        times.append(seconds)
        entry = labels[file]
        if entry["title"]:
            right, exact = title_right(entry["title"], card.title)
            counts.update(title_n=1, title_right=right, title_exact=exact, kind=bool(card.kind))
            if not right:
                misses["title"].append(f"{file[:50]}: label {entry['title'][0]!r} card {card.title!r}")
        names = {norm_name(n) for p in card.parties for n in (p.name, *p.short_names)}
        for name in entry["parties"]:
            exact, loose = party_found(name, names)
            counts.update(party_n=1, party_exact=exact, party_loose=loose)
            if not loose:
                misses["parties"].append(f"{file[:50]}: label {name!r} card {sorted(names)}")
        counts.update(party_docs=bool(entry["parties"]))
        if entry["parties"]:
            labelled = set(entry["parties"])
            for party in card.parties:
                counts.update(card_names=1, card_names_right=party_found(norm_name(party.name), labelled)[1])
                if not party_found(norm_name(party.name), labelled)[1]:
                    misses["card party names"].append(f"{file[:50]}: card {party.name!r} labels {sorted(labelled)}")
        if entry["date"]:
            found = date_found(entry["date"], card.dates)
            counts.update(date_n=1, date_found=found)
            if not found:
                misses["date"].append(f"{file[:50]}: label {entry['date']} card {list(card.dates)}")
    print(f"CUAD dev contracts: {len(files)} with labels")
    n = counts["title_n"]
    print(f"title right (label span ⊆ title, ≤ max(16, label + 8) words): {counts['title_right']}/{n} = "
          f"{counts['title_right'] / max(n, 1):.3f}; exact {counts['title_exact'] / max(n, 1):.3f}; "
          f"kind non-empty {counts['kind'] / max(n, 1):.3f}")
    n = counts["party_n"]
    print(f"parties recall over {n} labelled names/short names of {counts['party_docs']} contracts: "
          f"exact {counts['party_exact'] / max(n, 1):.3f}, loose (one contains the other) "
          f"{counts['party_loose'] / max(n, 1):.3f}")
    n = counts["card_names"]
    print(f"card party names that are a labelled name (loose): {counts['card_names_right']}/{n} = "
          f"{counts['card_names_right'] / max(n, 1):.3f}")
    n = counts["date_n"]
    print(f"agreement date found among card dates: {counts['date_found']}/{n} = {counts['date_found'] / max(n, 1):.3f}")
    print(f"time per card: p50 {percentile(times, 0.5) * 1000:.2f} ms, p95 {percentile(times, 0.95) * 1000:.2f} ms, "
          f"max {max(times) * 1000:.2f} ms")
    for field, lines in misses.items():
        if show:
            print(f"\n{field} misses ({len(lines)}), first {show}:")
            print("\n".join("  " + line for line in lines[:show]))


def measure_notes(notes: Path, limit: int | None) -> None:
    files = sorted(notes.glob("*.txt"))[:limit] if limit else sorted(notes.glob("*.txt"))
    cards, times = [], []
    for path in files:
        head = path.read_text(encoding="utf-8", errors="replace")[:HEAD]
        card, seconds = timed(path.name, head)
        cards.append(card)
        times.append(seconds)
    kinds = Counter(c.kind for c in cards)
    print(f"\nMTSamples notes: {len(cards)}; non-empty kind {sum(bool(c.kind) for c in cards)}, "
          f"non-empty title {sum(bool(c.title) for c in cards)}; time per card p50 "
          f"{percentile(times, 0.5) * 1000:.2f} ms")
    print("kinds:", ", ".join(f"{k or '(none)'} {n}" for k, n in kinds.most_common()))
    for card in random.Random(7).sample(cards, min(10, len(cards))):
        print(f"  {card.path[:45]:45}  title {card.title!r:32}  kind {card.kind!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaldata", default=str(Path(__file__).resolve().parents[2] / "shared" / "evaldata"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N contracts and notes")
    parser.add_argument("--show", type=int, default=0, help="print the first N misses of each field")
    args = parser.parse_args()
    evaldata = Path(args.evaldata)
    measure_cuad(evaldata / "cuad", args.limit, args.show)
    measure_notes(evaldata / "mtsamples" / "docs", args.limit)


if __name__ == "__main__":
    main()
