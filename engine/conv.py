"""2-D convolution (cross-correlation, as in every deep-learning library), forward and backward.

Shapes: a batch ``x`` is ``(N, C, H, W)``, kernels ``w`` are ``(K, C, kh, kw)``, the
output is ``(N, K, H_out, W_out)`` with, per axis,

    n_out = floor((n - f + 2p) / s) + 1

(leftover pixels are dropped, as in PyTorch).  ``"same"`` padding pads ``f - 1``
pixels in all on each axis, ``(f - 1) // 2`` before and the rest after (as
PyTorch's and TensorFlow's ``padding="same"``): odd filters pad evenly, an even
filter puts its odd pixel after, and the output keeps the input's size at stride 1
(``ceil(n / s)`` at stride ``s``).

The forward pass is im2col: every window becomes a column, then one matrix
product ``W (K, C kh kw) @ cols``.  The backward pass is two more products and a
*fold* (col2im): each column's gradient is added back onto the pixels its window
covered.  Product and fold together convolve ``dout`` with the flipped kernels,
which is why "the backward pass of a convolution is a convolution".

:func:`conv2d` runs the same forward pass on one image ``(C, H, W)`` for the
convolutions page; :func:`conv2d_naive` and :func:`conv_backward_naive` spell the
sums out in loops: the references the tests hold the fast paths to.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .validation import check_array, check_number, check_pair

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
    before, after = (check_number("padding", q, 0, integer=True) for q in (p if isinstance(p, tuple) else (p, p)))
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


def conv_padding(padding, kh: int, kw: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Pixels ``((top, bottom), (left, right))`` from an int, a pair (height, width), ``"valid"``
    (none) or ``"same"`` (``f - 1`` per axis, the odd pixel after)."""
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(
                f"padding must be a whole number, a pair (height, width), 'valid' or 'same'; got {padding!r}."
            )
        if padding == "valid":
            return (0, 0), (0, 0)
        return ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)
    ph, pw = check_pair("padding", padding, 0)
    return (ph, ph), (pw, pw)


def resolve_padding(padding, f: int) -> int:
    """The one ``p`` of the formula for an ``f x f`` filter (the page shows it); an even filter's
    ``"same"`` padding has none, so it is refused."""
    (before, after), _ = conv_padding(padding, f, f)
    if before != after:
        raise ConvShapeError(
            f"'same' padding with a {f}-pixel filter pads {before} pixel(s) before and {after} after; "
            "there is no single p."
        )
    return before


def pad(x: np.ndarray, p, mode: str = "zero") -> np.ndarray:
    """Pad the last two axes by ``p`` pixels (or ``((top, bottom), (left, right))``); ``"replicate"``
    repeats the border pixels outward."""
    if mode not in PAD_MODES:
        raise ValueError(f"pad mode must be one of {PAD_MODES}; got {mode!r}.")
    rows, cols = ((p, p), (p, p)) if not isinstance(p, tuple) else p
    if rows == cols == (0, 0):
        return x
    widths = ((0, 0),) * (x.ndim - 2) + (rows, cols)
    return np.pad(x, widths, mode="constant" if mode == "zero" else "edge")


def windows(x: np.ndarray, kh: int, kw: int, stride: tuple[int, int]) -> np.ndarray:
    """Every ``kh x kw`` window of ``(A, B, H, W)`` taken every ``stride = (sh, sw)`` pixels, as a
    view ``(A, B, H_out, W_out, kh, kw)`` (no copy)."""
    (sh, sw), (H, W) = stride, x.shape[2:]
    ho, wo = (H - kh) // sh + 1, (W - kw) // sw + 1
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, : ho * sh : sh, : wo * sw : sw]


