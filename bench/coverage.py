"""Which PDF pages are sent to OCR: the page-coverage rule against the old one, on real PDFs.

    python bench/coverage.py FOLDER [--limit N] [--ocr]

Reads every PDF under FOLDER with OCR off and gives each page its state (``Page.state``: text,
empty, sparse = a picture of text, failed). The old rule sent a page to OCR only when its text
layer had fewer than 16 characters; the new one also sends a page whose text is too little for the
images or outlines it draws (``ingest.loaders.pdf_marks``). Prints pages by state, how many pages
each rule sends to OCR, and every page whose fate changed, with its layer's characters, image share
and path operators. With --ocr, those pages are read by OCR: a page whose OCR text is not longer
than its layer keeps its layer (it was no picture of text), so OCR'd text pages show up there.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ragbox.ingest.loaders import ReadOptions  # noqa: E402
from ragbox.ingest.loaders.pdf import pages as pdf_pages  # noqa: E402
from ragbox.ingest.loaders.pdf_ocr import MIN_LAYER_CHARS, with_ocr  # noqa: E402


def chars(text: str) -> int:
    return len("".join(text.split()))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N PDFs")
    parser.add_argument("--ocr", action="store_true", help="read the pages whose fate changed by OCR")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    files = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() == ".pdf")[:args.limit or None]
    states: Counter = Counter()
    old_ocr = new_ocr = 0
    changed: list[tuple[Path, bytes, int, int]] = []
    started = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        try:
            pages = pdf_pages(path, data, ReadOptions(ocr=None))
        except Exception as exc:  # a file skipped whole is not a page state
            print(f"skipped {path.name}: {exc}")
            continue
        for page in pages:
            states[page.state] += 1
            old = chars(page.text) < MIN_LAYER_CHARS
            new = page.state in ("sparse", "failed")
            old_ocr, new_ocr = old_ocr + old, new_ocr + new
            if old != new:
                changed.append((path, data, page.number, chars(page.text)))
    seconds = time.perf_counter() - started
    total = sum(states.values())
    print(f"files:                  {len(files)}")
    print(f"pages:                  {total} ({seconds / max(total, 1) * 1000:.1f} ms a page, OCR off)")
    print(f"pages by state:         {', '.join(f'{n} {state}' for state, n in sorted(states.items()))}")
    print(f"sent to OCR, old rule:  {old_ocr} (fewer than {MIN_LAYER_CHARS} characters)")
    print(f"sent to OCR, new rule:  {new_ocr} (sparse or failed)")
    print(f"pages whose fate changed: {len(changed)}")
    ocr = None
    if args.ocr and changed:
        from ragbox.ingest.ocr import RapidPageOcr

        ocr = RapidPageOcr()
    for path, data, number, layer in changed:
        line = f"  {path.name}, page {number}: {layer} characters in its text layer"
        if ocr is not None:
            pages = pdf_pages(path, data, ReadOptions(ocr=None))
            after = with_ocr(path, data, pages, ReadOptions(ocr=ocr, only_page=number))[number - 1]
            line += f"; OCR: {after.state}, {chars(after.text)} characters"
        print(line)


if __name__ == "__main__":
    main()
