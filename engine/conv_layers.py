"""Convolution and pooling layers for batches of images ``(N, C, H, W)``: thin wrappers that keep
the cache of :mod:`engine.conv`'s and :mod:`engine.pooling`'s forward passes on ``self`` (the
convolutions page runs the same functions on one image).
"""

from __future__ import annotations

import numpy as np

from .conv import conv_backward, conv_forward, conv_padding, output_size
from .init import SCHEMES, init_layer
from .layers import Layer, param
from .pooling import pool_backward, pool_forward
from .validation import check_choice, check_number, check_pair


class Conv2D(Layer):
    """``filters`` kernels of ``kernel_size`` (int or (kh, kw)) over all input channels.

    ``stride``: int or (sh, sw).  ``padding``: int, (ph, pw), "valid" or "same" (``f - 1`` pixels
    per axis, the odd one after: keeps the size at stride 1; see :mod:`engine.conv`).
    ``init`` None uses the model's scheme, with fan-in ``C kh kw`` and fan-out ``K kh kw``.
    """

    def __init__(self, filters, kernel_size=3, stride=1, padding=0, init=None):
        self.filters = filters
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.init = init
        self.check()

    def check(self):
        """``(K, kh, kw, stride, padding)`` of checked settings."""
        K = check_number("filters", self.filters, 1, integer=True)
        kh, kw = check_pair("kernel_size", self.kernel_size, 1)
        stride = check_pair("stride", self.stride, 1)
        if self.init is not None:
            check_choice("init", self.init, SCHEMES)
        return K, kh, kw, stride, conv_padding(self.padding, kh, kw)

    def _geometry(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"Conv2D needs image inputs (C, H, W); got {tuple(input_shape)}.")
        K, kh, kw, stride, pad = self.check()
        _, H, W = input_shape
        ho, wo = (output_size(n, f, p, s, strict=False) for n, f, p, s in zip((H, W), (kh, kw), pad, stride))
        return K, kh, kw, stride, pad, (K, ho, wo)

    def output_shape(self, input_shape):
        return self._geometry(input_shape)[-1]

    def row_floats(self, input_shape):
        K, kh, kw, _, _, (_, ho, wo) = self._geometry(input_shape)
        return ho * wo * (input_shape[0] * kh * kw + K)  # im2col columns + output

    def param_count(self, input_shape):
        K, kh, kw, *_ = self._geometry(input_shape)
        return K * (input_shape[0] * kh * kw + 1)

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
        if getattr(x, "shape", ())[1:] != self.input_shape:
            self._refuse_input(x)
        out, self.cache = conv_forward(x, *self.params, self._stride, self._pad)
        return out

    def backward(self, dout, need_dx=True):
        dx, dW, db = conv_backward(dout, self._forward_cache(), need_dx)
        self.grads = [dW, db]
        return dx


# ---------------------------------------------------------------- pooling
class _Pool2D(Layer):
    mode: str  # one of engine.pooling.REDUCERS

    def __init__(self, size=2, stride=None):
        self.size = size
        self.stride = stride
        self.check()

    def check(self):
        """``(size, stride)`` of checked settings."""
        size = check_pair("size", self.size, 1)
        return size, size if self.stride is None else check_pair("stride", self.stride, 1)

    def _geometry(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{type(self).__name__} needs image inputs (C, H, W); got {tuple(input_shape)}.")
        size, stride = self.check()
        C, H, W = input_shape
        ho, wo = (output_size(n, f, 0, s, strict=False) for n, f, s in zip((H, W), size, stride))
        return size, stride, (C, ho, wo)

    def output_shape(self, input_shape):
        return self._geometry(input_shape)[-1]

    def build(self, input_shape, rng=None, dtype=np.float64, init="xavier"):
        self._size, self._stride, _ = self._geometry(input_shape)
        return super().build(input_shape)

    def forward(self, x, training=False):
        if getattr(x, "shape", ())[1:] != self.input_shape:
            self._refuse_input(x)
        out, self.cache = pool_forward(x, self._size, self._stride, self.mode)
        return out

    def backward(self, dout, need_dx=True):
        return pool_backward(dout, self._forward_cache()) if need_dx else None


class MaxPool2D(_Pool2D):
    """Max over ``size`` windows (int or (kh, kw)) every ``stride`` pixels (default: the window's
    size on each axis).  A window holding NaN gives NaN and its gradient to that NaN, as PyTorch."""

    mode = "max"


class AvgPool2D(_Pool2D):
    """Mean over ``size`` windows (int or (kh, kw)) every ``stride`` pixels (default: the window's
    size on each axis)."""

    mode = "average"
