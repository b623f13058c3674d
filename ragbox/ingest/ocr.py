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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from ragbox.errors import DocumentError

RENDER_DPI = 200  # a typical scan; measured in bench/ocr.py
PAGE_SIDE = 2000  # RapidOCR shrinks a page image to this longest side before it detects and crops
DARK = 200  # a pixel darker than this (of 255) is ink: the page's content box is where it is
MARGIN = 16  # pixels kept around the content box
MODEL_FILES = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
               "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}


@dataclass(frozen=True)
class OcrSettings:
    """How a page is read; each was measured against the one before it in bench/ocr.py."""

    detection_side: int = 1280  # text is detected on the page shrunk to this (per PAGE_SIDE pixels)
    # Detected boxes are grown by this (RapidOCR's 1.6): taller boxes put a line in the recogniser's
    # 48 pixels with a little more room, so it is narrower there (less work) and read as well.
    unclip: float = 2.0
    crop: bool = True  # detect on the content box only: margins cost detection time and hold no text
    int8_detection: bool = True  # the detection model quantized to int8 (ocr_models): half its time
    int8_recognition: bool = False
    # The recogniser's last layer (each position's scores for 18,710 characters) in int8
    # (ocr_models._quantize_head); the whole recogniser in int8 read fewer characters right.
    int8_head: bool = True
    arena: bool = True  # ONNX Runtime reuses its buffers between runs (RapidOCR turns that off)
    min_line_width: int = 64  # a short line is padded to this width only (RapidOCR pads to 320)
    # Lines recognised one at a time, on one thread: a batch pads its lines to the widest, and a
    # second ONNX Runtime thread mostly waits (bench/ocr.py); pages are read in parallel instead.
    rec_batch: int = 1
    threads: int = 1
    # A line is narrowed to this share of its width before it is recognised (its height stays 48
    # pixels): recognition time grows with width. With the int8 last layer, 0.95 read bench/ocr.py's
    # pages as well (mean 0.9931, min 0.9855) in 11-15% less CPU; 0.9 and less read worse.
    line_scale: float = 0.95
    lookup_input: bool = True  # detection's input by table lookup (ocr_inputs): the same array, less CPU

    def version(self) -> str:
        """What the text read depends on, for the cache (threads do not change it)."""
        return (f"{self.detection_side}/{self.unclip}/{self.crop}/{self.int8_detection}/{self.min_line_width}/"
                f"{self.int8_recognition}" + (f"/{self.line_scale}" if self.line_scale != 1 else "")
                + ("/h8" if self.int8_head and not self.int8_recognition else ""))


# RapidOCR's own way, as ragbox ran it before these were measured: the bench's baseline.
BEFORE = OcrSettings(unclip=1.6, crop=False, int8_detection=False, arena=False, min_line_width=320,
                     int8_head=False, line_scale=1.0)
DEFAULT = OcrSettings()


