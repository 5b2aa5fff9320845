"""Digits as tiles for the live canvas (the MNIST and CNN pages): weights and filters as images, the mistakes."""

from __future__ import annotations

import numpy as np

from ui.live.frames import to_u8
from ui.live.protocol import Tiles

WEIGHT_TILES, MISTAKES = 48, 12


def top_k(probs: np.ndarray, k: int = 3):
    """Indices and values of the k largest probabilities of one row."""
    idx = np.argsort(probs)[::-1][:k]
    return idx, probs[idx]


def weight_images(W0: np.ndarray, n: int = WEIGHT_TILES, side: int = 28) -> np.ndarray:
    """The weights into the first ``n`` neurons (or filters) as ``side x side`` images, each on its own
    negative - positive scale: what each one looks for.  ``W0`` is (pixels, units)."""
    tiles = W0.T[:n].reshape(-1, side, side)
    top = np.maximum(np.abs(tiles).max(axis=(1, 2), keepdims=True), 1e-12)
    return to_u8(tiles / top, -1.0, 1.0)


def mistakes_tiles(**size) -> Tiles:
    """The panel of :func:`mistakes` (``size``: its columns and width in the layout)."""
    return Tiles(id="mistakes", title=f"Misclassified test digits (the first {MISTAKES})", tile=[28, 28],
                 count=MISTAKES, captions=True, itemName="digit", empty="None: every test digit is read correctly.",
                 **size)


def mistakes(probs: np.ndarray, X_test: np.ndarray, y_test: np.ndarray, n: int = MISTAKES):
    """The first ``n`` misclassified test digits as images, with captions ("7 read as 2" and the top 3)."""
    pred = probs.argmax(axis=1)
    wrong = np.flatnonzero(pred != y_test)[:n]
    captions = []
    for j in wrong:
        idx, val = top_k(probs[j])
        top3 = ", ".join(f"{d}: {v:.2f}" for d, v in zip(idx, val))
        captions.append(f"{y_test[j]} read as {pred[j]}\ntrue {y_test[j]}, predicted {pred[j]} · top 3: {top3}")
    return to_u8(X_test[wrong].reshape(-1, 28, 28), 0.0, 1.0), captions
