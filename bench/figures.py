"""Figures from annual reports (issue 25, items 2 and 3): the page with the answer, and the figure.

    python bench/figures.py [--docs DIR] [--queries FILE] [--split dev|held-out|all] [--forms 10-k|all]
                            [--window 6] [--files N] [--store DIR [--no-index]] [--show]

Split (by company, so no company's filings are on both sides): a company is held out when the
SHA-1 of its name as the file name writes it (``3M``, ``JOHNSON_JOHNSON``) is divisible by 3, and
in the dev split otherwise. Held out: AMD, AMERICANWATERWORKS, COSTCO, GENERALMILLS, PEPSICO,
PFIZER, VERIZON (22 of 87 questions). Tune on dev only; run ``--split held-out`` to report.

Filings: the 10-Ks of the split with a question (``--forms all``: its 10-Qs, 8-Ks and earnings
releases too). A 10-K is 80-500 pages and indexing takes about
a CPU-second a page here, so by default each is cut to its first 3 pages (the cover: its card)
and ``--window`` pages either side of each gold page, in their order (``--window -1``: whole
files). Pages keep their numbers: a hit's page is mapped back to the filing's own. The pages left
around a statement page are the other statements and notes: the distractors that matter.
Indexing 4,000 whole pages takes 15-30 minutes here: ``--store DIR`` keeps the index and
``--store DIR --no-index`` searches it again as it is (same split and window), e.g. to compare
two versions of the query side on one index.

Questions: FinanceBench's own about those filings, and the same figures asked as users type them
(``USER`` below: "3M capex 2022"), each with its gold page(s) and value written from that page.
Every question is asked. Printed: page R@1 and R@5 of ``Engine.search`` (hit on a gold page of
the gold file), by set and by FinanceBench category (metrics-generated, domain-relevant,
novel-generated); answers right, by how the gold is graded (``figure_grades``: a bare number,
"figures"; a gold starting with Yes/No, "yes/no"; the numbers of a free-text gold, "in text"; a
text gold without a number is counted as "not graded"), numbers within 1 % after unit
normalisation, a refusal never right, and the precision of the answers shown as sure; then all
graded together ("answers", and right over every question, the ungraded counted as not right);
indexing wall and CPU seconds and peak RSS (``--no-index``: the store's recorded indexing runs).
All 87 FinanceBench questions on one store over all 49 filings: ``--split all --forms all
--window -1``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from figure_grades import answer_right, gold_of  # noqa: E402

from ragbox.config import load_settings  # noqa: E402
from ragbox.engine import Engine  # noqa: E402

COVER_PAGES = 3
# (question as a user types it, file, gold pages, value in USD millions or as printed)
USER = [
    ("3M capex 2022", "3M_2022_10K.pdf", [52], 1749),
    ("What did 3M spend on PP&E in FY2022?", "3M_2022_10K.pdf", [52], 1749),
    ("3M depreciation and amortization FY2022", "3M_2022_10K.pdf", [52], 1831),
    ("Adobe total revenue FY2016", "ADOBE_2016_10K.pdf", [62], 5854.43),
    ("What was Adobe's operating income in fiscal 2016?", "ADOBE_2016_10K.pdf", [62], 1493.602),
    ("Amazon net sales 2017", "AMAZON_2017_10K.pdf", [38], 177866),
    ("How much was Amazon's net income in FY2019?", "AMAZON_2019_10K.pdf", [38], 11588),
    ("Amazon cost of sales 2019", "AMAZON_2019_10K.pdf", [38], 165536),
    ("Best Buy inventories FY2019", "BESTBUY_2019_10K.pdf", [52], 5409),
    ("Block operating cash flow 2020", "BLOCK_2020_10K.pdf", [90], 381.603),
    ("Lockheed Martin total current assets 2021", "LOCKHEEDMARTIN_2021_10K.pdf", [68], 19815),
    ("What were Lockheed Martin's accounts payable at the end of FY2021?", "LOCKHEEDMARTIN_2021_10K.pdf", [68], 780),
    ("MGM Resorts capital expenditures 2020", "MGMRESORTS_2020_10K.pdf", [67], 270.579),
    ("MGM accounts payable 2018", "MGMRESORTS_2018_10K.pdf", [57], 303),
    ("Netflix capex 2015", "NETFLIX_2015_10K.pdf", [42], 91.248),
    ("Nike revenue FY2018", "NIKE_2018_10K.pdf", [46], 36397),
    ("What was Nike's cost of sales in fiscal 2018?", "NIKE_2018_10K.pdf", [46], 20441),
    ("Nike total current assets FY2019", "NIKE_2019_10K.pdf", [54], 16525),
    ("Nike return on equity FY2019", "NIKE_2019_10K.pdf", [52, 54], 0.4274),
    ("What was Nike's quick ratio in FY2019?", "NIKE_2019_10K.pdf", [54], 1.3861),
    ("Did Nike's quick ratio improve in FY2019?", "NIKE_2019_10K.pdf", [54], "no"),
    ("Has Nike's net income increased in FY2019?", "NIKE_2019_10K.pdf", [52], "yes"),
    # added with the grading of every question: capex, cash and dividends as users say them, the
    # year's own filing among three of one company, a margin the statement labels "Gross margin"
    ("What was Amazon's capex in 2019?", "AMAZON_2019_10K.pdf", [37], 16861),
    ("Kraft Heinz gross profit 2019", "KRAFTHEINZ_2019_10K.pdf", [50], 8147),
    ("What was Lockheed Martin's revenue in 2020?", "LOCKHEEDMARTIN_2020_10K.pdf", [67], 65398),
    ("How much did Lockheed Martin pay in dividends in 2021?", "LOCKHEEDMARTIN_2021_10K.pdf", [69], 2940),
    ("Lockheed Martin free cash flow 2022", "LOCKHEEDMARTIN_2022_10K.pdf", [66], 6132),
    ("What was Walmart's operating income in fiscal 2020?", "WALMART_2020_10K.pdf", [51], 20568),
    ("How much cash did Corning have at the end of 2020?", "CORNING_2020_10K.pdf", [72], 2672),
    ("What was Microsoft's gross margin in FY2023?", "MICROSOFT_2023_10K.pdf", [58], 68.9),
    ("Microsoft capex 2023", "MICROSOFT_2023_10K.pdf", [61], 28107),  # brackets printed "(28,107  )"
    ("What was Walmart's effective tax rate in fiscal 2020?", "WALMART_2020_10K.pdf", [51], 24.4),
    # added with the labels and cells read from every dev 10-K's statements (issue 25, fourth turn)
    ("What was Coca-Cola's capex in 2017?", "COCACOLA_2017_10K.pdf", [77], 1675),  # printed "(2,491 )" nearby
    ("What was Amazon's capex in 2017?", "AMAZON_2017_10K.pdf", [37], 11955),
    ("How much did Nike pay in dividends in fiscal 2019?", "NIKE_2019_10K.pdf", [55], 1332),
    ("Best Buy pretax income FY2019", "BESTBUY_2019_10K.pdf", [53], 1888),
    ("What was Lockheed Martin's effective tax rate in 2022?", "LOCKHEEDMARTIN_2022_10K.pdf", [63], 14.2),
    ("American Express capex 2022", "AMERICANEXPRESS_2022_10K.pdf", [99], 1855),
    ("What were American Express's total assets at the end of 2022?", "AMERICANEXPRESS_2022_10K.pdf", [98], 228354),
    ("Kraft Heinz shareholders' equity 2019", "KRAFTHEINZ_2019_10K.pdf", [52], 51623),
    # gross margins of filings that print no gross profit: (revenue - cost of sales) / revenue
    ("What was Walmart's gross margin in fiscal 2020?", "WALMART_2020_10K.pdf", [51], 24.1),
    ("3M gross margin 2022", "3M_2022_10K.pdf", [48], 43.8),
    ("Walmart gross profit fiscal 2020", "WALMART_2020_10K.pdf", [51], 125321),
    ("Did Amazon's gross margin improve in 2019?", "AMAZON_2019_10K.pdf", [38], "yes"),
]
_COMPANY = re.compile(r"^(.+?)_(?:19|20)\d\d")


def company(file: str) -> str:
    match = _COMPANY.match(file)
    return (match.group(1) if match else Path(file).stem).upper()


def split_of(file: str) -> str:
    return "held-out" if int(hashlib.sha1(company(file).encode()).hexdigest(), 16) % 3 == 0 else "dev"


def questions(queries: Path, docs: Path, split: str, forms: str = "10-k") -> list[dict]:
    """The dataset's questions on the split's 10-Ks (``forms`` "all": on all its filings, 10-Qs,
    8-Ks and earnings releases too), then the user's; only files present in ``docs``."""
    present = {p.name for p in docs.glob("*.pdf")}
    found = []
    for line in queries.read_text().splitlines():
        q = json.loads(line) if line.strip() else None
        if not q or not q["gold"] or (forms != "all" and "10K" not in q["gold"][0]["file"]):
            continue
        found.append({"set": "dataset", "query": q["query"], "file": q["gold"][0]["file"],
                      "pages": sorted({g["page"] for g in q["gold"] if g.get("page")}),
                      "category": q.get("category") or "-", **gold_of(q.get("answer", ""), q["query"])})
    found += [{"set": "user", "query": text, "file": file, "pages": pages, "category": "user",
               **gold_of(str(value), text)} for text, file, pages, value in USER]
    return [q for q in found if q["file"] in present and (split == "all" or split_of(q["file"]) == split)]


