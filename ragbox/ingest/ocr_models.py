"""The OCR models as ragbox runs them: the text detection model quantized to int8, built once on
this machine from the fp32 model in the ``rapidocr`` wheel (nothing is downloaded) and kept in a
folder of the index.

Detection is convolutions on a whole page image; ONNX Runtime's int8 convolutions (static
quantization: QLinearConv, per-channel weights) run it in about half the CPU time at the same
character accuracy (bench/ocr.py). Static quantization needs sample inputs to fix each
activation's range: a page of contract-like text drawn with Pillow's bundled font, so the build is
the same everywhere and needs no document. (Dynamic quantization, which needs none, turns the
convolutions into ConvInteger, which ONNX Runtime runs slower than fp32.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.offline import in_child_process
from ragbox.paths import cache_dir

CALIBRATION_TEXT = (
    "1. Term. This Agreement commences on the Effective Date and continues for three (3) years, "
    "unless terminated earlier under Section 9.2(b). The Licensee shall pay $12,500.00 within "
    "thirty days of each invoice; late payments bear interest at 1.5% per month. IN WITNESS "
    "WHEREOF, the parties have executed this AGREEMENT as of March 14, 2019 (the \"Effective Date\")."
)
PAGE_SIZE = (1654, 2339)  # A4 at 200 dpi, the rendering ragbox reads
BAND_HEIGHT = 800


def int8_model(source: Path, folder: Path, detection_scale: float, head_only: bool = False) -> Path:
    """The int8 build of the detection or recognition model ``source`` (its name says which) in
    ``folder`` (written whole or not at all: a run killed mid-build leaves no half model).
    ``head_only``: only the recogniser's last layer (``_quantize_head``). It is built once a
    machine, in the user's cache (``BUILT``), and copied into ``folder``, where a sealed OCR child
    reads it: a new index costs a copy, not the three seconds of a build."""
    import onnxruntime

    tag = hashlib.sha256(f"{source.stat().st_size}/{detection_scale}/{BAND_HEIGHT}/{onnxruntime.__version__}".encode()
                         ).hexdigest()[:8]
    # no hyphen: the OCR cache's cleanup deletes files named like cached pages (name-version-page)
    target = folder / f"{source.stem.replace('-', '_')}_int8{'head' if head_only else ''}_{tag}.onnx"
    if target.is_file():
        return target
    built = cache_dir() / BUILT / target.name
    try:
        if not built.is_file():
            _written_whole(built, lambda temporary: _build(source, temporary, detection_scale, head_only))
        _written_whole(target, lambda temporary: shutil.copyfile(built, temporary))
    except ChildProcessError as exc:  # the build's child was killed (out of memory?): no OCR this run
        raise DocumentError("Cannot build the OCR models", str(exc)) from exc
    except OSError:  # no user cache to write (a read-only home): built in the index's folder alone
        _written_whole(target, lambda temporary: _build(source, temporary, detection_scale, head_only))
    return target


BUILT = "ocr-models"  # the folder of the user cache (paths.cache_dir) the builds are kept in


def _build(source: Path, target: Path, detection_scale: float, head_only: bool) -> None:
    """In a child process: the quantiser and its calibration session peak near 600 MB, which the
    indexing process would otherwise keep for the rest of its run."""
    in_child_process(__name__, "_build_here", source, target, detection_scale, head_only)


def _build_here(source: Path, target: Path, detection_scale: float, head_only: bool) -> None:
    if head_only:
        _quantize_head(source, target)
    else:
        _quantize(source, target, detection_scale)


def _written_whole(target: Path, write) -> None:
    """``write(temporary)`` beside ``target``, then renamed to it: never half a file at ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _quantize(source: Path, target: Path, detection_scale: float) -> None:
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Samples(CalibrationDataReader):
        def __init__(self) -> None:
            self._left = iter(calibration_lines() if "_rec" in source.name else [calibration_page(detection_scale)])

        def get_next(self):
            sample = next(self._left, None)
            return None if sample is None else {"x": sample}

    prepared = target.with_suffix(".pre")
    try:
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        # QOperator: the wheel's models are opset 11, where QDQ's per-channel axis does not exist
        quantize_static(str(prepared), str(target), Samples(), quant_format=QuantFormat.QOperator,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True,
                        op_types_to_quantize=["Conv"])
    finally:
        prepared.unlink(missing_ok=True)


def _quantize_head(source: Path, target: Path) -> None:
    """The recogniser with its last MatMul (each position's features -> a score for each of its
    18,710 characters, a sixth of its time) in int8, quantized dynamically: each run scales the
    features by their own range, so no sample is needed, and the characters read are those of the
    fp32 model (99.99% of them on bench/ocr.py's lines; the int8 convolutions changed 0.1%)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.quant_utils import load_model_with_shape_infer
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = target.with_suffix(".pre")
    try:
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        model = load_model_with_shape_infer(prepared)
        weights = {w.name: w.dims for w in model.graph.initializer}
        widest = max((n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights),
                     key=lambda n: weights[n.input[1]][-1])
        quantize_dynamic(str(prepared), str(target), op_types_to_quantize=["MatMul"], nodes_to_quantize=[widest.name],
                         weight_type=QuantType.QInt8, per_channel=True)
    finally:
        prepared.unlink(missing_ok=True)


def calibration_page(detection_scale: float):
    """Lines of text as the detection model gets a page: drawn at 200 dpi, shrunk like a page is,
    normalised to [-1, 1], channels first, sides multiples of 32."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", PAGE_SIZE, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=30)
    words, y = CALIBRATION_TEXT.split(), 190
    while y < PAGE_SIZE[1] - 250:
        line: list[str] = []
        while words and draw.textlength(" ".join([*line, words[0]]), font=font) < PAGE_SIZE[0] - 400:
            line.append(words.pop(0))
        words = words or CALIBRATION_TEXT.split()
        draw.text((200, y), " ".join(line), fill=20, font=font)
        y += 52 if len(line) > 3 else 90
    # a band of the page: calibration keeps every activation of the model, a whole page's would
    # not fit in a reading child's memory cap
    page = page.crop((0, 100, PAGE_SIZE[0], 100 + BAND_HEIGHT))
    width, height = (max(32, round(side * detection_scale / 32) * 32) for side in page.size)
    pixels = np.asarray(page.resize((width, height), Image.BILINEAR), dtype=np.float32) / 127.5 - 1.0
    return np.repeat(pixels[None, None], 3, axis=1)


def calibration_lines() -> list:
    """Lines of text as the recognition model gets them: 48 pixels high, normalised to [-1, 1]."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=30)
    words, samples = CALIBRATION_TEXT.split(), []
    for start in range(0, len(words), 9):
        text = " ".join(words[start:start + 9])
        width = int(font.getlength(text)) + 40
        line = Image.new("L", (width, 72), 255)
        ImageDraw.Draw(line).text((20, 18), text, fill=20, font=font)
        line = line.resize((round(width * 48 / 72), 48), Image.BILINEAR)
        pixels = np.asarray(line, dtype=np.float32) / 127.5 - 1.0
        samples.append(np.repeat(pixels[None, None], 3, axis=1))
    return samples
