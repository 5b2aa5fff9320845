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

PAD_MODES = ("zero", "replicate")


class ConvShapeError(ValueError):
    """Sizes that do not work together; the message is meant for the user."""


def output_size(n: int, f: int, p: int = 0, s: int = 1, strict: bool = True) -> int:
    """Output length along one axis: ``(n - f + 2p) / s + 1``.

    With ``strict`` a stride that does not divide ``n - f + 2p`` raises
    :class:`ConvShapeError`; otherwise the leftover pixels are dropped (floor).
    """
    if f < 1 or s < 1 or p < 0:
        raise ConvShapeError("Filter size and stride must be at least 1 and padding at least 0.")
    span = n - f + 2 * p
    if span < 0:
        raise ConvShapeError(
            f"The {f}-pixel filter is larger than the padded input ({n} + 2·{p} = {n + 2 * p})."
        )
    if strict and span % s:
        raise ConvShapeError(
            f"Stride {s} does not fit: (n - f + 2p) / s = ({n} - {f} + 2·{p}) / {s} = {span / s:.2f} "
            f"is not a whole number. Change the stride or the padding."
        )
    return span // s + 1


def resolve_padding(padding, f: int) -> int:
    """Padding in pixels from an int, ``"valid"`` (0) or ``"same"`` ((f - 1) / 2, odd f)."""
    if padding == "valid":
        return 0
    if padding == "same":
        if f % 2 == 0:
            raise ConvShapeError("'same' padding needs an odd filter size.")
        return (f - 1) // 2
    p = int(padding)
    if p < 0:
        raise ConvShapeError("Padding must be at least 0.")
    return p


def pad(x: np.ndarray, p: int, mode: str = "zero") -> np.ndarray:
    """Pad the last two axes of ``(C, H, W)`` by ``p`` pixels with zeros or the border's values."""
    if mode not in PAD_MODES:
        raise ValueError(f"pad mode must be one of {PAD_MODES}")
    if p == 0:
        return x
    return np.pad(x, ((0, 0), (p, p), (p, p)), mode="constant" if mode == "zero" else "edge")


def _padded(x, w, stride, padding, pad_mode, strict):
    """Check shapes, pad ``x`` and work out the output size: ``(x_padded, H_out, W_out)``."""
    if x.ndim != 3 or w.ndim != 4 or w.shape[1] != x.shape[0]:
        raise ConvShapeError(
            f"Need x (C, H, W) and w (K, C, kh, kw) with the same C; got {x.shape} and {w.shape}."
        )
    kh, kw = w.shape[2:]
    p = resolve_padding(padding, kh)
    ho = output_size(x.shape[1], kh, p, stride, strict)
    wo = output_size(x.shape[2], kw, p, stride, strict)
    return pad(x, p, pad_mode), ho, wo


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
    dtype = np.result_type(np.asarray(x).dtype, np.asarray(w).dtype, np.float32)
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    xp, ho, wo = _padded(x, w, stride, padding, pad_mode, strict)
    K, C, kh, kw = w.shape
    win = sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, : ho * stride : stride, : wo * stride : stride]
    # (C, ho, wo, kh, kw) -> columns (C*kh*kw, ho*wo): one row per filter tap
    cols = win.transpose(0, 3, 4, 1, 2).reshape(C * kh * kw, ho * wo)
    out = (w.reshape(K, -1) @ cols).reshape(K, ho, wo)
    if bias is not None:
        out += np.asarray(bias, dtype=out.dtype)[:, None, None]
    if relu:
        np.maximum(out, 0, out=out)
    return out


def conv2d_naive(x, w, stride=1, padding=0, pad_mode="zero", bias=None, relu=False, strict=False):
    """Reference convolution with explicit loops (slow; for tests and for reading)."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    xp, ho, wo = _padded(x, w, stride, padding, pad_mode, strict)
    K, _, kh, kw = w.shape
    out = np.zeros((K, ho, wo))
    for k in range(K):
        for i in range(ho):
            for j in range(wo):
                patch = xp[:, i * stride : i * stride + kh, j * stride : j * stride + kw]
                out[k, i, j] = np.sum(patch * w[k]) + (0 if bias is None else bias[k])
    return np.maximum(out, 0) if relu else out
