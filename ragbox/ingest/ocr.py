"""OCR of scanned PDF pages, fully offline: ``pypdfium2`` renders a page, RapidOCR reads it with
the PP-OCR ONNX models that ship inside the ``rapidocr`` wheel, run by onnxruntime.

The models are given to RapidOCR by their file paths in the installed package, so it never
looks for (or downloads) anything. Both libraries are imported on first use: only a run that
meets a scan pays for them. The text of a page is its recognised lines in reading order, a blank
line where the gap between lines is wide (a paragraph break, for the chunker).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Iterator

from ragbox.errors import DocumentError

RENDER_DPI = 200  # a typical scan; measured in bench/ocr.py
DETECTION_SIDE = 1280  # the page image is shrunk to this longest side for text detection (faster)
# Text lines recognised one at a time, on one thread: a batch pads its lines to the widest, and a
# second ONNX Runtime thread mostly waits; 4.4 CPU-s a page against 8.0 with RapidOCR's batch of 6
# on all cores, at the same character accuracy (bench/ocr.py). Scans are read in parallel by the
# parsing children instead. (Not in the cache's version: the text read differs by a character or so.)
REC_BATCH = 1
OCR_THREADS = 1
MODEL_FILES = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
               "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}


class RapidPageOcr:
    """Reads PDF pages with RapidOCR; one instance is shared by a run (built on first use)."""

    def __init__(self, threads: int = OCR_THREADS) -> None:
        self.threads = threads
        self._engine = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        # A parsing worker process gets the settings only and loads its own engine.
        return {"threads": self.threads}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["threads"])

    def _load(self):
        with self._lock:
            if self._engine is None:
                try:
                    import onnxruntime
                    import rapidocr
                    from rapidocr import RapidOCR
                except ImportError as exc:
                    raise DocumentError("Cannot OCR", f"the OCR engine is not installed ({exc})") from exc
                onnxruntime.disable_telemetry_events()  # RapidOCR runs it; its Linux build sends usage events
                models = Path(rapidocr.__file__).parent / "models"
                params = {f"{task}.model_path": str(models / name) for task, name in MODEL_FILES.items()}
                params.update({
                    "Global.log_level": "error",
                    "Global.use_cls": False,  # pages are upright; the angle classifier costs time
                    "Det.limit_type": "max", "Det.limit_side_len": DETECTION_SIDE, "Rec.rec_batch_num": REC_BATCH,
                    "EngineConfig.onnxruntime.intra_op_num_threads": self.threads or -1,
                })
                self._engine = RapidOCR(params=params)
            return self._engine

    def pdf_pages(self, data: bytes, numbers: Iterable[int]) -> Iterator[tuple[int, str, float | None]]:
        """``(number, text, mean confidence)`` for each 1-based page number, in the order given
        (confidence None when nothing was recognised)."""
        import pypdfium2

        engine = self._load()
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise DocumentError("Cannot OCR", f"cannot render the PDF ({exc})") from exc
        try:
            for number in numbers:
                page = document[number - 1]
                image = page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
                page.close()
                result = engine(image)
                scores = [float(score) for score in (result.scores or ())]
                yield number, page_text(result.boxes, result.txts), (sum(scores) / len(scores) if scores else None)
        finally:
            document.close()


class CachedPageOcr:
    """OCR text kept by content in a folder: a page is read once. Re-chunking after a settings
    change, moving a scan, or opening an OCR'd passage in the app then costs no OCR, and the
    passage view shows exactly the text that was indexed."""

    def __init__(self, ocr, folder: Path) -> None:
        self.ocr = ocr
        self.folder = Path(folder)
        # the same page read with other settings or models is another entry
        self.version = hashlib.sha256(f"{RENDER_DPI}/{DETECTION_SIDE}/{sorted(MODEL_FILES.items())}".encode()
                                      ).hexdigest()[:8]

    # In a reader child: where new pages go instead of the folder (``loaders.ocr_handoff``: ragbox
    # files them), called as sink(digest, data, number, text, score).
    sink = None

    @staticmethod
    def digest(data: bytes) -> str:
        """What a scan is known by here (before ``_file_name``)."""
        return hashlib.sha256(data).hexdigest()[:32]

    def pdf_pages(self, data: bytes, numbers: Iterable[int]) -> Iterator[tuple[int, str, float | None]]:
        digest = self.digest(data)
        numbers = list(numbers)
        missing = []
        for number in numbers:
            path = self._path(digest, number)
            if not path.is_file():
                missing.append(number)
        read = self.ocr.pdf_pages(data, missing) if missing else iter(())
        for number in numbers:
            path = self._path(digest, number)
            if number in missing:
                found, text, *confidence = next(read)
                assert found == number
                score = confidence[0] if confidence else None
                if self.sink is not None:
                    self.sink(digest, data, number, text, score)
                else:
                    self.keep_page(digest, number, text, score)
            else:
                text = self._load(path)
                score = _score(self, path.with_suffix(".score"))
            yield number, text, score

    def keep_page(self, digest: str, number: int, text: str, score: float | None) -> None:
        """File page ``number`` of the scan ``digest`` names."""
        path = self._path(digest, number)
        if score is not None:  # beside the text: a page cached before this was kept reads as unknown
            self._store(path.with_suffix(".score"), f"{score:.4f}")
        self._store(path, text)

    def keep_only(self, file_hashes: Iterable[str]) -> None:
        """Delete the pages of every scan but these (sha256 of the file): the text of a file
        forgotten, deleted or edited leaves no bytes here. (A scan inside an e-mail is read again
        when next needed.)"""
        keep = {self._file_name(h[:32]) for h in file_hashes}
        for path in self.folder.glob("*/*-*") if self.folder.is_dir() else ():
            if path.name.split("-", 1)[0] not in keep:
                path.unlink(missing_ok=True)

    def _file_name(self, digest: str) -> str:
        """What a scan's pages are filed under: its sha256 (``ingest.sealed_ocr`` hides it)."""
        return digest

    def _path(self, digest: str, number: int) -> Path:
        name = self._file_name(digest)
        return self.folder / name[:2] / f"{name}-{self.version}-{number}.txt"

    def _load(self, path: Path) -> str:
        return path.read_text(encoding="utf-8")

    def _store(self, path: Path, text: str) -> None:
        """Written whole or not at all: a run killed mid-write leaves no half page behind."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)


def _score(cache: CachedPageOcr, path: Path) -> float | None:
    try:
        return float(cache._load(path))
    except (OSError, ValueError):
        return None


def page_text(boxes, texts) -> str:
    """Recognised text boxes as lines: boxes whose vertical middles fall inside one another's
    height are one line (left to right); a gap of more than a line's height starts a paragraph."""
    if boxes is None or texts is None:
        return ""
    items = []
    for box, text in zip(boxes, texts):
        ys = [point[1] for point in box]
        items.append((min(ys), max(ys), min(point[0] for point in box), text.strip()))
    items.sort(key=lambda item: ((item[0] + item[1]) / 2, item[2]))
    lines: list[list[tuple]] = []
    for item in items:
        middle = (item[0] + item[1]) / 2
        if lines and lines[-1][0][0] <= middle <= lines[-1][0][1]:
            lines[-1].append(item)
        else:
            lines.append([item])
    out: list[str] = []
    previous_bottom = None
    for line in lines:
        top, bottom = min(i[0] for i in line), max(i[1] for i in line)
        if previous_bottom is not None:
            out.append("\n\n" if top - previous_bottom > bottom - top else "\n")
        out.append(" ".join(i[3] for i in sorted(line, key=lambda i: i[2]) if i[3]))
        previous_bottom = bottom
    return "".join(out)