def fold(per_tap: np.ndarray, shape: tuple, stride: tuple[int, int]) -> np.ndarray:
    """The adjoint of taking windows: add every window's values back onto its pixels.

    ``per_tap`` is ``(kh, kw, A, H_out, W_out, B)``: for each kernel position ``(i, j)``, the
    value every window gives the pixel under that position.  Returns ``(A, H, W, B)``.
    A loop over the ``kh kw`` kernel positions, each one vectorised addition; with the
    batch as ``B``, innermost, each addition runs over long contiguous rows.
    """
    kh, kw, _, ho, wo, _ = per_tap.shape
    sh, sw = stride
    out = np.zeros(shape, dtype=per_tap.dtype)
    overlap = sh < kh or sw < kw
    for i in range(kh):
        for j in range(kw):
            pixels = out[:, i : i + sh * ho : sh, j : j + sw * wo : sw]
            if overlap:
                pixels += per_tap[i, j]
            else:  # each pixel under one window only: assigning is several times faster than adding
                pixels[...] = per_tap[i, j]
    return out


def conv_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride=(1, 1), pad=((0, 0), (0, 0))):
    """Convolve ``x (N, C, H, W)`` with ``w (K, C, kh, kw)``, add ``b (K,)`` (None: no bias).

    ``stride`` is ``(sh, sw)``, ``pad`` is ``((top, bottom), (left, right))`` zero pixels.
    Returns ``(out, cache)``.
    """
    K, C, kh, kw = w.shape
    (top, bottom), (left, right) = pad
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right))) if top or bottom or left or right else x
    win = windows(xp, kh, kw, stride)  # (N, C, ho, wo, kh, kw)
    N, _, ho, wo = win.shape[:4]
    # im2col: one column per window, rows ordered like w.reshape(K, -1): (C, kh, kw)
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(C * kh * kw, N * ho * wo)
    out = (w.reshape(K, -1) @ cols).reshape(K, N, ho, wo)
    if b is not None:
        out += b[:, None, None, None]
    return out.transpose(1, 0, 2, 3), (x.shape, xp.shape, cols, w, stride, pad)


def conv_backward(dout: np.ndarray, cache, need_dx: bool = True):
    """Given dL/dout ``(N, K, H_out, W_out)``, return ``(dx, dw, db)`` (dx None without ``need_dx``)."""
    x_shape, xp_shape, cols, w, stride, ((top, _), (left, _)) = cache
    K, C, kh, kw = w.shape
    N, _, ho, wo = dout.shape
    d = dout.transpose(1, 0, 2, 3).reshape(K, -1)  # (K, N ho wo), columns in the order of cols
    dw = (d @ cols.T).reshape(w.shape)
    db = d.sum(axis=1)
    if not need_dx:
        return None, dw, db
    # what each window passes back to its pixels, (C kh kw) x (ho wo N): the batch innermost
    # makes the fold's additions run over long rows
    dcols = w.reshape(K, -1).T @ dout.transpose(1, 2, 3, 0).reshape(K, -1)
    per_tap = dcols.reshape(C, kh, kw, ho, wo, N).transpose(1, 2, 0, 3, 4, 5)
    dxp = fold(per_tap, (C, *xp_shape[2:], N), stride).transpose(3, 0, 1, 2)
    return dxp[:, :, top : top + x_shape[2], left : left + x_shape[3]], dw, db


# ---------------------------------------------------------------- one image, for the convolutions page
def conv2d(x, w, stride=1, padding=0, pad_mode="zero", bias=None, relu=False, strict=False):
    """Convolve one image by :func:`conv_forward`.

    Parameters
    ----------
    x : (C, H, W); w : (K, C, kh, kw); stride : int or (sh, sw)
    padding : int, (ph, pw), "valid" or "same"; pad_mode : "zero" or "replicate"
    bias : (K,) or None; relu : apply max(0, .) to the output
    strict : raise when the stride does not fit exactly (else floor, like PyTorch)

    Returns
    -------
    out : (K, H_out, W_out), float32 for float32 (or integer) input, else float64
    """
    xp, w, b, stride = _checked(x, w, stride, padding, pad_mode, bias, strict)
    dtype = np.result_type(xp.dtype, w.dtype, np.float32)
    b = None if b is None else b.astype(dtype)
    out = conv_forward(xp[None].astype(dtype, copy=False), w.astype(dtype, copy=False), b, stride)[0][0]
    if relu:
        np.maximum(out, 0, out=out)
    return out


