"""Dense layer, CS231n style: ``forward -> (out, cache)``, ``backward(dout, cache) -> grads``.

Shapes: input ``x`` is ``(N, D_in)``, weights ``W`` are ``(D_in, D_out)``,
bias ``b`` is ``(D_out,)`` and the output is ``(N, D_out)``.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray):
    """z = x W + b.  Returns ``(z, cache)``."""
    return x @ W + b, (x, W)


def dense_backward(dz: np.ndarray, cache, need_dx: bool = True):
    """Given dL/dz ``(N, D_out)``, return ``(dx, dW, db)``.

    ``need_dx=False`` skips dx (returns None): the first layer's input needs no
    gradient, and that product costs as much as the forward pass's.
    """
    x, W = cache
    return (dz @ W.T if need_dx else None), x.T @ dz, dz.sum(axis=0)


def activation_forward(z: np.ndarray, act: Activation):
    """a = f(z).  Returns ``(a, cache)``."""
    a = act.value(z)
    return a, (z, a, act)


def activation_backward(da: np.ndarray, cache) -> np.ndarray:
    """Given dL/da, return dL/dz."""
    z, a, act = cache
    return act.backward(da, z, a)
