"""Convolution and pooling layers for batches of images, forward and backward.

A batch ``x`` is ``(N, C, H, W)``; kernels ``w`` are ``(K, C, kh, kw)``.  Per axis
the output size is ``floor((n + 2p - f) / s) + 1`` (leftover pixels are dropped,
as in PyTorch).

The forward convolution is :mod:`engine.conv`'s im2col for a whole batch: every
window becomes a column, then one matrix product ``W (K, C kh kw) @ cols``.  Its
backward pass is two more products and a *fold* (col2im): each column's gradient
is added back onto the pixels its window covered.  Product and fold together
convolve ``dout`` with the flipped kernels, which is why "the backward pass of a
convolution is a convolution".  ``conv_backward_naive`` spells the same sums out
in loops; the tests check the fast path against it.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import ConvShapeError, output_size
from .init import init_layer
from .layers import Layer, param
from .validation import check_number


def _pair(name, value) -> tuple[int, int]:
    """An int or a pair of ints (height, width), each >= 1."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair (height, width); got {value!r}.")
    return tuple(check_number(name, v, 1, integer=True) for v in pair)


def conv_padding(padding, kh: int, kw: int) -> tuple[int, int]:
    """Padding per axis from an int, a pair, ``"valid"`` (0) or ``"same"`` ((f - 1) / 2 for each axis)."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        if kh % 2 == 0 or kw % 2 == 0:
            raise ConvShapeError(f"'same' padding needs odd kernel sizes; got {kh}x{kw}.")
        return (kh - 1) // 2, (kw - 1) // 2
    if isinstance(padding, str):
        raise ValueError(f"padding must be an int, 'valid' or 'same'; got {padding!r}.")
    pair = tuple(padding) if isinstance(padding, (tuple, list)) else (padding, padding)
    if len(pair) != 2:
        raise ValueError(f"padding must be an int or a pair (height, width); got {padding!r}.")
    return tuple(check_number("padding", p, 0, integer=True) for p in pair)


def windows(x: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """Every ``kh x kw`` window of ``(A, B, H, W)`` taken every ``stride`` pixels, as a view
    ``(A, B, H_out, W_out, kh, kw)`` (no copy)."""
    ho, wo = (x.shape[2] - kh) // stride + 1, (x.shape[3] - kw) // stride + 1
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, : ho * stride : stride, : wo * stride : stride]


def stack_taps(x: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """The same windows as :func:`windows`, copied tap-major: ``(kh kw, A, B, H_out, W_out)``, where
    ``[i kw + j]`` holds the pixel under kernel position ``(i, j)`` of every window.  Reducing
    over the first axis then runs over contiguous memory, much faster than over the last."""
    ho, wo = (x.shape[2] - kh) // stride + 1, (x.shape[3] - kw) // stride + 1
    return np.stack([x[:, :, i : i + stride * ho : stride, j : j + stride * wo : stride]
                     for i in range(kh) for j in range(kw)])


def fold(per_tap: np.ndarray, shape: tuple, stride: int) -> np.ndarray:
    """The adjoint of taking windows: add every window's values back onto its pixels.

    ``per_tap`` is ``(kh, kw, A, H_out, W_out, B)``: for each kernel position ``(i, j)``, the
    value every window gives the pixel under that position.  Returns ``(A, H, W, B)``.
    A loop over the ``kh kw`` kernel positions, each one vectorised addition; with the
    batch as ``B``, innermost, each addition runs over long contiguous rows.
    """
    kh, kw, _, ho, wo, _ = per_tap.shape
    out = np.zeros(shape, dtype=per_tap.dtype)
    overlap = stride < kh or stride < kw
    for i in range(kh):
        for j in range(kw):
            pixels = out[:, i : i + stride * ho : stride, j : j + stride * wo : stride]
            if overlap:
                pixels += per_tap[i, j]
            else:  # each pixel under one window only: assigning is several times faster than adding
                pixels[...] = per_tap[i, j]
    return out


# ------------------------------------------------------------ convolution
def conv_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, pad=(0, 0)):
    """Convolve ``x (N, C, H, W)`` with ``w (K, C, kh, kw)``, add ``b (K,)``.  Returns ``(out, cache)``."""
    K, C, kh, kw = w.shape
    ph, pw = pad
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
    win = windows(xp, kh, kw, stride)  # (N, C, ho, wo, kh, kw)
    N, _, ho, wo = win.shape[:4]
    # im2col: one column per window, rows ordered like w.reshape(K, -1): (C, kh, kw)
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(C * kh * kw, N * ho * wo)
    out = (w.reshape(K, -1) @ cols).reshape(K, N, ho, wo) + b[:, None, None, None]
    return out.transpose(1, 0, 2, 3), (x.shape, xp.shape, cols, w, stride, pad)


def conv_backward(dout: np.ndarray, cache, need_dx: bool = True):
    """Given dL/dout ``(N, K, H_out, W_out)``, return ``(dx, dw, db)`` (dx None without ``need_dx``)."""
    x_shape, xp_shape, cols, w, stride, (ph, pw) = cache
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
    return dxp[:, :, ph : ph + x_shape[2], pw : pw + x_shape[3]], dw, db


def conv_backward_naive(dout, x, w, stride=1, pad=(0, 0)):
    """The same gradients as :func:`conv_backward`, one window at a time (slow; the reference)."""
    ph, pw = pad
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    K, _, kh, kw = w.shape
    N, _, ho, wo = dout.shape
    for n in range(N):
        for k in range(K):
            for i in range(ho):
                for j in range(wo):
                    rows = slice(i * stride, i * stride + kh)
                    cols = slice(j * stride, j * stride + kw)
                    dw[k] += dout[n, k, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, k, i, j] * w[k]
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]], dw, db


class Conv2D(Layer):
    """``filters`` kernels of ``kernel_size`` (int or (kh, kw)) over all input channels.

    ``padding``: int, (ph, pw), "valid" or "same" (odd kernels; keeps the size at stride 1).
    ``init`` None uses the model's scheme, with fan-in ``C kh kw`` and fan-out ``K kh kw``.
    """

    def __init__(self, filters, kernel_size=3, stride=1, padding=0, init=None):
        self.filters = filters
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.init = init

    def _geometry(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"Conv2D needs image inputs (C, H, W); got {tuple(input_shape)}.")
        K = check_number("filters", self.filters, 1, integer=True)
        kh, kw = _pair("kernel_size", self.kernel_size)
        s = check_number("stride", self.stride, 1, integer=True)
        ph, pw = conv_padding(self.padding, kh, kw)
        _, H, W = input_shape
        ho, wo = output_size(H, kh, ph, s, strict=False), output_size(W, kw, pw, s, strict=False)
        return K, kh, kw, s, (ph, pw), (K, ho, wo)

    def output_shape(self, input_shape):
        return self._geometry(input_shape)[-1]

    def row_floats(self, input_shape):
        K, kh, kw, _, _, (_, ho, wo) = self._geometry(input_shape)
        return ho * wo * (input_shape[0] * kh * kw + K)  # im2col columns + output

    def build(self, input_shape, rng=None, dtype=np.float64, init="xavier"):
        out = super().build(input_shape)
        K, kh, kw, self._stride, self._pad, _ = self._geometry(input_shape)
        C = input_shape[0]
        rng = np.random.default_rng(0) if rng is None else rng
        self.params = list(
            init_layer(C * kh * kw, K * kh * kw, self.init or init, rng, dtype, shape=(K, C, kh, kw), n_bias=K)
        )
        return out

    W = param(0, "kernels (K, C, kh, kw)")
    b = param(1, "biases (K,)")

    def forward(self, x, training=False):
        self._check_input(x)
        out, self.cache = conv_forward(x, *self.params, self._stride, self._pad)
        return out

    def backward(self, dout, need_dx=True):
        dx, dW, db = conv_backward(dout, self.cache, need_dx)
        self.grads = [dW, db]
        return dx


# ---------------------------------------------------------------- pooling
def maxpool_forward(x: np.ndarray, size=(2, 2), stride: int = 2):
    """Largest value of each window.  Returns ``(out, cache)``; the cache marks where each max was."""
    t = stack_taps(x, *size, stride)
    out = t.max(axis=0)
    is_max = t == out
    for q in range(1, len(t)):  # a tie gives the gradient to the first max only, as in PyTorch
        is_max[q] &= ~is_max[:q].any(axis=0)
    return out, (x.shape, is_max, size, stride)


def maxpool_backward(dout: np.ndarray, cache) -> np.ndarray:
    """Each window's gradient goes to the pixel that was its maximum; the others get 0."""
    x_shape, is_max, (kh, kw), stride = cache
    return _fold_images(is_max * dout, x_shape, kh, kw, stride)


