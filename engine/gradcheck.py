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


def check_model(model, X: np.ndarray, Y: np.ndarray, per_array: int = 20, seed: int = 0, h: float = 1e-4):
    """Compare a network's backprop gradients with centred differences on a sample of entries.

    Parameters
    ----------
    model : a fitted or initialised Sequential (or MLP); X : its inputs; Y : (N, K) one-hot
    per_array : how many randomly chosen entries of each parameter array to check

    Returns
    -------
    list of (name, shape, max relative error) for W0, b0, W1, ... (``model.named_parameters()``)
    """
    rng = np.random.default_rng(seed)
    _, grads = model.loss_and_grads(X, Y, loss_from="logits")
    out = []
    for (name, p), g in zip(model.named_parameters(), grads):
        flat = p.reshape(-1)  # a view: changing it changes the model
        idx = rng.choice(flat.size, size=min(per_array, flat.size), replace=False)
        num = np.empty(len(idx))
        for j, i in enumerate(idx):
            old = flat[i]
            flat[i] = old + h
            fp = model.loss_and_grads(X, Y, loss_from="logits")[0]
            flat[i] = old - h
            fm = model.loss_and_grads(X, Y, loss_from="logits")[0]
            flat[i] = old
            num[j] = (fp - fm) / (2 * h)
        out.append((name, p.shape, rel_error(num, g.reshape(-1)[idx])))
    return out
