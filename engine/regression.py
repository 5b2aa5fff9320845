"""Linear, logistic and softmax regression: the steps that lead to networks.

All estimators take ``X`` of shape ``(N, D)`` (or ``(N,)`` for one feature); an
intercept is handled separately (``intercept_``) and ``coef_`` has shape ``(D,)``
or ``(D, K)``.  Gradient-descent estimators keep ``history_`` with one row per
step, and ``partial_fit(X, y, n_steps)`` lets a page animate them step by step;
a :class:`~engine.watch.Watch` stops them when the objective blows up or keeps
rising (``status_ == "diverged"``, ``message_`` says what to try).
"""

from __future__ import annotations

import numpy as np

from .activations import Sigmoid, Softmax
from .estimator import Estimator
from .losses import one_hot
from .validation import as_float_array, check_labels, check_number
from .watch import Watch


class SingularMatrixError(ValueError):
    """X'X cannot be inverted: a column is constant or a combination of others."""


def _check_X(X, n_features=None) -> np.ndarray:
    X = as_float_array(X, "X")
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, (N, D): one row per example; got shape {X.shape}.")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X must have {n_features} columns, like the data it was fitted on; got {X.shape[1]}.")
    return X


def _check_targets(X, y) -> tuple[np.ndarray, np.ndarray]:
    """X and real-valued targets ``(N,)``."""
    X = _check_X(X)
    y = as_float_array(y, "y")
    if y.shape != (len(X),):
        raise ValueError(f"y must hold one number per row of X, shape ({len(X)},); got {y.shape}.")
    return X, y


def _design(X):
    """Prepend a column of ones: ``(N, D) -> (N, D+1)``."""
    return np.hstack([np.ones((len(X), 1)), X])


def critical_learning_rate(X, l2=0.0) -> float:
    """The largest learning rate for which gradient descent on least squares converges.

    The objective ``J = ||A beta - y||^2 / 2N + l2 / 2 ||beta_1:||^2`` is quadratic with
    Hessian ``H = A'A / N + l2 diag(0, 1, ..., 1)``; a step ``beta - lr grad`` shrinks
    the error along each eigenvector by ``1 - lr lambda``, so it converges only while
    ``|1 - lr lambda_max| < 1``, that is ``lr < 2 / lambda_max``.
    """
    A = _design(_check_X(X))
    l2 = check_number("l2", l2, 0)
    H = A.T @ A / len(A) + l2 * np.diag([0.0] + [1.0] * (A.shape[1] - 1))
    return float(2.0 / np.linalg.eigvalsh(H)[-1])


class LinearRegressionOLS(Estimator):
    """Ordinary least squares by the normal equations ``(X'X) beta = X'y``."""

    formula = r"\hat\beta = (X^\top X)^{-1} X^\top y"

    def fit(self, X, y):
        X, y = _check_targets(X, y)
        A = _design(X)
        XtX = A.T @ A
        rank = np.linalg.matrix_rank(XtX)
        if rank < XtX.shape[0]:
            raise SingularMatrixError(
                f"X'X is singular (rank {rank} < {XtX.shape[0]}): some feature is constant "
                "or a linear combination of others, so infinitely many lines fit equally well. "
                "Drop or change that feature."
            )
        beta = np.linalg.solve(XtX, A.T @ y)
        self.intercept_, self.coef_ = float(beta[0]), beta[1:]
        return self

    def predict(self, X):
        self._check_fitted()
        return self.intercept_ + _check_X(X, len(self.coef_)) @ self.coef_


def mse_surface(x, y, b0s, b1s):
    """Half mean squared error of the line ``b0 + b1 x`` on a grid: ``J[i, j]`` for ``b1s[i], b0s[j]``."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    b0s = np.asarray(b0s, float)
    J = np.empty((len(b1s), len(b0s)))
    for i, b1 in enumerate(b1s):  # a row of the grid at a time: (len(b0s), N), not (len(b1s), len(b0s), N)
        r = b0s[:, None] + b1 * x - y
        J[i] = 0.5 * np.mean(r * r, axis=-1)
    return J


class _GDRegressor(Estimator):
    """Shared gradient-descent loop; subclasses define the model and its gradient."""

    maximize = False  # the objective recorded in history_ is maximised (the log-likelihood)
    # least squares never climbs above its start below the critical rate: 4x the start is divergence
    watch_factor = 4.0

    def __init__(self, lr=0.1, n_iter=1000, l2=0.0):
        self.lr = lr
        self.n_iter = n_iter
        self.l2 = l2

    def _check_y(self, X, y):
        """Checked targets; the subclasses with class labels also learn ``classes_``."""
        return _check_targets(X, y)[1]

    def _init_params(self, D, y):
        raise NotImplementedError

    def _grad(self, A, y):
        """Return (objective, gradient of the minimised objective wrt beta) for the design matrix ``A``."""
        raise NotImplementedError

    def fit(self, X, y):
        for name in [k for k in vars(self) if k.endswith("_")]:
            delattr(self, name)  # fit starts afresh
        return self.partial_fit(X, y, check_number("n_iter", self.n_iter, 0, integer=True))

    def partial_fit(self, X, y, n_steps=1):
        lr = check_number("lr", self.lr, 0, low_open=True)
        l2 = check_number("l2", self.l2, 0)
        n_steps = check_number("n_steps", n_steps, 0, integer=True)
        fitted = self.is_fitted()
        X = _check_X(X, len(self.beta_) - 1 if fitted else None)
        y = self._check_y(X, y)
        A = _design(X)
        if not fitted:
            self.beta_ = self._init_params(A.shape[1], y)
            self.history_ = {"step": [], "objective": [], "beta": []}
            self.status_, self.message_ = "ready", ""
            self.watch_ = Watch(self.watch_factor, patience=50, min_steps=0, unit="steps")
        for _ in range(n_steps):
            with np.errstate(over="ignore", invalid="ignore"):  # the watch judges what overflows
                obj, g = self._grad(A, y)
                if l2:
                    reg = l2 * self.beta_
                    reg[0] = 0  # no penalty on the intercept
                    g = g + reg
            if self._diverged(-obj if self.maximize else obj, g):
                break
            self.history_["step"].append(len(self.history_["step"]))
            self.history_["objective"].append(float(obj))
            self.history_["beta"].append(self.beta_.copy())
            self.beta_ = self.beta_ - lr * g
        self.intercept_, self.coef_ = self.beta_[0], self.beta_[1:]
        return self

    def _diverged(self, loss: float, g: np.ndarray) -> bool:
        """Ask the watch about this step's loss; on divergence set the status and the message."""
        watch, step = self.watch_, len(self.history_["step"])
        why = None if np.all(np.isfinite(g)) else "the gradient became infinite"
        if why is None and watch.start_loss is None:
            if not np.isfinite(loss):
                why = f"the objective at the start is {loss}"
            else:
                watch.start(loss)
        if why is None:
            verdict = watch.point(loss, step, step)
            why = verdict and verdict[1]
        if why:
            self.status_ = "diverged"
            self.message_ = (
                f"Gradient descent diverged at step {step}: {why}. The steps overshoot the minimum "
                f"and grow: lower the learning rate (now {self.lr}) and Reset."
            )
        return bool(why)