def cut_filings(docs: Path, wanted: dict[str, set[int]], window: int, folder: Path | None) -> dict[str, list[int]]:
    """Each filing cut to its cover and the pages around its gold pages, written to ``folder`` (None:
    only counted, for an index built before); returns, per file, the filing's page number of each
    page kept (1-based)."""
    from pypdf import PdfReader, PdfWriter

    kept = {}
    for name, pages in sorted(wanted.items()):
        reader = PdfReader(str(docs / name))
        count = len(reader.pages)
        numbers = list(range(1, count + 1)) if window < 0 else sorted(
            {n for n in range(1, COVER_PAGES + 1)} | {n for p in pages for n in range(p - window, p + window + 1)})
        numbers = [n for n in numbers if 1 <= n <= count]
        if folder is not None:
            writer = PdfWriter()
            for n in numbers:
                writer.add_page(reader.pages[n - 1])
            with open(folder / name, "wb") as out:
                writer.write(out)
        kept[name] = numbers
    return kept


def measure(engine: Engine, q: dict, kept: dict[str, list[int]]) -> dict:
    hits = engine.search(q["query"], k=10)
    rank = next((i + 1 for i, h in enumerate(hits) if Path(h.path).name == q["file"] and h.page is not None
                 and kept[q["file"]][h.page - 1] in q["pages"]), None)
    result = {**q, "rank": rank}
    answer = engine.ask(q["query"])
    result.update(answer=answer.text, sure=answer.sure and answer.found,
                  right=answer_right(answer.text, answer.found, q))
    return result


