"""Evaluation in chunks: a network's outputs, and its loss, accuracy (or R²) and dead ReLU units on
a whole data set, a slice of rows at a time.

A convolution's im2col holds ``kh * kw`` copies of its input, so 60 000 digits at once would not
fit: a slice holds at most ``EVAL_FLOATS`` numbers in any layer.  Each slice's loss counts by its
share of the rows, so one slice gives exactly the plain value.
"""

from __future__ import annotations

import math

import numpy as np

from .metrics import r2_from_sums
from .network_checks import check_settings
from .regularization import penalty

EVAL_FLOATS = 2**22


def chunk_rows(layers, in_shapes) -> int:
    """Rows per slice for ``layers`` built on ``in_shapes`` (one input shape per layer)."""
    row = max(max(layer.row_floats(s) for layer, s in zip(layers, in_shapes)), math.prod(in_shapes[0]))
    return max(1, EVAL_FLOATS // row)


class ChunkedEvaluation:
    """Mixed into :class:`~engine.sequential.Sequential`: evaluation of checked arrays through its
    layers, readout, loss and penalty, ``self._chunk`` rows at a time."""

    def _proba(self, X: np.ndarray) -> np.ndarray:
        """Readout of checked rows."""
        return np.concatenate([self.forward(X[i : i + self._chunk]) for i in range(0, len(X), self._chunk)])

    def _measure(self, X, y) -> tuple[float, float, float, list[float]]:
        """(loss with penalty, data loss, accuracy or R², dead share per ReLU layer) of checked arrays."""
        data, correct, sse, alive = 0.0, 0, 0.0, None
        for i in range(0, len(X), self._chunk):
            xb, yb = X[i : i + self._chunk], y[i : i + self._chunk]
            a = self.forward(xb)
            data += self._loss.value_from_logits(self._z, a, self._targets(yb), self._readout) * (len(xb) / len(X))
            if self._eye is None:
                sse = sse + np.sum((a - yb) ** 2, axis=0)
            else:
                correct += np.count_nonzero(np.argmax(a, axis=1) == yb)
            units = [x.alive_units() for x in self._relu_layers()]
            alive = units if alive is None else [u | v for u, v in zip(alive, units)]
        _, l1, l2 = check_settings(self)
        loss = data + penalty(self._weights(), l1, l2, self.n_train_ or len(X))
        if self._eye is None:
            acc = r2_from_sums(sse, np.sum((y - y.mean(axis=0)) ** 2, axis=0))
        else:
            acc = correct / len(X)
        return loss, data, acc, [1.0 - u.mean() for u in alive]