class RapidPageOcr:
    """Reads PDF pages with RapidOCR; one instance is shared by a run (built on first use). The
    int8 detection model is built into ``model_folder`` (a temporary folder when None)."""

    def __init__(self, threads: int | None = None, settings: OcrSettings = DEFAULT,
                 model_folder: Path | None = None) -> None:
        self.settings = settings if threads is None else replace(settings, threads=threads)
        self.threads = self.settings.threads
        self.model_folder = Path(model_folder) if model_folder is not None else None
        self._engine = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        # A parsing worker process gets the settings only and loads its own engine.
        return {"settings": self.settings, "model_folder": self.model_folder}

    def __setstate__(self, state: dict) -> None:
        self.__init__(settings=state["settings"], model_folder=state["model_folder"])

    def _load(self):
        with self._lock:
            if self._engine is None:
                try:
                    import onnxruntime
                    import rapidocr
                    from rapidocr import RapidOCR

                    from ragbox.ingest.ocr_inputs import look_up_detection_input
                except ImportError as exc:
                    raise DocumentError("Cannot OCR", f"the OCR engine is not installed ({exc})") from exc
                onnxruntime.disable_telemetry_events()  # RapidOCR runs it; its Linux build sends usage events
                self._engine = RapidOCR(params=self._params(Path(rapidocr.__file__).parent / "models"))
                self._engine._load_det_model()  # built now: read_image sets its size page by page
                if self.settings.lookup_input:
                    look_up_detection_input(self._engine.text_det)
                if self.settings.line_scale != 1:
                    narrow_lines(self._engine._load_rec_model(), self.settings.line_scale)
            return self._engine

    def models_folder(self) -> Path:
        return self.model_folder or Path(tempfile.gettempdir()) / f"ragbox-ocr-models-{os.getuid()}"

    def build_models(self) -> None:
        """Build the int8 models now, if not built yet (before children that only read them start)."""
        try:
            import rapidocr
        except ImportError as exc:
            raise DocumentError("Cannot OCR", f"the OCR engine is not installed ({exc})") from exc
        self._params(Path(rapidocr.__file__).parent / "models")

    def _params(self, models: Path) -> dict:
        from ragbox.ingest.ocr_models import int8_model

        settings = self.settings
        params = {f"{task}.model_path": str(models / name) for task, name in MODEL_FILES.items()}
        folder = self.models_folder()
        for task, quantized in (("Det", settings.int8_detection), ("Rec", settings.int8_recognition)):
            if quantized:
                params[f"{task}.model_path"] = str(int8_model(models / MODEL_FILES[task], folder,
                                                              settings.detection_side / PAGE_SIDE))
        if settings.int8_head and not settings.int8_recognition:
            params["Rec.model_path"] = str(int8_model(models / MODEL_FILES["Rec"], folder, 1.0, head_only=True))
        params.update({
            "Global.log_level": "error",
            "Global.use_cls": False,  # pages are upright; the angle classifier costs time
            "Global.max_side_len": PAGE_SIDE,
            "Det.limit_type": "max", "Det.limit_side_len": settings.detection_side,
            "Det.unclip_ratio": settings.unclip,
            "Rec.rec_batch_num": settings.rec_batch, "Rec.rec_img_shape": [3, 48, settings.min_line_width],
            "EngineConfig.onnxruntime.intra_op_num_threads": settings.threads or -1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": settings.arena,
        })
        return params

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
                image = page.render(scale=RENDER_DPI / 72, grayscale=True).to_numpy()
                page.close()
                yield (number, *self.read_image(engine, image[:, :, 0] if image.ndim == 3 else image))
        finally:
            document.close()

    def read_image(self, engine, pixels) -> tuple[str, float | None]:
        """A grayscale page image's text and mean confidence. Only its content box is read (a
        blank page costs nothing), shrunk as RapidOCR would shrink the whole page, and text is
        detected at the same scale as on the whole page."""
        import cv2
        import numpy as np

        full_side = max(pixels.shape)
        if self.settings.crop:
            ink = pixels < DARK
            rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
            if not len(rows):
                return "", None
            pixels = pixels[max(0, rows[0] - MARGIN): rows[-1] + 1 + MARGIN,
                            max(0, columns[0] - MARGIN): columns[-1] + 1 + MARGIN]
        shrink = min(1.0, PAGE_SIDE / full_side)
        if shrink < 1:
            size = (max(1, round(pixels.shape[1] * shrink)), max(1, round(pixels.shape[0] * shrink)))
            pixels = cv2.resize(pixels, size)
        engine.text_det.limit_side_len = max(32, round(max(pixels.shape) * self.settings.detection_side / PAGE_SIDE))
        result = engine(np.ascontiguousarray(pixels))
        scores = [float(score) for score in (result.scores or ())]
        return page_text(result.boxes, result.txts), (sum(scores) / len(scores) if scores else None)


def narrow_lines(recognizer, scale: float) -> None:
    """Make RapidOCR's recogniser narrow each line image to ``scale`` of its width before its
    own resizing to 48 pixels high and padding (the padded width shrinks with it)."""
    import cv2

    resize = recognizer.resize_norm_img
    shortest = recognizer.rec_image_shape[2] / recognizer.rec_image_shape[1]

    def narrowed(image, max_wh_ratio: float):
        width = max(1, round(image.shape[1] * scale))
        return resize(cv2.resize(image, (width, image.shape[0]), interpolation=cv2.INTER_AREA),
                      max(shortest, max_wh_ratio * scale))

    recognizer.resize_norm_img = narrowed


class CachedPageOcr:
    """OCR text kept by content in a folder: a page is read once. Re-chunking after a settings
    change, moving a scan, or opening an OCR'd passage in the app then costs no OCR, and the
    passage view shows exactly the text that was indexed."""

    def __init__(self, ocr, folder: Path) -> None:
        self.ocr = ocr
        self.folder = Path(folder)
        # the same page read with other settings or models is another entry
        settings = getattr(ocr, "settings", DEFAULT)
        self.version = hashlib.sha256(f"{RENDER_DPI}/{settings.version()}/{sorted(MODEL_FILES.items())}".encode()
                                      ).hexdigest()[:8]

    # In a reader child: where new pages go instead of the folder (``loaders.ocr_handoff``: ragbox
    # files them), called as sink(digest, data, number, text, score).
    sink = None

    @staticmethod
    def digest(data: bytes) -> str:
        """What a scan is known by here (before ``_file_name``)."""
        return hashlib.sha256(data).hexdigest()[:32]

    def pdf_pages(self, data: bytes, numbers: Iterable[int]) -> Iterator[tuple[int, str, float | None]]:
        """Each page in the order given, except that a page read now is given the moment it is
        read (pages read in parallel come back in any order)."""
        digest = self.digest(data)
        numbers = list(numbers)
        missing = [number for number in numbers if not self._path(digest, number).is_file()]
        read = self.ocr.pdf_pages(data, missing) if missing else iter(())
        given: set[int] = set()
        for number in numbers:
            path = self._path(digest, number)
            if number not in missing:
                yield number, self._load(path), _score(self, path.with_suffix(".score"))
                continue
            while number not in given:
                found, text, *confidence = next(read)
                score = confidence[0] if confidence else None
                if self.sink is not None:  # in a reader child: ragbox files the page
                    self.sink(digest, data, found, text, score)
                else:
                    self.keep_page(digest, found, text, score)
                given.add(found)
                yield found, text, score

    def build_models(self) -> None:
        """Build the OCR engine's models now, in ragbox's own process: a sealed reader may read the
        cache but not write in it (``loaders.ocr_handoff``)."""
        self.ocr.build_models()

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
