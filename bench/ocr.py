"""OCR quality and speed on scanned contract pages, against their own text layer.

    python bench/ocr.py [--pdfs DIR] [--files 5] [--pages 2] [--dpi 200] [--out scan.pdf]
                        [--variants before now ...] [--models DIR]

Takes the first pages with a good text layer (at least 1,500 characters) from the first --files
PDFs of DIR (default: the CUAD development PDFs), renders each to a grayscale image at --dpi (a
scan), builds one image-only PDF of them, reads it back through ragbox's own PDF loader with OCR
on, and compares each page with the text layer of the original page. Character accuracy is
1 - edits / reference length, the edits (insertions, deletions, substitutions) counted on
difflib's alignment of the two texts, whitespace runs made one space first. Prints per page
accuracy, then one line a variant (RapidOCR's own settings as ragbox ran them before, each change
measured alone, ragbox's settings before its int8 last layer and narrowed lines ('previous'), and
ragbox's settings now: see variants()): character accuracy mean, min and
weighted by length, and CPU seconds a page (model loading not counted; the figure to compare on a
shared machine, where wall time depends on the load).
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ragbox.ingest import ocr  # noqa: E402
from ragbox.ingest.loaders import ReadOptions, pdf  # noqa: E402

CUAD_PDFS = next((p / "shared" / "evaldata" / "cuad" / "docs" / "pdf" for p in Path(__file__).resolve().parents
                  if (p / "shared" / "evaldata").is_dir()), Path("shared/evaldata/cuad/docs/pdf"))


def normalise(text: str) -> str:
    return " ".join(text.split())


def char_accuracy(ocr: str, reference: str) -> float:
    a, b = normalise(reference), normalise(ocr)
    edits = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            edits += max(i2 - i1, j2 - j1)
    return max(0.0, 1 - edits / max(1, len(a)))


def scanned_pages(pdfs: list[Path], pages_per_file: int, dpi: int) -> tuple[list, list[str], list[str]]:
    """Rendered page images, their text layers and labels."""
    import pypdfium2

    images, references, labels = [], [], []
    for path in pdfs:
        layer = pdf.pages(path, path.read_bytes())
        document = pypdfium2.PdfDocument(str(path))
        taken = 0
        for page in layer:
            if taken == pages_per_file:
                break
            if len(normalise(page.text)) < 1500:
                continue
            images.append(document[page.number - 1].render(scale=dpi / 72, grayscale=True).to_pil())
            references.append(page.text)
            labels.append(f"{path.name[:40]} p{page.number}")
            taken += 1
        document.close()
    return images, references, labels


def variants() -> dict[str, ocr.OcrSettings]:
    before, now = ocr.BEFORE, ocr.DEFAULT
    previous = replace(now, int8_head=False, line_scale=1.0)  # ragbox's settings before the last two
    return {
        "before": before,
        "+arena": replace(before, arena=True),
        "+unclip": replace(before, unclip=now.unclip),
        "+pad64": replace(before, min_line_width=now.min_line_width),
        "+crop": replace(before, crop=True),
        "+int8det": replace(before, int8_detection=True),
        "+int8rec": replace(before, int8_recognition=True),
        "now": now,
        "now+int8rec": replace(now, int8_recognition=True),
        "now-side960": replace(now, detection_side=960),
        "now-pad320": replace(now, min_line_width=320),
        "now-batch6": replace(now, rec_batch=6),
        "now-batch3": replace(now, rec_batch=3),
        "now-unclip2.4": replace(now, unclip=2.4),
        "now-threads-all": replace(now, threads=0),
        "+int8head": replace(before, int8_head=True),
        "previous": previous,
        "previous+int8head": replace(previous, int8_head=True),
        "previous+narrow0.95": replace(previous, line_scale=0.95),
        "previous+narrow0.9": replace(previous, line_scale=0.9),
        "previous+narrow0.85": replace(previous, line_scale=0.85),
        "previous+narrow0.8": replace(previous, line_scale=0.8),
        "previous+int8rec+narrow0.9": replace(previous, int8_recognition=True, line_scale=0.9),
        "now+narrow0.9": replace(now, line_scale=0.9),
        "now-numpy-input": replace(now, lookup_input=False),  # detection's input as RapidOCR computes it
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, default=CUAD_PDFS)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--pages", type=int, default=2, help="pages per file")
    parser.add_argument("--dpi", type=int, default=200, help="resolution of the scan")
    parser.add_argument("--out", type=Path, help="keep the image-only PDF here")
    parser.add_argument("--variants", nargs="+", default=["before", "now"], choices=list(variants()))
    parser.add_argument("--models", type=Path, help="where the int8 model is built (default: a temporary folder)")
    args = parser.parse_args()

    pdfs = sorted(args.pdfs.glob("*.pdf"))[: args.files]
    if not pdfs:
        raise SystemExit(f"no PDFs in {args.pdfs}")
    images, references, labels = scanned_pages(pdfs, args.pages, args.dpi)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=args.dpi)
    scan = buffer.getvalue()
    if args.out:
        args.out.write_bytes(scan)
    assert not any(p.text.strip() for p in pdf.pages(Path("scan.pdf"), scan)), "the scan has a text layer"

    for name in args.variants:
        settings = variants()[name]
        measure(ocr.RapidPageOcr(settings=settings, model_folder=args.models), scan, labels, references,
                f"{name:<16} ({args.dpi} dpi)")


def measure(engine, scan: bytes, labels: list[str], references: list[str], variant: str) -> None:
    engine._load()  # model loading is not part of the per-page time
    started, cpu_started = time.perf_counter(), time.process_time()
    pages = pdf.pages(Path("scan.pdf"), scan, ReadOptions(ocr=engine))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    scores = []
    for label, page, reference in zip(labels, pages, references):
        score = char_accuracy(page.text, reference)
        scores.append(score)
        print(f"  {label:<46} {len(normalise(reference)):>5} chars  accuracy {score:.3f}  ocr={page.ocr}")
    total_ref = sum(len(normalise(r)) for r in references)
    weighted = sum(s * len(normalise(r)) for s, r in zip(scores, references)) / total_ref
    print(f"{variant}: {len(pages)} pages, accuracy mean {statistics.mean(scores):.4f} min {min(scores):.4f} "
          f"weighted {weighted:.4f}; CPU {cpu / len(pages):.2f} s/page, wall {seconds / len(pages):.1f} s/page "
          f"(load average {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