def report(results: list[dict], label: str) -> None:
    if not results:
        return
    n = len(results)
    at = [sum(1 for r in results if r["rank"] and r["rank"] <= k) / n for k in (1, 5, 10)]
    print(f"{label:<28} {n:>3} questions  page R@1 {at[0]:.3f}  R@5 {at[1]:.3f}  R@10 {at[2]:.3f}")
    for grade, name in (("figure", "figures"), ("yes/no", "yes/no"), ("numbers in text", "in text")):
        _report_graded([r for r in results if r["grade"] == grade], name)
    graded = [r for r in results if r["grade"] != "not graded"]
    sure = [r for r in graded if r["sure"]]
    precision = f"{sum(r['right'] for r in sure) / len(sure):.3f}" if sure else "-"
    right = sum(bool(r["right"]) for r in graded)
    print(f"{'':<28} {len(graded):>3} answers    right {right / max(1, len(graded)):.3f}  sure {len(sure)}  sure "
          f"precision {precision}  (right of all {n}: {right / n:.3f}; not graded {n - len(graded)})")


def _report_graded(asked: list[dict], name: str) -> None:
    if asked:
        sure = [r for r in asked if r["sure"]]
        precision = f"{sum(r['right'] for r in sure) / len(sure):.3f}" if sure else "-"
        print(f"{'':<28} {len(asked):>3} {name:<10} right {sum(r['right'] for r in asked) / len(asked):.3f}"
              f"  sure {len(sure)}  sure precision {precision}")


