"""Pooling, forward and backward: each window of each map summarised by one number (max,
average, min or sum); and global pooling.

A batch ``x`` is ``(N, C, H, W)``.  A window is ``kh x kw`` pixels taken every
``(sh, sw)`` pixels; by default the stride is the window's own size on each axis
(as PyTorch), so the windows tile the maps.  Per axis ``n_out = floor((n - f) / s) + 1``.

The forward pass copies the windows tap-major, ``(kh kw, N, C, H_out, W_out)``, where
``[i kw + j]`` holds the pixel under window position ``(i, j)`` of every window:
reducing over the first axis then runs over contiguous memory, much faster than over
a window's own axes.  The backward pass gives each window's gradient back to its
pixels with :func:`engine.conv.fold`: max (min) pooling to the pixel that was the
maximum (minimum), average pooling evenly, sum pooling to every pixel in full.
"""

from __future__ import annotations

import numpy as np

from .conv import ConvShapeError, fold, output_size
from .validation import check_array, check_pair

REDUCERS = {"max": np.max, "average": np.mean, "min": np.min, "sum": np.sum}


def taps(x: np.ndarray, size: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """The windows of ``x (N, C, H, W)``, copied tap-major: ``(kh kw, N, C, H_out, W_out)``."""
    (kh, kw), (sh, sw) = size, stride
    ho, wo = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    return np.stack([x[:, :, i : i + sh * ho : sh, j : j + sw * wo : sw] for i in range(kh) for j in range(kw)])


def pool_forward(x: np.ndarray, size=(2, 2), stride=(2, 2), mode: str = "max"):
    """Pool ``x (N, C, H, W)`` over ``size = (kh, kw)`` windows every ``stride = (sh, sw)`` pixels.
    Returns ``(out, cache)``."""
    t = taps(x, size, stride)
    out = REDUCERS[mode](t, axis=0)
    return out, (x.shape, size, stride, mode, t, out)


def pool_backward(dout: np.ndarray, cache) -> np.ndarray:
    """Given dL/dout ``(N, C, H_out, W_out)``, return dL/dx ``(N, C, H, W)``."""
    (N, C, H, W), (kh, kw), stride, mode, t, out = cache
    if mode in ("max", "min"):
        per_tap = _chosen(t, out) * dout
    else:
        per_tap = np.broadcast_to(dout / (kh * kw) if mode == "average" else dout, t.shape)
    per_tap = per_tap.reshape(kh, kw, N * C, *dout.shape[2:], 1)
    return fold(per_tap, (N * C, H, W, 1), stride).reshape(N, C, H, W)


def _chosen(t: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Which pixel of each window takes its gradient, as PyTorch's max_pool2d: the first one
    equal to the window's result, and in a window holding NaN (its result is NaN) the last NaN."""
    chosen = t == out
    for q in range(1, len(t)):
        chosen[q] &= ~chosen[:q].any(axis=0)
    nan = np.isnan(out)
    if nan.any():
        last = np.isnan(t[:, nan])
        for q in range(len(last) - 1):
            last[q] &= ~last[q + 1 :].any(axis=0)
        chosen[:, nan] = last
    return chosen


# ---------------------------------------------------------------- one image, for the convolutions page
def pool2d(x, size=2, stride=None, mode="max", strict=False):
    """Pool each channel of ``x (C, H, W)`` by :func:`pool_forward`.

    ``size`` and ``stride`` are an int or a pair (height, width); ``stride`` None is ``size``.
    ``strict`` raises when the stride does not fit exactly (else the leftover pixels are dropped).

    Returns
    -------
    out : (C, H_out, W_out) with ``H_out = floor((H - kh) / sh) + 1``
    """
    x = _maps(x, mode)
    size = check_pair("size", size, 1)
    stride = size if stride is None else check_pair("stride", stride, 1)
    for n, f, s in zip(x.shape[1:], size, stride):
        output_size(n, f, 0, s, strict)
    return pool_forward(x[None], size, stride, mode)[0][0]


def pool_pixel(x, row, col, size=2, stride=None, mode="max", channel=0):
    """The window behind one output pixel ``out[channel, row, col]`` of :func:`pool2d`: returns
    ``(window (kh, kw), result, winner)``; ``winner`` is the ``(i, j)`` of the pixel that max (min)
    pooling took (the first of equals, as the backward pass gives it the gradient), None for the others."""
    x = _maps(x, mode)
    (kh, kw) = size = check_pair("size", size, 1)
    stride = size if stride is None else check_pair("stride", stride, 1)
    if not 0 <= channel < len(x):
        raise ConvShapeError(f"There is no channel {channel} in {len(x)} maps.")
    t = taps(x[None, channel : channel + 1], size, stride)[:, 0, 0]  # (kh kw, H_out, W_out)
    if not (0 <= row < t.shape[1] and 0 <= col < t.shape[2]):
        raise ConvShapeError(f"There is no pooled pixel ({channel}, {row}, {col}).")
    values = t[:, row, col]
    result = REDUCERS[mode](t, axis=0)[row, col]  # reduced as pool_forward does: the same rounding
    winner = None
    if mode in ("max", "min"):
        winner = divmod(int(np.flatnonzero(_chosen(values[:, None], np.array([result])))[0]), kw)
    return values.reshape(kh, kw), result, winner


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
