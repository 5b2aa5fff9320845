"""L1 and L2 weight penalties (applied to weights, never to biases): the one definition every
model uses, networks and regressions alike, and the one every page's formula states.

With ``n`` the number of training rows (Nielsen's convention):

* L2: ``lam / (2 n) * sum(W**2)``, gradient ``lam / n * W``
* L1: ``lam / n * sum(|W|)``,      gradient ``lam / n * sign(W)``

The objective is then ``(sum of the rows' losses + lam / 2 * sum(W**2)) / n``: the penalty weighs
against the data as a fixed amount of summed loss, so more rows outweigh it; each mini-batch step,
whatever its size, adds the whole penalty's gradient.
"""

from __future__ import annotations

import numpy as np

# as the pages write them (n training rows, W each weight matrix; the biases are free): what each adds
# to the loss, then to the gradient of W, as two aligned lines (side by side they are wider than a phone)
L2_FORMULA = r"L &\mathrel{+}= \frac{\lambda}{2n}\sum_W \lVert W\rVert^2 \\ \nabla_W &\mathrel{+}= \frac{\lambda}{n} W"
L1_FORMULA = (
    r"L &\mathrel{+}= \frac{\lambda}{n}\sum_W \sum_{ij} \lvert W_{ij}\rvert \\ "
    r"\nabla_W &\mathrel{+}= \frac{\lambda}{n}\operatorname{sign} W"
)


def penalty(weights: list[np.ndarray], l1: float, l2: float, n: int) -> float:
    """Total penalty added to the data loss."""
    if not (l1 or l2):
        return 0.0
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
