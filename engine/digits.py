"""Make a hand-drawn or photographed digit look like an MNIST digit (NumPy only).

MNIST's recipe: white ink on black, the digit's bounding box scaled to fit
20 x 20 (aspect kept), then placed in a 28 x 28 field so that its centre of
mass sits at the centre.
"""

from __future__ import annotations

import numpy as np

from .validation import check_array, check_number


class BlankDigitError(ValueError):
    """Nothing drawn (no ink found); the message is meant for the user."""


def to_gray(img: np.ndarray) -> np.ndarray:
    """``(H, W)``, ``(H, W, 3)`` or ``(H, W, 4)`` (RGBA, transparent = background) -> ``(H, W)`` in [0, 1]."""
    a = check_array("img", img, (2, 3), "(H, W), (H, W, 3) or (H, W, 4)").astype(np.float64)
    if a.ndim == 3 and a.shape[2] not in (3, 4):
        raise ValueError(f"Expected a grey, RGB or RGBA image; got shape {a.shape}.")
    if a.max() > 1.0:
        a = a / 255.0
    if a.ndim == 2:
        return a
    gray = a[..., :3] @ np.array([0.299, 0.587, 0.114])
    if a.shape[2] == 4:  # composite on white: transparent pixels are paper
        gray = a[..., 3] * gray + (1 - a[..., 3])
    return gray


def resize(img: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resize ``(H, W)`` to ``shape``: block averaging for big reductions, then bilinear."""
    img = check_array("img", img, 2, "(H, W)").astype(np.float64)
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"shape must be a pair (height, width); got {shape!r}.")
    oh = check_number("height", shape[0], 1, 10_000, integer=True)
    ow = check_number("width", shape[1], 1, 10_000, integer=True)
    fh, fw = max(1, img.shape[0] // (2 * oh)), max(1, img.shape[1] // (2 * ow))
    if fh > 1 or fw > 1:  # average fh x fw blocks first so thin strokes are not skipped
        h, w = img.shape[0] // fh * fh, img.shape[1] // fw * fw
        img = img[:h, :w].reshape(h // fh, fh, w // fw, fw).mean(axis=(1, 3))
    H, W = img.shape
    ys = (np.arange(oh) + 0.5) * H / oh - 0.5
    xs = (np.arange(ow) + 0.5) * W / ow - 0.5
    y0 = np.clip(np.floor(ys).astype(int), 0, H - 1)
    x0 = np.clip(np.floor(xs).astype(int), 0, W - 1)
    y1, x1 = np.clip(y0 + 1, 0, H - 1), np.clip(x0 + 1, 0, W - 1)
    wy = np.clip(ys - y0, 0, 1)[:, None]
    wx = np.clip(xs - x0, 0, 1)[None, :]
    top = img[y0][:, x0] * (1 - wx) + img[y0][:, x1] * wx
    bottom = img[y1][:, x0] * (1 - wx) + img[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy


def preprocess_digit(img: np.ndarray, threshold: float = 0.2, min_ink: int = 4) -> np.ndarray:
    """Turn a drawing or photo of one digit into a ``(28, 28)`` MNIST-like array in [0, 1].

    Dark ink on light paper is inverted (MNIST is white on black).

    Raises
    ------
    BlankDigitError
        If fewer than ``min_ink`` pixels look like ink.
    """
    threshold = check_number("threshold", threshold, 0, 1)
    min_ink = check_number("min_ink", min_ink, 1, integer=True)
    g = to_gray(img)
    border = np.r_[g[0], g[-1], g[:, 0], g[:, -1]]
    if np.median(border) > 0.5:  # light background: invert so ink is bright
        g = 1.0 - g
    g = np.clip(g - np.median(border if np.median(border) <= 0.5 else 1 - border), 0, None)
    if g.max() > 0:
        g = g / g.max()
    ink = g > threshold
    if ink.sum() < min_ink:
        raise BlankDigitError("Draw a digit first: the canvas looks empty.")
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    box = g[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = box.shape
    scale = 20.0 / max(h, w)
    small = np.clip(resize(box, (max(1, round(h * scale)), max(1, round(w * scale)))), 0, 1)
    out = np.zeros((28, 28))
    sh, sw = small.shape
    top, left = (28 - sh) // 2, (28 - sw) // 2
    out[top : top + sh, left : left + sw] = small
    # shift so the centre of mass is at the centre (13.5, 13.5), staying inside the field
    yy, xx = np.mgrid[0:28, 0:28]
    mass = out.sum()
    dy = int(round(13.5 - (yy * out).sum() / mass))
    dx = int(round(13.5 - (xx * out).sum() / mass))
    dy = int(np.clip(dy, -top, 28 - (top + sh)))
    dx = int(np.clip(dx, -left, 28 - (left + sw)))
    return np.roll(out, (dy, dx), axis=(0, 1))
