"""How good a model is: the confusion matrix of a classifier, R² of a regression.

R² is the coefficient of determination (scikit-learn's convention):
``R² = 1 - SSE / SST`` per output column: the share of the targets' spread around their mean
that the predictions explain.  1 is perfect, 0 is what always predicting the mean gives, and it
goes negative for anything worse.  Several outputs: the plain mean of their R².
"""

from __future__ import annotations

import numpy as np

from .validation import as_float_array, check_labels, check_number


def r2_from_sums(sse: np.ndarray, sst: np.ndarray) -> float:
    """R² from the squared residuals ``sse`` and squared deviations from the mean ``sst`` per output.

    A constant target (``sst == 0``) has nothing to explain: 1.0 if it is predicted exactly, else
    0.0, as scikit-learn's ``r2_score`` (``force_finite=True``) does.
    """
    sse, sst = np.atleast_1d(np.asarray(sse, np.float64)), np.atleast_1d(np.asarray(sst, np.float64))
    safe = np.where(sst > 0, sst, 1.0)
    r2 = np.where(sst > 0, 1.0 - sse / safe, np.where(sse == 0, 1.0, 0.0))
    return float(np.mean(r2))


def r2_score(y_true, y_pred) -> float:
    """R² of predictions ``y_pred`` for targets ``y_true``, both ``(N,)`` or ``(N, K)``."""
    t, p = as_float_array(y_true, "y_true"), as_float_array(y_pred, "y_pred")
    t, p = t.reshape(len(t), -1), p.reshape(len(p), -1)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same shape; got {t.shape} and {p.shape}.")
    return r2_from_sums(np.sum((t - p) ** 2, axis=0), np.sum((t - t.mean(axis=0)) ** 2, axis=0))


def confusion(y_true, y_pred, k: int) -> np.ndarray:
    """Counts ``(k, k)`` for labels ``0..k-1``: row = true class, column = predicted class."""
    k = check_number("k", k, 1, integer=True)
    t = check_labels(y_true, k=k, name="y_true")
    p = check_labels(y_pred, len(t), k, name="y_pred")
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)
