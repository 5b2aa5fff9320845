"""L1 and L2 weight penalties (applied to weights, never to biases).

With ``n`` the number of training rows (Nielsen's convention):

* L2: ``lam / (2 n) * sum(W**2)``, gradient ``lam / n * W``
* L1: ``lam / n * sum(|W|)``,      gradient ``lam / n * sign(W)``
"""

from __future__ import annotations

import numpy as np


def penalty(weights: list[np.ndarray], l1: float, l2: float, n: int) -> float:
    """Total penalty added to the data loss."""
    total = 0.0
    for W in weights:
        if l2:
            total += l2 / (2 * n) * float(np.sum(W * W))
        if l1:
            total += l1 / n * float(np.sum(np.abs(W)))
    return total


def penalty_grad(W: np.ndarray, l1: float, l2: float, n: int) -> np.ndarray | None:
    """Gradient of the penalty with respect to one weight matrix (None if no penalty)."""
    if not (l1 or l2):
        return None
    g = np.zeros_like(W)
    if l2:
        g += (l2 / n) * W
    if l1:
        g += (l1 / n) * np.sign(W)
    return g
