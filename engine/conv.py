"""2-D convolution (cross-correlation, as in every deep-learning library).

Shapes: input ``x`` is ``(C, H, W)``, kernels ``w`` are ``(K, C, kh, kw)``,
the output is ``(K, H_out, W_out)`` with, per axis,

    n_out = floor((n - f + 2p) / s) + 1

``conv2d`` is the fast path (im2col: every window becomes a column, then one
matrix product); ``conv2d_naive`` is the loop it is tested against.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .validation import check_array, check_number

PAD_MODES = ("zero", "replicate")


class ConvShapeError(ValueError):
    """Sizes that do not work together; the message is meant for the user."""


def output_size(n: int, f: int, p=0, s: int = 1, strict: bool = True) -> int:
    """Output length along one axis: ``(n - f + 2p) / s + 1``.

    ``p`` is the padding on each side, or a pair ``(before, after)`` (even
    filters with ``"same"`` padding).  With ``strict`` a stride that does not
    divide ``n - f + 2p`` raises :class:`ConvShapeError`; otherwise the leftover
    pixels are dropped (floor).
    """
    n = check_number("n", n, 0, integer=True)
    f = check_number("filter size", f, 1, integer=True)
    s = check_number("stride", s, 1, integer=True)
    before, after = (p, p) if not isinstance(p, tuple) else p
    before, after = (check_number("padding", q, 0, integer=True) for q in (before, after))
    total = before + after
    span = n - f + total
    if span < 0:
        raise ConvShapeError(
            f"The {f}-pixel filter is larger than the padded input ({n} + {total} = {n + total})."
        )
    if strict and span % s:
        raise ConvShapeError(
            f"Stride {s} does not fit: (n - f + 2p) / s = ({n} - {f} + {total}) / {s} = {span / s:.2f} "
            f"is not a whole number. Change the stride or the padding."
        )
    return span // s + 1


def resolve_padding(padding, f: int) -> int:
    """Padding in pixels from an int, ``"valid"`` (0) or ``"same"`` ((f - 1) / 2, odd f)."""
    before, after = _pads(padding, f)
    if before != after:
        raise ConvShapeError(
            f"'same' padding with a {f}-pixel filter pads {before} pixel(s) before and {after} after; "
            "there is no single p."
        )
    return before


def _pads(padding, f: int) -> tuple[int, int]:
    """Pixels before and after along an axis with an ``f``-pixel filter.

    ``"same"`` pads ``f - 1`` in all, the odd pixel after (as TensorFlow does), so
    that even filters keep the size too.
    """
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be a whole number, 'valid' or 'same'; got {padding!r}.")
        return (0, 0) if padding == "valid" else ((f - 1) // 2, f // 2)
    p = check_number("padding", padding, 0, integer=True)
    return p, p


def pad(x: np.ndarray, p, mode: str = "zero") -> np.ndarray:
    """Pad the last two axes of ``(C, H, W)`` by ``p`` pixels (or ``((top, bottom), (left, right))``)."""
    if mode not in PAD_MODES:
        raise ValueError(f"pad mode must be one of {PAD_MODES}; got {mode!r}.")
    rows, cols = ((p, p), (p, p)) if not isinstance(p, tuple) else p
    if rows == cols == (0, 0):
        return x
    return np.pad(x, ((0, 0), rows, cols), mode="constant" if mode == "zero" else "edge")


def _padded(x, w, stride, padding, pad_mode, strict):
    """Check shapes, pad ``x`` and work out the output size: ``(x_padded, H_out, W_out)``."""
    x = check_array("x", x, 3, "(C, H, W)")
    w = check_array("w", w, 4, "(K, C, kh, kw)")
    if w.shape[1] != x.shape[0]:
        raise ConvShapeError(
            f"Need x (C, H, W) and w (K, C, kh, kw) with the same C; got {x.shape} and {w.shape}."
        )
    if pad_mode not in PAD_MODES:
        raise ValueError(f"pad_mode must be one of {PAD_MODES}; got {pad_mode!r}.")
    kh, kw = w.shape[2:]
    rows, cols = _pads(padding, kh), _pads(padding, kw)
    ho = output_size(x.shape[1], kh, rows, stride, strict)
    wo = output_size(x.shape[2], kw, cols, stride, strict)
    return pad(x, (rows, cols), pad_mode), ho, wo


def _bias(bias, k: int, dtype) -> np.ndarray:
    b = check_array("bias", bias, 1, "(K,)")
    if len(b) != k:
        raise ConvShapeError(f"bias needs one value per filter: {k}; got {len(b)}.")
    return b.astype(dtype)


def conv2d(x, w, stride=1, padding=0, pad_mode="zero", bias=None, relu=False, strict=False):
    """Fast convolution by im2col.

    Parameters
    ----------
    x : (C, H, W); w : (K, C, kh, kw); stride : int
    padding : int, "valid" or "same"; pad_mode : "zero" or "replicate"
    bias : (K,) or None; relu : apply max(0, .) to the output
    strict : raise when the stride does not fit exactly (else floor, like PyTorch)

    Returns
    -------
    out : (K, H_out, W_out), float32 for float32 (or integer) input, else float64
    """
    xp, ho, wo = _padded(x, w, stride, padding, pad_mode, strict)
    dtype = np.result_type(xp.dtype, np.asarray(w).dtype, np.float32)
    xp, w = xp.astype(dtype, copy=False), np.asarray(w, dtype=dtype)
    K, C, kh, kw = w.shape
    win = sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, : ho * stride : stride, : wo * stride : stride]
    # (C, ho, wo, kh, kw) -> columns (C*kh*kw, ho*wo): one row per filter tap
    cols = win.transpose(0, 3, 4, 1, 2).reshape(C * kh * kw, ho * wo)
    out = (w.reshape(K, -1) @ cols).reshape(K, ho, wo)
    if bias is not None:
        out += _bias(bias, K, out.dtype)[:, None, None]
    if relu:
        np.maximum(out, 0, out=out)
    return out


def conv2d_naive(x, w, stride=1, padding=0, pad_mode="zero", bias=None, relu=False, strict=False):
    """Reference convolution with explicit loops (slow; for tests and for reading)."""
    xp, ho, wo = _padded(x, w, stride, padding, pad_mode, strict)
    xp, w = xp.astype(np.float64), np.asarray(w, dtype=np.float64)
    K, _, kh, kw = w.shape
    b = np.zeros(K) if bias is None else _bias(bias, K, np.float64)
    out = np.zeros((K, ho, wo))
    for k in range(K):
        for i in range(ho):
            for j in range(wo):
                patch = xp[:, i * stride : i * stride + kh, j * stride : j * stride + kw]
                out[k, i, j] = np.sum(patch * w[k]) + b[k]
    return np.maximum(out, 0) if relu else out
