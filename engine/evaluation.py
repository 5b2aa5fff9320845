"""Evaluation in chunks: a network's predictions and scores, and its loss and accuracy (or R²) on a
whole data set, a slice of rows at a time.

A convolution's im2col holds ``kh * kw`` copies of its input, so 60 000 digits at once would not
fit: a slice holds at most ``EVAL_FLOATS`` numbers in any layer.  Each slice's loss counts by its
share of the rows, so one slice gives exactly the plain value.
"""

from __future__ import annotations

import math

import numpy as np

from .metrics import r2_from_sums
from .regularization import penalty

# 8 MB of float64 in the largest layer: a server runs many learners' evaluations at once, and ten CNNs
# evaluating slices of 2**22 numbers (60-70 MB each with their other layers) took a replica past 1 GiB
EVAL_FLOATS = 2**20
OUTPUT_ROWS = 1024  # rows at a time where only some of each layer's outputs are kept


def chunk_rows(layers, in_shapes) -> int:
    """Rows per slice for ``layers`` built on ``in_shapes`` (one input shape per layer)."""
    row = max(max(layer.row_floats(s) for layer, s in zip(layers, in_shapes)), math.prod(in_shapes[0]))
    return max(1, EVAL_FLOATS // row)


class ChunkedEvaluation:
    """Mixed into :class:`~engine.sequential.Sequential`: its predictions and scores, and the
    measures of its history points, through its layers, readout, loss and penalty, ``self._chunk``
    rows at a time."""

    def predict_proba(self, X) -> np.ndarray:
        """Readout activations ``(N, K)`` (probabilities for softmax; with one sigmoid unit P(class 1),
        ``(N, 1)``); classification only."""
        self._check_fitted()
        if self._class_targets is None:
            raise ValueError("This network does regression (output='linear'): it predicts values, not class "
                             "probabilities; use predict(X).")
        return self._proba(self._check_X(X))

    def predict(self, X) -> np.ndarray:
        """Predicted labels ``(N,)``; for regression the predicted values, ``(N,)`` for one output
        (as scikit-learn gives them) or ``(N, K)``."""
        self._check_fitted()
        if self._class_targets is None:
            values = self._proba(self._check_X(X))
            return values[:, 0] if self.n_outputs_ == 1 else values
        return self.classes_[self._labels(self.predict_proba(X))]

    def score(self, X, y) -> float:
        """Accuracy in [0, 1]; for regression the R² (scikit-learn's ``r2_score``: at most 1, 0 for
        always predicting the mean, below 0 for worse)."""
        self._check_fitted()
        X, y = self._check_Xy(X, y)
        out = self._proba(X)
        if self._class_targets is None:
            return r2_from_sums(np.sum((out - y) ** 2, axis=0), np.sum((y - y.mean(axis=0)) ** 2, axis=0))
        return float(np.mean(self._labels(out) == y))

    def layer_outputs(self, X, columns: int | None = None) -> list[np.ndarray]:
        """Every layer's output for ``X``, the readout last.  With ``columns``, only each layer's first
        ``columns`` (the readout whole), worked out ``OUTPUT_ROWS`` rows at a time: a wide network's
        picture of a 100 x 100 grid then never holds whole layers (6 x 256 units: 240 MB)."""
        self._check_fitted()
        X = self._check_X(X)
        if columns is None:
            return self._outputs(X[:])  # (pixels held as bytes: as floats, all at once)
        # copies of the columns, not views: a view would keep its slice's whole layers alive
        parts = [[np.ascontiguousarray(a[:, :columns]) for a in outs[:-1]] + [outs[-1]]
                 for outs in (self._outputs(X[i : i + OUTPUT_ROWS]) for i in range(0, len(X), OUTPUT_ROWS))]
        return [np.concatenate(p) for p in zip(*parts)]

    def _outputs(self, X: np.ndarray) -> list[np.ndarray]:
        out = [X]
        for layer in self.layers_:
            out.append(layer.forward(out[-1]))
        self._forget()
        return out[1:] + [self._readout.value(out[-1])]

    def _picks(self, a: np.ndarray, cut: float = 0.5) -> np.ndarray:
        """The class each row of readout values picks, to compare with labels: the largest, or with one
        sigmoid unit True (class 1) from ``cut`` up (0.5 of the output; 0 of the score, where the loop
        reads its batches)."""
        return a[:, 0] >= cut if len(self._class_targets) > a.shape[1] else a.argmax(axis=1)

    def _labels(self, a: np.ndarray, cut: float = 0.5) -> np.ndarray:
        """:meth:`_picks` as class indices (what ``classes_`` is indexed by)."""
        return self._picks(a, cut).astype(np.int64, copy=False)

    def _proba(self, X: np.ndarray) -> np.ndarray:
        """Readout of checked rows."""
        out = np.concatenate([self.forward(X[i : i + self._chunk]) for i in range(0, len(X), self._chunk)])
        self._forget()
        return out

    def _forget(self) -> None:
        """Let go of what the last forward pass kept for a backward one: after an evaluation that is a
        whole slice's inputs to every layer (up to EVAL_FLOATS numbers each), which a network kept
        between ticks for as long as its learner stayed (a 6 x 256 playground, 35 MB)."""
        for layer in self.layers_:
            layer.cache = None
        self._z = None

    def _measure(self, X, y, l1: float, l2: float) -> tuple[float, float]:
        """(loss with penalty ``l1``, ``l2``, accuracy or R²) of checked arrays."""
        data, correct, sse = 0.0, 0, 0.0
        for i in range(0, len(X), self._chunk):
            xb, yb = X[i : i + self._chunk], y[i : i + self._chunk]
            a = self.forward(xb)
            data += self._loss.value_from_logits(self._z, a, self._targets(yb), self._readout) * (len(xb) / len(X))
            if self._class_targets is None:
                sse = sse + np.sum((a - yb) ** 2, axis=0)
            else:
                correct += np.count_nonzero(self._labels(a) == yb)
        self._forget()
        loss = data + penalty(self._weights(), l1, l2, self.n_train_ or len(X))
        if self._class_targets is None:
            acc = r2_from_sums(sse, np.sum((y - y.mean(axis=0)) ** 2, axis=0))
        else:
            acc = correct / len(X)
        return loss, acc
