"""Pooling over windows of ``(C, H, W)`` maps: max, average, min or sum; and global pooling."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import output_size

REDUCERS = {"max": np.max, "average": np.mean, "min": np.min, "sum": np.sum}


def pool2d(x, size=2, stride=None, mode="max", strict=False):
    """Pool each channel over ``size x size`` windows taken every ``stride`` pixels (default: size).

    Returns
    -------
    out : (C, H_out, W_out) with ``H_out = floor((H - size) / stride) + 1``
    """
    if mode not in REDUCERS:
        raise ValueError(f"mode must be one of {', '.join(REDUCERS)}")
    x = np.asarray(x)
    stride = stride or size
    ho = output_size(x.shape[1], size, 0, stride, strict)
    wo = output_size(x.shape[2], size, 0, stride, strict)
    win = sliding_window_view(x, (size, size), axis=(1, 2))[:, : ho * stride : stride, : wo * stride : stride]
    return REDUCERS[mode](win, axis=(-2, -1))


def global_pool(x, mode="average"):
    """One number per channel: ``(C, H, W) -> (C,)``."""
    if mode not in REDUCERS:
        raise ValueError(f"mode must be one of {', '.join(REDUCERS)}")
    return REDUCERS[mode](np.asarray(x), axis=(1, 2))
