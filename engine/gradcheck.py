"""Centred finite differences (CS231n style) to check analytic gradients."""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Gradient of the scalar ``f()`` with respect to ``x`` (changed in place, then restored).

    Parameters
    ----------
    f : callable
        Takes no arguments and reads ``x``; returns a float.
    x : ndarray, any shape, float64
    h : float
        Step of the centred difference ``(f(x+h) - f(x-h)) / 2h``.  Its truncation
        error is O(h^2) (~1e-8 here) while rounding error grows as 1e-16 / h, so
        1e-4 beats the smaller 1e-5 on small gradient entries in float64.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-4
) -> np.ndarray:
    """Gradient of ``sum(f(x) * dout)`` with respect to ``x``: checks a backward pass."""
    return numerical_gradient(lambda: float(np.sum(f(x) * dout)), x, h)


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a| + |b|, tiny), elementwise."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
