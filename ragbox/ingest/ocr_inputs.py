"""Text detection's input made from a page image by table lookup: the very float32 array RapidOCR
makes, in a fraction of its time.

RapidOCR normalises the resized page as (pixel / 255 - mean) / std over its three channels in
float64 (its mean and std are float64 arrays), then casts to float32 and moves the channels first:
about 2% of a page's OCR CPU, and 8 bytes a value of temporaries. A pixel has 256 values, so each
channel's 256 results are computed once, by the same operations, and looked up straight into the
channels-first array.
"""

from __future__ import annotations

import numpy as np


class LookupPreProcess:
    """RapidOCR's detection preprocessing (``original``, a ``DetPreProcess``) with its
    normalisation looked up; anything but an 8-bit image of its channel count goes to it unchanged."""

    def __init__(self, original) -> None:
        self.original = original
        values = np.arange(256).astype("float32") * original.scale  # as RapidOCR scales its pixels
        mean, std = np.asarray(original.mean), np.asarray(original.std)
        self.table = ((values[None, :] - mean.reshape(-1, 1)) / std.reshape(-1, 1)).astype(np.float32)

    def __call__(self, img: np.ndarray):
        if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != len(self.table):
            return self.original(img)
        resized = self.original.resize(img)
        if resized is None:
            return None
        batch = np.empty((1, resized.shape[2], *resized.shape[:2]), dtype=np.float32)
        for channel, table in enumerate(self.table):
            np.take(table, resized[:, :, channel], out=batch[0, channel])
        return batch


def look_up_detection_input(detector) -> None:
    """Make RapidOCR's text detector build its input with ``LookupPreProcess`` (it makes its
    preprocessing at each call, with the size limit ragbox sets page by page)."""
    original = detector.get_preprocess
    detector.get_preprocess = lambda: LookupPreProcess(original())