def index_filings(store: Path, folder: Path) -> Engine:
    flags = {"store.dir": str(store), "answer.style": "extract"}
    engine = Engine(load_settings(None, environ={}, flags=flags))
    wall, cpu = time.perf_counter(), _cpu_seconds()
    engine.index([folder])
    pages = sum(d.pages or 0 for d in engine.catalog.documents())
    print(f"indexed {len(list(folder.glob('*.pdf')))} filings, {pages} pages: {time.perf_counter() - wall:.0f} s wall, "
          f"{_cpu_seconds() - cpu:.0f} s CPU, peak RSS {_peak_rss_mb():.0f} MB", flush=True)
    return engine


def print_stored_index(engine: Engine) -> None:
    """What indexing the store reused cost, from its runs (peak RSS is not recorded there: it is
    printed when this bench indexes, or measured with /usr/bin/time -v around ``ragbox index``)."""
    runs = [json.loads(summary) for (summary,) in engine.catalog.db.execute(
        "SELECT summary FROM runs WHERE status = 'finished'")]
    pages = sum(d.pages or 0 for d in engine.catalog.documents())
    print(f"store reused: {len(engine.catalog.documents())} filings, {pages} pages, indexed in {len(runs)} runs: "
          f"{sum(r.get('seconds', 0) for r in runs):.0f} s wall", flush=True)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb() -> float:
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    data = Path(__file__).resolve().parents[2] / "shared" / "evaldata" / "financebench"
    parser.add_argument("--docs", type=Path, default=data / "docs")
    parser.add_argument("--queries", type=Path, default=data / "queries.jsonl")
    parser.add_argument("--split", choices=("dev", "held-out", "all"), default="dev")
    parser.add_argument("--forms", choices=("10-k", "all"), default="10-k",
                        help="the questions on the 10-Ks only, or on every filing of the split")
    parser.add_argument("--window", type=int, default=6, help="pages kept either side of a gold page (-1: all)")
    parser.add_argument("--files", type=int, default=0, help="only the first N filings (0: all)")
    parser.add_argument("--store", type=Path, help="keep the index here (default: a temporary folder)")
    parser.add_argument("--no-index", action="store_true",
                        help="search the index in --store as it is (built before with the same split and window)")
    parser.add_argument("--show", action="store_true", help="print each question's rank and answer")
    args = parser.parse_args()
    asked = questions(args.queries, args.docs, args.split, args.forms)
    files = sorted({q["file"] for q in asked})
    files = files[:args.files] if args.files else files
    asked = [q for q in asked if q["file"] in files]
    wanted: dict[str, set[int]] = defaultdict(set)
    for q in asked:
        wanted[q["file"]].update(q["pages"])
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        folder = store.parent / f"{store.name}-filings"
        if args.no_index:
            kept = cut_filings(args.docs, wanted, args.window, None)
            engine = Engine(load_settings(None, environ={}, flags={"store.dir": str(store), "answer.style": "extract"}))
            print_stored_index(engine)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            kept = cut_filings(args.docs, wanted, args.window, folder)
            engine = index_filings(store, folder)
        try:
            results = [measure(engine, q, kept) for q in asked]
        finally:
            engine.close()
    for r in results if args.show else []:
        print(f"  {r['rank'] or '-':>4} {r['file']:<28} {r['query'][:70]!r}"
              + (f" -> {'right' if r['right'] else 'wrong'}{' sure' if r['sure'] else ''}: {r['answer'][:90]!r}"
                 if "answer" in r else ""))
    print(f"split {args.split}, window {args.window}: {len(files)} filings")
    report(results, "all")
    for label in ("dataset", "user"):
        report([r for r in results if r["set"] == label], f"  {label} phrasing")
    for category in sorted({r["category"] for r in results if r["set"] == "dataset"}):
        report([r for r in results if r["category"] == category], f"    {category}")
    for split in ("dev", "held-out") if args.split == "all" else ():  # one run measures both sides
        asked_there = [r for r in results if r["set"] == "dataset" and split_of(r["file"]) == split]
        report(asked_there, f"  {split}, dataset phrasing")
        for category in sorted({r["category"] for r in asked_there}):
            report([r for r in asked_there if r["category"] == category], f"    {split}, {category}")


if __name__ == "__main__":
    main()