def avgpool_forward(x: np.ndarray, size=(2, 2), stride: int = 2):
    """Mean of each window.  Returns ``(out, cache)``."""
    return stack_taps(x, *size, stride).mean(axis=0), (x.shape, size, stride)


def avgpool_backward(dout: np.ndarray, cache) -> np.ndarray:
    """Each window's gradient is spread evenly over its ``kh kw`` pixels."""
    x_shape, (kh, kw), stride = cache
    share = dout / (kh * kw)
    return _fold_images(np.broadcast_to(share, (kh * kw, *share.shape)), x_shape, kh, kw, stride)


def _fold_images(per_tap: np.ndarray, x_shape, kh, kw, stride) -> np.ndarray:
    """:func:`fold` for tap-major ``(kh kw, N, C, H_out, W_out)`` values onto ``(N, C, H, W)``."""
    N, C, H, W = x_shape
    t = per_tap.reshape(kh, kw, N * C, *per_tap.shape[-2:], 1)
    return fold(t, (N * C, H, W, 1), stride).reshape(x_shape)


class _Pool2D(Layer):
    def __init__(self, size=2, stride=None):
        self.size = size
        self.stride = stride

    def _geometry(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{type(self).__name__} needs image inputs (C, H, W); got {tuple(input_shape)}.")
        kh, kw = _pair("size", self.size)
        s = kh if self.stride is None else check_number("stride", self.stride, 1, integer=True)
        C, H, W = input_shape
        return (kh, kw), s, (C, output_size(H, kh, 0, s, strict=False), output_size(W, kw, 0, s, strict=False))

    def output_shape(self, input_shape):
        return self._geometry(input_shape)[-1]

    def build(self, input_shape, rng=None, dtype=np.float64, init="xavier"):
        self._size, self._stride, _ = self._geometry(input_shape)
        return super().build(input_shape)


class MaxPool2D(_Pool2D):
    """Max over ``size`` windows every ``stride`` pixels (default: the window's height)."""

    def forward(self, x, training=False):
        self._check_input(x)
        out, self.cache = maxpool_forward(x, self._size, self._stride)
        return out

    def backward(self, dout, need_dx=True):
        return maxpool_backward(dout, self.cache) if need_dx else None


class AvgPool2D(_Pool2D):
    """Mean over ``size`` windows every ``stride`` pixels (default: the window's height)."""

    def forward(self, x, training=False):
        self._check_input(x)
        out, self.cache = avgpool_forward(x, self._size, self._stride)
        return out

    def backward(self, dout, need_dx=True):
        return avgpool_backward(dout, self.cache) if need_dx else None
