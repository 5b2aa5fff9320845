"""Pooling over windows of ``(C, H, W)`` maps: max, average, min or sum; and global pooling."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import ConvShapeError, output_size
from .validation import check_array, check_number

REDUCERS = {"max": np.max, "average": np.mean, "min": np.min, "sum": np.sum}


def pool2d(x, size=2, stride=None, mode="max", strict=False):
    """Pool each channel over ``size x size`` windows taken every ``stride`` pixels (default: size).

    Returns
    -------
    out : (C, H_out, W_out) with ``H_out = floor((H - size) / stride) + 1``
    """
    x = _maps(x, mode)
    size = check_number("size", size, 1, integer=True)
    stride = size if stride is None else check_number("stride", stride, 1, integer=True)
    ho = output_size(x.shape[1], size, 0, stride, strict)
    wo = output_size(x.shape[2], size, 0, stride, strict)
    win = sliding_window_view(x, (size, size), axis=(1, 2))[:, : ho * stride : stride, : wo * stride : stride]
    return REDUCERS[mode](win, axis=(-2, -1))


def global_pool(x, mode="average"):
    """One number per channel: ``(C, H, W) -> (C,)``."""
    x = _maps(x, mode)
    return REDUCERS[mode](x, axis=(1, 2))


def _maps(x, mode: str) -> np.ndarray:
    if mode not in REDUCERS:
        raise ValueError(f"mode must be one of {', '.join(REDUCERS)}; got {mode!r}.")
    x = np.asarray(x)
    if x.ndim == 2:
        raise ConvShapeError(f"Pooling needs maps (C, H, W); got one {x.shape} map: pass x[None].")
    return check_array("x", x, 3, "(C, H, W)", finite=False)
