"""Splitting and scaling.  Scalers are sklearn-like: ``fit`` returns self, learned values end in ``_``."""

from __future__ import annotations

import numpy as np

from .validation import check_array, check_flag, check_number, check_seed, real_array


def train_test_split(X, y, test_size=0.3, seed=0, stratify=True):
    """Shuffle and split; with ``stratify`` each class keeps its share in both parts.

    ``y`` holds class labels, or with ``stratify=False`` any values (regression targets).

    Returns
    -------
    X_train, X_test, y_train, y_test
    """
    stratify = check_flag("stratify", stratify)
    X, y = real_array(X, "X"), np.asarray(y)
    if X.ndim == 0 or y.ndim != 1:
        raise ValueError(f"X must be rows (N, ...) and y labels (N,); got shapes {X.shape} and {y.shape}.")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows; got {len(X)} and {len(y)}.")
    if len(y) < 2:
        raise ValueError(f"Splitting needs at least 2 rows; got {len(y)}.")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y contains NaN labels.")
    if stratify and y.dtype.kind == "f" and not np.all(y == np.round(y)):
        # every distinct value would be its own class, and a class of one row has no test share
        raise ValueError("y holds fractions, not class labels: split a regression target with stratify=False.")
    if not 0 < check_number("test_size", test_size) < 1:
        raise ValueError(f"test_size must be a fraction between 0 and 1 (exclusive); got {test_size}.")
    rng = np.random.default_rng(check_seed(seed))
    if stratify:
        test = []
        for c in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == c))
            test.append(idx[: int(round(test_size * len(idx)))])
        test_idx = np.concatenate(test)
    else:
        test_idx = rng.permutation(len(y))[: int(round(test_size * len(y)))]
    if not 0 < len(test_idx) < len(y):
        raise ValueError(
            f"test_size {test_size} of {len(y)} rows leaves the {'test' if len(test_idx) == 0 else 'training'} "
            "part empty; choose a test_size nearer 0.5."
        )
    mask = np.zeros(len(y), bool)
    mask[test_idx] = True
    train_idx = rng.permutation(np.flatnonzero(~mask))
    test_idx = rng.permutation(test_idx)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


class _Scaler:
    """fit learns one value (or two) per column; transform checks it gets the same columns."""

    def _check(self, X, fitting: bool) -> np.ndarray:
        X = check_array("X", X, 2, "(N, D)").astype(np.float64)
        if not fitting:
            if not hasattr(self, "scale_"):
                raise ValueError(f"This {type(self).__name__} is not fitted yet; call fit(X) first.")
            if X.shape[1] != len(self.scale_):
                raise ValueError(f"X has {X.shape[1]} columns; the scaler was fitted on {len(self.scale_)}.")
        return X

    def fit_transform(self, X):
        return self.fit(X).transform(X)


class MaxScaler(_Scaler):
    """Divide each column by its maximum absolute value (the seed articles' scaling)."""

    def fit(self, X):
        m = np.max(np.abs(self._check(X, fitting=True)), axis=0)
        self.scale_ = np.where(m > 0, m, 1.0)
        return self

    def transform(self, X):
        return self._check(X, fitting=False) / self.scale_


class StandardScaler(_Scaler):
    """Subtract the column mean and divide by the column standard deviation."""

    def fit(self, X):
        X = self._check(X, fitting=True)
        with np.errstate(over="ignore", invalid="ignore"):
            mean, s = X.mean(axis=0), X.std(axis=0)
        if not (np.isfinite(mean).all() and np.isfinite(s).all()):
            raise ValueError("X's values are too large to scale: their mean or spread overflows.")
        self.mean_, self.scale_ = mean, np.where(s > 0, s, 1.0)
        return self

    def transform(self, X):
        return (self._check(X, fitting=False) - self.mean_) / self.scale_


def mesh_grid(X2, n=100, pad=0.1):
    """A square grid over the range of 2-D points, for drawing decision boundaries.

    Parameters
    ----------
    X2 : (N, 2) points; n : grid points per axis; pad : margin as a fraction of the range

    Returns
    -------
    xs, ys : (n,) axis coordinates; points : (n*n, 2) every grid point, row-major (y outer)
    """
    X2 = check_array("X2", X2, 2, "(N, 2)").astype(np.float64)
    if X2.shape[1] != 2:
        raise ValueError(f"X2 must have the form (N, 2); got shape {X2.shape}.")
    n, pad = check_number("n", n, 2, 2000, integer=True), check_number("pad", pad, 0)
    lo, hi = X2.min(axis=0), X2.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.c_[gx.ravel(), gy.ravel()]
