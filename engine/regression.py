"""Linear, logistic and softmax regression: the steps that lead to networks.

All estimators take ``X`` of shape ``(N, D)``; an intercept is handled
separately (``intercept_``) and ``coef_`` has shape ``(D,)`` or ``(D, K)``.
Gradient-descent estimators keep ``history_`` with one row per step, and
``partial_fit(X, y, n_steps)`` lets a page animate them step by step.
"""

from __future__ import annotations

import numpy as np

from .activations import Sigmoid, Softmax
from .losses import one_hot


class SingularMatrixError(ValueError):
    """X'X cannot be inverted: a column is constant or a combination of others."""


def _check(X, y):
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X must be (N, D) and y (N,); got {X.shape} and {y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y.astype(np.float64)))):
        raise ValueError("X or y contains NaN or infinite values.")
    return X, y


def _design(X):
    """Prepend a column of ones: ``(N, D) -> (N, D+1)``."""
    return np.hstack([np.ones((len(X), 1)), X])


class LinearRegressionOLS:
    """Ordinary least squares by the normal equations ``(X'X) beta = X'y``."""

    formula = r"\hat\beta = (X^\top X)^{-1} X^\top y"

    def fit(self, X, y):
        X, y = _check(X, y)
        A = _design(X)
        XtX = A.T @ A
        rank = np.linalg.matrix_rank(XtX)
        if rank < XtX.shape[0]:
            raise SingularMatrixError(
                f"X'X is singular (rank {rank} < {XtX.shape[0]}): some feature is constant "
                "or a linear combination of others, so infinitely many lines fit equally well. "
                "Drop or change that feature."
            )
        beta = np.linalg.solve(XtX, A.T @ y.astype(np.float64))
        self.intercept_, self.coef_ = float(beta[0]), beta[1:]
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=np.float64)
        return self.intercept_ + (X[:, None] if X.ndim == 1 else X) @ self.coef_


def mse_surface(x, y, b0s, b1s):
    """Half mean squared error of the line ``b0 + b1 x`` on a grid: ``J[i, j]`` for ``b1s[i], b0s[j]``."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    B0, B1 = np.meshgrid(b0s, b1s)
    r = B0[..., None] + B1[..., None] * x - y  # (len(b1s), len(b0s), N)
    return 0.5 * np.mean(r * r, axis=-1)


class _GDRegressor:
    """Shared gradient-descent loop; subclasses define the model and its gradient."""

    def __init__(self, lr=0.1, n_iter=1000, l2=0.0):
        self.lr, self.n_iter, self.l2 = float(lr), int(n_iter), float(l2)

    def _init_params(self, D, y):
        raise NotImplementedError

    def _grad(self, A, y):
        """Return (objective, gradient wrt beta) for the design matrix ``A``."""
        raise NotImplementedError

    def fit(self, X, y):
        self.beta_ = None
        return self.partial_fit(X, y, self.n_iter)

    def partial_fit(self, X, y, n_steps=1):
        X, y = _check(X, y)
        A = _design(X)
        if getattr(self, "beta_", None) is None:
            self.beta_ = self._init_params(A.shape[1], y)
            self.history_ = {"step": [], "objective": [], "beta": []}
            self.status_ = "ready"
        for _ in range(int(n_steps)):
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
                obj, g = self._grad(A, y)
            if self.l2:
                reg = self.l2 * self.beta_
                reg[0] = 0  # no penalty on the intercept
                g = g + reg
            if not (np.isfinite(obj) and np.all(np.isfinite(g))):
                self.status_ = "diverged"
                break
            self.history_["step"].append(len(self.history_["step"]))
            self.history_["objective"].append(float(obj))
            self.history_["beta"].append(self.beta_.copy())
            self.beta_ = self.beta_ - self.lr * g
        self.intercept_, self.coef_ = self.beta_[0], self.beta_[1:]
        return self


class LinearRegressionGD(_GDRegressor):
    """Least squares by gradient descent on the mean squared error (objective = MSE)."""

    formula = (
        r"J(\beta) = \frac{1}{2N}\lVert A\beta - y\rVert^2,\quad \nabla J = \frac{1}{N}A^\top(A\beta - y)"
    )

    def _init_params(self, D, y):
        return np.zeros(D)

    def _grad(self, A, y):
        r = A @ self.beta_ - y
        return 0.5 * np.mean(r * r), A.T @ r / len(A)

    def predict(self, X):
        return _design(np.asarray(X, dtype=np.float64).reshape(len(X), -1)) @ self.beta_


class LogisticRegressionGD(_GDRegressor):
    """Binary logistic regression by gradient ascent on the mean log-likelihood.

    ``history_["objective"]`` is the mean log-likelihood (higher is better);
    ``log_likelihood(X, y)`` gives the total.
    """

    formula = (
        r"\ell(\beta) = \sum_n y_n \ln \sigma(a_n^\top\beta) + (1-y_n)\ln(1-\sigma(a_n^\top\beta)),"
        r"\quad \nabla \ell = A^\top(y - \sigma(A\beta))"
    )

    def _init_params(self, D, y):
        return np.zeros(D)

    def _grad(self, A, y):
        z = A @ self.beta_
        ll = np.sum(y * z - np.logaddexp(0, z)) / len(A)
        p = Sigmoid().value(z)
        return ll, -A.T @ (y - p) / len(A)  # descend on -ll

    def log_likelihood(self, X, y):
        z = _design(np.asarray(X, dtype=np.float64)) @ self.beta_
        return float(np.sum(y * z - np.logaddexp(0, z)))

    def predict_proba(self, X):
        return Sigmoid().value(_design(np.asarray(X, dtype=np.float64)) @ self.beta_)

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)


class SoftmaxRegressionGD(_GDRegressor):
    """Multinomial logistic regression; ``beta_`` is ``(D+1, K)``, objective = cross-entropy."""

    formula = (
        r"P(y=k\mid x) = \mathrm{softmax}(a^\top B)_k,\quad "
        r"J = -\frac{1}{N}\sum_n \ln P(y_n\mid x_n),\quad \nabla J = \frac{1}{N}A^\top(P - Y)"
    )

    def _init_params(self, D, y):
        self.classes_ = np.arange(int(np.max(y)) + 1)
        return np.zeros((D, len(self.classes_)))

    def _grad(self, A, y):
        z = A @ self.beta_
        zmax = z.max(axis=1, keepdims=True)
        log_p = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
        Y = one_hot(y, len(self.classes_))
        return -np.sum(Y * log_p) / len(A), A.T @ (np.exp(log_p) - Y) / len(A)

    def predict_proba(self, X):
        return Softmax().value(_design(np.asarray(X, dtype=np.float64)) @ self.beta_)

    def predict(self, X):
        return np.argmax(self.predict_proba(X), axis=1)
