"""Text detection's input is built by table lookup (``ocr_inputs``): the very array RapidOCR's own
preprocessing makes from a rendered page, bit for bit, so OCR reads exactly what it read before."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2
from rapidocr.ch_ppocr_det.utils import DetPreProcess

from ragbox.ingest.ocr import RapidPageOcr
from ragbox.ingest.ocr_inputs import LookupPreProcess

from support import SAMPLE_DOCS


def rendered_page() -> np.ndarray:
    document = pypdfium2.PdfDocument(str(SAMPLE_DOCS / "contracts" / "services_agreement_acme_globex.pdf"))
    gray = document[0].render(scale=200 / 72, grayscale=True).to_numpy()
    document.close()
    return cv2.cvtColor(gray[:, :, 0] if gray.ndim == 3 else gray, cv2.COLOR_GRAY2BGR)  # as RapidOCR loads it


def test_the_looked_up_input_is_rapidocrs_own_bit_for_bit() -> None:
    page = rendered_page()
    for side, mean, std in ((1280, None, None), (704, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])):
        own = DetPreProcess(side, "max", mean, std)
        expected, looked_up = own(page), LookupPreProcess(own)(page)
        assert looked_up.dtype == expected.dtype == np.float32 and looked_up.shape == expected.shape
        assert np.array_equal(looked_up, expected)
    own = DetPreProcess(1280, "max")
    assert np.array_equal(LookupPreProcess(own)(page.astype(np.float32)), own(page.astype(np.float32)))  # not 8-bit


def test_the_ocr_engine_detects_on_the_looked_up_input(tmp_path) -> None:
    engine = RapidPageOcr(model_folder=tmp_path)._load()
    engine.text_det.limit_side_len = 960
    preprocess = engine.text_det.get_preprocess()
    assert isinstance(preprocess, LookupPreProcess) and preprocess.original.limit_side_len == 960
