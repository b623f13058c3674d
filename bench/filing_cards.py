"""Measure the cards of filings (``ragbox.ingest.filing_cards``) and the questions they resolve, on
FinanceBench (issue 25).

    python bench/filing_cards.py [--docs DIR] [--queries FILE] [--pages 3] [--show]

Each PDF's first pages (``--pages``, read with pypdf: parsing whole 10-Ks takes minutes) are joined
and cut to 8000 characters, as the indexer passes a document's head, and made a card. The truth is
the file name, as FinanceBench writes it: ``COMPANY_YEAR[Qn]_FORM`` (``3M_2018_10K``,
``BESTBUY_2024Q2_10Q``; the year is the fiscal year the company gives it):
- company right: the card's company (its letters and digits, lower case) holds the file's company
  ("bestbuy" in "bestbuyco inc"), or its ticker is it ("AMD"); a company renamed since ("BLOCK"
  for Square, Inc.'s reports) counts as wrong, so this undercounts;
- fiscal year right: the card's own fiscal year (the first "FY" of its dates) is the file's year;
  for a 10-Q, *or* among its years also counted (a quarter's fiscal year is not on its cover);
- form right: the card's kind is the file's form (10-k, 10-q, 8-k); earnings releases must have none.
Questions: each of ``queries.jsonl`` is resolved (``search.resolver``) among the cards of all the
files; right when the one document named is its gold file and not ambiguous. How many documents'
text holds a word is counted on the same heads. Resolved three ways: with the file names as they
are, with every file renamed ``docNN.pdf`` (the cards alone), and the latter with cards made
without the filing reader (as before it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ragbox.ingest import cards as card_reader  # noqa: E402
from ragbox.search.resolver import CardIndex, filing_years, tokens  # noqa: E402

HEAD_CHARS = 8000
_NAME = re.compile(r"^(?P<company>.+?)_(?P<year>(?:19|20)\d\d)(?P<quarter>Q[1-4])?_(?P<form>10K|10Q|8K|EARNINGS)",
                   re.IGNORECASE)


def heads(docs: Path, pages: int) -> dict[str, str]:
    from pypdf import PdfReader

    found = {}
    for pdf in sorted(docs.glob("*.pdf")):
        reader = PdfReader(str(pdf))
        found[pdf.name] = "\n".join(reader.pages[i].extract_text() or ""
                                    for i in range(min(pages, len(reader.pages))))[:HEAD_CHARS]
    return found


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def measure_cards(cards: dict, show: bool) -> None:
    counts: Counter = Counter()
    for name, card in cards.items():
        truth = _NAME.match(name)
        if not truth:
            continue
        form = truth["form"].upper()
        counts["files"] += 1
        kind = {"10K": "10-k", "10Q": "10-q", "8K": "8-k"}.get(form, "")
        counts["form right"] += card.kind == kind
        if form not in ("10K", "10Q"):
            continue
        counts["reports"] += 1
        party = card.parties[0] if card.parties else None
        company = _letters(truth["company"])
        right = party is not None and (company in _letters(party.name) or company in map(_letters, party.short_names))
        counts["company right"] += right
        years = filing_years(card)
        counts["year right"] += bool(years) and years[0] == truth["year"]
        counts["year right or among"] += truth["year"] in years
        if show and not (right and years and years[0] == truth["year"]):
            print(f"  {name}: {party} {card.dates}")
    reports = counts["reports"]
    print(f"reports (10-K, 10-Q): {reports}  (files with a FinanceBench name: {counts['files']})")
    print(f"company right:        {counts['company right']}/{reports}")
    print(f"fiscal year right:    {counts['year right']}/{reports}  (10-Q's year among its years: "
          f"{counts['year right or among']}/{reports})")
    print(f"form right:           {counts['form right']}/{counts['files']}  (10-K, 10-Q, 8-K; none for earnings)")


def measure_questions(label: str, cards: dict, queries: list[dict], texts: dict[str, str], show: bool) -> None:
    index = CardIndex(list(cards.values()))
    holding = Counter(word for text in texts.values() for word in set(tokens(text)))
    by_path = {card.path: name for name, card in cards.items()}
    right = ambiguous = 0
    for query in queries:
        gold = query["gold"][0]["file"]
        found = index.resolve(query["query"], lambda word: holding.get(word, 0))
        named = [by_path[d.path] for d in found.documents]
        right += named == [gold] and not found.ambiguous
        ambiguous += found.ambiguous
        if show and named != [gold]:
            print(f"  {gold}: {named[:3]} {query['query'][:90]!r}")
    print(f"questions resolved to their filing, {label}: {right}/{len(queries)}  (ambiguous: {ambiguous})")


def renamed_cards(texts: dict[str, str]) -> dict:
    """The cards of the files renamed ``docNN.pdf``: what the cards alone tell."""
    return {name: card_reader.document_card(f"doc{i:02d}.pdf", text) for i, (name, text) in enumerate(texts.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    data = Path(__file__).resolve().parents[2] / "shared" / "evaldata" / "financebench"
    parser.add_argument("--docs", type=Path, default=data / "docs")
    parser.add_argument("--queries", type=Path, default=data / "queries.jsonl")
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print what is wrong")
    args = parser.parse_args()
    texts = heads(args.docs, args.pages)
    queries = [json.loads(line) for line in args.queries.read_text().splitlines() if line.strip()]
    queries = [q for q in queries if q["gold"] and q["gold"][0]["file"] in texts]
    cards = {name: card_reader.document_card(name, text) for name, text in texts.items()}
    hidden = renamed_cards(texts)
    measure_cards(cards, args.show)
    measure_questions("file names as they are", cards, queries, texts, args.show)
    measure_questions("files renamed docNN.pdf", hidden, queries, texts, args.show)
    reader, card_reader.filing_card = card_reader.filing_card, lambda *args: None  # cards as before issue 25
    try:
        before = renamed_cards(texts)
    finally:
        card_reader.filing_card = reader
    measure_questions("files renamed, no filing reader", before, queries, texts, args.show)


if __name__ == "__main__":
    main()