class LinearRegressionGD(_GDRegressor):
    """Least squares by gradient descent on the mean squared error (objective = MSE / 2).

    It converges for learning rates below :func:`critical_learning_rate` of the data.
    """

    formula = (
        r"J(\beta) = \frac{1}{2N}\lVert A\beta - y\rVert^2,\quad \nabla J = \frac{1}{N}A^\top(A\beta - y)"
    )

    def _init_params(self, D, y):
        return np.zeros(D)

    def _grad(self, A, y):
        r = A @ self.beta_ - y
        return 0.5 * np.mean(r * r), A.T @ r / len(A)

    def predict(self, X):
        self._check_fitted()
        return _design(_check_X(X, len(self.beta_) - 1)) @ self.beta_


class LogisticRegressionGD(_GDRegressor):
    """Binary logistic regression by gradient ascent on the mean log-likelihood.

    ``y`` holds 0 and 1.  ``history_["objective"]`` is the mean log-likelihood (higher is
    better); ``log_likelihood(X, y)`` gives the total.
    """

    maximize = True
    # large steps zig-zag far above the start and still converge (the gradient is bounded):
    # only a sustained rise, or an absurd loss, is divergence
    watch_factor = 1e3
    formula = (
        r"\ell(\beta) = \sum_n y_n \ln \sigma(a_n^\top\beta) + (1-y_n)\ln(1-\sigma(a_n^\top\beta)),"
        r"\quad \nabla \ell = A^\top(y - \sigma(A\beta))"
    )

    def _check_y(self, X, y):
        return check_labels(y, len(X), 2)

    def _init_params(self, D, y):
        return np.zeros(D)

    def _grad(self, A, y):
        z = A @ self.beta_
        ll = np.sum(y * z - np.logaddexp(0, z)) / len(A)
        p = Sigmoid().value(z)
        return ll, -A.T @ (y - p) / len(A)  # descend on -ll

    def log_likelihood(self, X, y):
        self._check_fitted()
        X = _check_X(X, len(self.beta_) - 1)
        y = check_labels(y, len(X), 2)
        z = _design(X) @ self.beta_
        return float(np.sum(y * z - np.logaddexp(0, z)))

    def predict_proba(self, X):
        self._check_fitted()
        return Sigmoid().value(_design(_check_X(X, len(self.beta_) - 1)) @ self.beta_)

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)


class SoftmaxRegressionGD(_GDRegressor):
    """Multinomial logistic regression; ``beta_`` is ``(D+1, K)``, objective = cross-entropy.

    The classes are the distinct labels of the first ``y`` seen (``classes_``, at least
    two, non-negative integers); ``predict`` returns those labels.
    """

    watch_factor = 1e3  # as for logistic regression
    formula = (
        r"P(y=k\mid x) = \mathrm{softmax}(a^\top B)_k,\quad "
        r"J = -\frac{1}{N}\sum_n \ln P(y_n\mid x_n),\quad \nabla J = \frac{1}{N}A^\top(P - Y)"
    )

    def _check_y(self, X, y):
        y = check_labels(y, len(X))
        if not hasattr(self, "classes_"):  # the first call learns the classes
            classes = np.unique(y)
            if len(classes) < 2:
                raise ValueError(f"y needs at least two classes to tell apart; it only holds {classes.tolist()}.")
            self.classes_ = classes
        unknown = np.setdiff1d(y, self.classes_)
        if len(unknown):
            raise ValueError(
                f"y holds labels {unknown.tolist()} that are not among classes_ {self.classes_.tolist()}."
            )
        return np.searchsorted(self.classes_, y)  # labels -> columns 0..K-1

    def _init_params(self, D, y):
        return np.zeros((D, len(self.classes_)))

    def _grad(self, A, y):
        z = A @ self.beta_
        zmax = z.max(axis=1, keepdims=True)
        log_p = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
        Y = one_hot(y, len(self.classes_))
        return -np.sum(Y * log_p) / len(A), A.T @ (np.exp(log_p) - Y) / len(A)

    def predict_proba(self, X):
        self._check_fitted()
        return Softmax().value(_design(_check_X(X, len(self.beta_) - 1)) @ self.beta_)

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