def conv_pixel(x, w, row, col, stride=1, padding=0, pad_mode="zero", bias=None, k=0):
    """The sum behind one output pixel ``out[k, row, col]`` of :func:`conv2d`, taken from the same
    windows its im2col reads: returns ``(window, kernel, products, total)``, the first three
    ``(C, kh, kw)`` in conv2d's precision and ``total`` their sum plus ``bias[k]`` (before any ReLU)."""
    xp, w, b, stride = _checked(x, w, stride, padding, pad_mode, bias, False)
    K, _, kh, kw = w.shape
    ho, wo = ((n - f) // s + 1 for n, f, s in zip(xp.shape[1:], (kh, kw), stride))
    if not (0 <= k < K and 0 <= row < ho and 0 <= col < wo):
        raise ConvShapeError(f"There is no output pixel ({k}, {row}, {col}) in a {K} x {ho} x {wo} output.")
    dtype = np.result_type(xp.dtype, w.dtype, np.float32)
    window = windows(xp[None], kh, kw, stride)[0, :, row, col].astype(dtype)
    kernel = w[k].astype(dtype)
    products = window * kernel
    return window, kernel, products, products.sum() + (0 if b is None else b[k].astype(dtype))


def _checked(x, w, stride, padding, pad_mode, bias, strict):
    """Check one image's convolution arguments: ``(x_padded, w, bias, (sh, sw))``."""
    x = check_array("x", x, 3, "(C, H, W)")
    w = check_array("w", w, 4, "(K, C, kh, kw)")
    if w.shape[1] != x.shape[0]:
        raise ConvShapeError(
            f"Need x (C, H, W) and w (K, C, kh, kw) with the same C; got {x.shape} and {w.shape}."
        )
    if pad_mode not in PAD_MODES:
        raise ValueError(f"pad_mode must be one of {PAD_MODES}; got {pad_mode!r}.")
    stride = check_pair("stride", stride, 1)
    pads = conv_padding(padding, *w.shape[2:])
    for n, f, p, s in zip(x.shape[1:], w.shape[2:], pads, stride):
        output_size(n, f, p, s, strict)
    if bias is not None:
        bias = check_array("bias", bias, 1, "(K,)")
        if len(bias) != len(w):
            raise ConvShapeError(f"bias needs one value per filter: {len(w)}; got {len(bias)}.")
    return pad(x, pads, pad_mode), w, bias, stride


# ---------------------------------------------------------------- loop references (tests, reading)
def conv2d_naive(x, w, stride=1, padding=0, pad_mode="zero", bias=None, relu=False, strict=False):
    """:func:`conv2d` with explicit loops, one output pixel at a time (slow; the reference)."""
    xp, w, b, (sh, sw) = _checked(x, w, stride, padding, pad_mode, bias, strict)
    xp, w = xp.astype(np.float64), w.astype(np.float64)
    K, _, kh, kw = w.shape
    b = np.zeros(K) if b is None else b.astype(np.float64)
    ho, wo = (xp.shape[1] - kh) // sh + 1, (xp.shape[2] - kw) // sw + 1
    out = np.zeros((K, ho, wo))
    for k in range(K):
        for i in range(ho):
            for j in range(wo):
                patch = xp[:, i * sh : i * sh + kh, j * sw : j * sw + kw]
                out[k, i, j] = np.sum(patch * w[k]) + b[k]
    return np.maximum(out, 0) if relu else out


def conv_backward_naive(dout, x, w, stride=(1, 1), pad=((0, 0), (0, 0))):
    """The same gradients as :func:`conv_backward`, one window at a time (slow; the reference)."""
    (sh, sw), ((top, bottom), (left, right)) = stride, pad
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    K, _, kh, kw = w.shape
    N, _, ho, wo = dout.shape
    for n in range(N):
        for k in range(K):
            for i in range(ho):
                for j in range(wo):
                    rows = slice(i * sh, i * sh + kh)
                    cols = slice(j * sw, j * sw + kw)
                    dw[k] += dout[n, k, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, k, i, j] * w[k]
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, top : top + x.shape[2], left : left + x.shape[3]], dw, db
