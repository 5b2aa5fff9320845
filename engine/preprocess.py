"""Splitting and scaling.  Scalers are sklearn-like: ``fit`` returns self, learned values end in ``_``."""

from __future__ import annotations

import numpy as np


def train_test_split(X, y, test_size=0.3, seed=0, stratify=True):
    """Shuffle and split; with ``stratify`` each class keeps its share in both parts.

    Returns
    -------
    X_train, X_test, y_train, y_test
    """
    X, y = np.asarray(X), np.asarray(y)
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1.")
    rng = np.random.default_rng(seed)
    if stratify:
        test = []
        for c in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == c))
            test.append(idx[: int(round(test_size * len(idx)))])
        test_idx = np.concatenate(test)
    else:
        test_idx = rng.permutation(len(y))[: int(round(test_size * len(y)))]
    mask = np.zeros(len(y), bool)
    mask[test_idx] = True
    train_idx = rng.permutation(np.flatnonzero(~mask))
    test_idx = rng.permutation(test_idx)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


class MaxScaler:
    """Divide each column by its maximum absolute value (the seed articles' scaling)."""

    def fit(self, X):
        m = np.max(np.abs(np.asarray(X, dtype=np.float64)), axis=0)
        self.scale_ = np.where(m > 0, m, 1.0)
        return self

    def transform(self, X):
        return np.asarray(X, dtype=np.float64) / self.scale_

    def fit_transform(self, X):
        return self.fit(X).transform(X)


class StandardScaler:
    """Subtract the column mean and divide by the column standard deviation."""

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0)
        s = X.std(axis=0)
        self.scale_ = np.where(s > 0, s, 1.0)
        return self

    def transform(self, X):
        return (np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_

    def fit_transform(self, X):
        return self.fit(X).transform(X)


def mesh_grid(X2, n=100, pad=0.1):
    """A square grid over the range of 2-D points, for drawing decision boundaries.

    Parameters
    ----------
    X2 : (N, 2) points; n : grid points per axis; pad : margin as a fraction of the range

    Returns
    -------
    xs, ys : (n,) axis coordinates; points : (n*n, 2) every grid point, row-major (y outer)
    """
    X2 = np.asarray(X2, dtype=np.float64)
    lo, hi = X2.min(axis=0), X2.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.c_[gx.ravel(), gy.ravel()]
