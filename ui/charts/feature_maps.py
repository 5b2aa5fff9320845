"""Convolutions of a learner's image on the convolutions page, within the per-action budget.

A direct ``conv2d`` holds im2col's columns for the whole image at once: at a working size of 512 px,
a second layer of 16 filters over 100 ReLU'd maps is (900, 262144) float64, 1.9 GB.  Here the same
sums are taken a band of output rows at a time (``ui.shell.cost``), and of the feature maps only what
the page shows is kept: the grid's tiles (every k-th pixel, as ``charts.images.downsample`` picks
them) and each second-layer map's peak (a map whose peak is at most 0 is dead).  The random banks
({-1, 0, 1}) work in float32, half the memory and time of float64, on an image that is float32 already.
"""

from __future__ import annotations

import math

import numpy as np

from engine.conv import conv2d, pad, resolve_padding
from ui.charts.images import TILE_PX
from ui.shell.cost import BAND, band_rows


def conv_bands(x, w, stride=1, padding=0, pad_mode="zero", relu=False, budget=BAND) -> np.ndarray:
    """``conv2d(x, w, stride, padding, pad_mode, relu=relu)`` (odd filters), a band of output rows at a
    time: the same values, with im2col's columns for one band only."""
    K, C, kh, kw = w.shape
    xp = pad(x, resolve_padding(padding, kh), pad_mode)
    ho, wo = (xp.shape[1] - kh) // stride + 1, (xp.shape[2] - kw) // stride + 1
    dtype = np.result_type(xp.dtype, w.dtype, np.float32)
    rows = band_rows((C * kh * kw + 2 * K) * max(wo, 1) * dtype.itemsize * 5 // 4, ho, "working size", budget)
    out = np.empty((K, max(ho, 0), max(wo, 0)), dtype)
    for i in range(0, ho, rows):
        j = min(ho, i + rows)
        out[:, i:j] = conv2d(xp[:, i * stride : (j - 1) * stride + kh], w, stride=stride, relu=relu)
    return out


def feature_maps(x, bank, bank2=None, tile=TILE_PX, budget=BAND):
    """The page's feature-map grids: ``bank`` on ``x`` ("same" zero padding, ReLU when ``bank2`` follows)
    and ``bank2`` on those maps (the same, ReLU), 3 x 3 filters.

    Returns ``(first, second, peaks)``: the first layer's maps and the second's at tile resolution, as
    ``downsample(maps, tile)`` would show them, and each second-layer map's largest value (None, None
    without ``bank2``).
    """
    C, H, W = x.shape
    step = math.ceil(max(H, W) / tile)
    xp = pad(np.asarray(x, np.float32), 1)
    bank = np.asarray(bank, np.float32)
    first = conv2d(xp, bank, stride=step, relu=bank2 is not None)  # the shown pixels only
    if bank2 is None:
        return first, None, None
    bank2 = np.asarray(bank2, np.float32)
    K, K2 = len(bank), len(bank2)
    # a row of output holds layer 2's columns and output, the layer-1 band (and its padded copy) and its
    # columns, float32; a quarter more was measured (the allocator's rounding, NumPy's temporaries)
    per_row = (9 * K + 2 * K2 + 2 * K + 9 * C) * W * 4 * 5 // 4
    rows = band_rows(per_row, H, "working size or the number of filters", budget)
    shown, peaks = [], np.full(K2, -np.inf)
    for r0 in range(0, H, rows):
        r1 = min(H, r0 + rows)
        a, b = max(0, r0 - 1), min(H, r1 + 1)  # the layer-1 rows the band's 3 x 3 windows reach
        maps = conv2d(xp[:, a : b + 2], bank, relu=True)
        maps = np.pad(maps, ((0, 0), (a - r0 + 1, r1 + 1 - b), (1, 1)))  # zeros past the image: 'same'
        out = conv2d(maps, bank2, relu=True)
        peaks = np.maximum(peaks, out.max(axis=(1, 2)))
        shown.append(out[:, -r0 % step :: step, ::step])
    return first, np.concatenate(shown, axis=1), peaks
