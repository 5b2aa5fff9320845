"""Linear, logistic and softmax regression: the steps that lead to networks.

All estimators take ``X`` of shape ``(N, D)`` (or ``(N,)`` for one feature); an
intercept is handled separately (``intercept_``) and ``coef_`` has shape ``(D,)``
or ``(D, K)``; ``beta_`` holds both, the intercept first.

The gradient-descent ones are the smallest network: one Dense layer, ``z = x W + b``, with an
identity, sigmoid or softmax readout, trained by :class:`~engine.sequential.Sequential`'s loop on
the whole data as one batch, so that one step is one epoch.  Their ``history_`` has one row per
step (the objective and ``beta`` the step started from), and ``partial_fit(X, y, n_steps)`` lets
a page animate them step by step; the network's guard stops them when the objective blows up or
keeps rising (``status_ == "diverged"``, ``message_`` says what to try).  The L2 penalty is the
networks' (:mod:`engine.regularization`): ``l2 / (2N) * ||coef||^2``, never on the intercept.

Ordinary least squares by the normal equations stays as the comparison.
"""

from __future__ import annotations

import math

import numpy as np

from .estimator import Estimator
from .layers import Dense
from .sequential import Sequential
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

    The objective ``J = ||A beta - y||^2 / 2N + l2 / 2N ||beta_1:||^2`` (the networks' penalty)
    is quadratic with Hessian ``H = (A'A + l2 diag(0, 1, ..., 1)) / N``; a step ``beta - lr grad``
    shrinks the error along each eigenvector by ``1 - lr lambda``, so it converges only while
    ``|1 - lr lambda_max| < 1``, that is ``lr < 2 / lambda_max``.
    """
    A = _design(_check_X(X))
    l2 = check_number("l2", l2, 0)
    # A'A of inputs near 1e200 overflows, and an eigensolver fed inf answers NaN or not at all: huge
    # inputs are scaled by s first (s = 1 otherwise, so ordinary data gives the very same float);
    # a rate below the smallest float is 0
    s = float(np.abs(A).max())
    s = s if s > 1e100 else 1.0
    A = A / s
    H = (A.T @ A + l2 / s / s * np.diag([0.0] + [1.0] * (A.shape[1] - 1))) / len(A)
    return float(2.0 / np.linalg.eigvalsh(H)[-1] / s / s)


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


class _OneLayerGD(Estimator):
    """Gradient descent on one Dense layer: what the three regressions share."""

    readout = "linear"
    maximize = False  # history_ holds an objective to maximise (the log-likelihood): minus the loss
    # least squares never climbs above its start below the critical rate: 4x the start is divergence
    watch_factor = 4.0

    def __init__(self, lr=0.1, n_iter=1000, l2=0.0):
        self.lr = lr
        self.n_iter = n_iter
        self.l2 = l2

    def _check_y(self, X, y):
        """Targets as the network takes them; the classifiers also learn ``classes_``."""
        return _check_targets(X, y)[1]

    def _n_outputs(self) -> int:
        return 1

    def _network(self, n_features: int) -> Sequential:
        """One Dense layer from ``beta = 0`` and the readout; plain SGD on batches of all the rows
        (partial_fit sets ``batch_size`` to the number of rows)."""
        net = Sequential([Dense(self._n_outputs())], (n_features,), output=self.readout, optimizer="sgd",
                         lr=self.lr, l2=self.l2, divergence_factor=self.watch_factor).initialize()
        for p in net.parameters():
            p[...] = 0.0
        # gradient descent's guard: a window is 50 steps, and no limit on the weights (on classes a
        # line separates they grow without end while the objective keeps falling)
        net.watch_ = Watch(self.watch_factor, patience=50, min_steps=0, unit="steps", weight_factor=math.inf)
        return net

    def fit(self, X, y):
        for name in [k for k in vars(self) if k.endswith("_")]:
            delattr(self, name)  # fit starts afresh
        return self.partial_fit(X, y, check_number("n_iter", self.n_iter, 0, integer=True))

    def partial_fit(self, X, y, n_steps=1):
        """Take ``n_steps`` steps, each one epoch of the network with all rows in one batch."""
        n_steps = check_number("n_steps", n_steps, 0, integer=True)
        fitted = hasattr(self, "net_")
        X = _check_X(X, self.net_.input_shape[0] if fitted else None)
        y = self._check_y(X, y)
        if not fitted:
            self.net_ = self._network(X.shape[1])
            self.history_ = {"step": [], "objective": [], "beta": []}
            self.status_, self.message_ = "ready", ""
        net = self.net_.set_params(lr=self.lr, l2=self.l2, batch_size=len(X))  # they act at the next step
        if not fitted:
            net.partial_fit(X, y, 0)  # the objective at the start
        for _ in range(n_steps):
            if net.status_ == "diverged":
                break
            step, objective, beta = net.steps_, net.history_["train_loss"][-1], self._beta()
            net.partial_fit(X, y)
            if net.steps_ > step:
                self.history_["step"].append(step)
                self.history_["objective"].append(-objective if self.maximize else objective)
                self.history_["beta"].append(beta)
        if net.status_ == "diverged":
            self.status_ = "diverged"
            self.message_ = (
                f"Gradient descent diverged at step {len(self.history_['step'])}: {net.reason_}. The steps "
                f"overshoot the minimum and grow: lower the learning rate (now {self.lr}) and Reset."
            )
        self.beta_ = self._beta()
        self.intercept_, self.coef_ = self.beta_[0], self.beta_[1:]
        return self

    def checkpoint(self) -> tuple:
        """The fit as it is now, for :meth:`restore` (see :mod:`engine.checkpoint`)."""
        self._check_fitted()
        return self.net_.checkpoint(), len(self.history_["step"]), self.status_, self.message_

    def restore(self, cp: tuple):
        """Back to ``cp``: the steps after it are undone, and taken again the same way."""
        net, steps, self.status_, self.message_ = cp
        self.net_.restore(net)
        for column in self.history_.values():
            del column[steps:]
        self.beta_ = self._beta()
        self.intercept_, self.coef_ = self.beta_[0], self.beta_[1:]
        return self

    def _beta(self) -> np.ndarray:
        """The intercept then the coefficients (a copy): ``(D + 1,)`` for one output, else ``(D + 1, K)``."""
        dense = self.net_.layers_[0]
        beta = np.vstack([dense.b, dense.W])
        return beta[:, 0] if beta.shape[1] == 1 else beta

    def _rows(self, X) -> np.ndarray:
        self._check_fitted()
        return _check_X(X, self.net_.input_shape[0])


class LinearRegressionGD(_OneLayerGD):
    """Least squares by gradient descent on the mean squared error (objective = MSE / 2): one Dense
    unit with the identity as readout.

    It converges for learning rates below :func:`critical_learning_rate` of the data.
    """

    formula = (  # one line each, aligned: side by side they are wider than a phone
        r"\begin{aligned}J(\beta) &= \frac{1}{2N}\lVert A\beta - y\rVert^2 \\"
        r"\nabla J &= \frac{1}{N}A^\top(A\beta - y)\end{aligned}"
    )

    def predict(self, X):
        X = self._rows(X)
        return self.net_.predict(X)


class LogisticRegressionGD(_OneLayerGD):
    """Binary logistic regression by gradient ascent on the mean log-likelihood: one Dense unit with
    a sigmoid readout, descending on the binary cross-entropy (minus the mean log-likelihood).

    ``y`` holds 0 and 1.  ``history_["objective"]`` is the mean log-likelihood (higher is
    better); ``log_likelihood(X, y)`` gives the total.
    """

    readout = "sigmoid"
    maximize = True
    # large steps zig-zag far above the start and still converge (the gradient is bounded):
    # only a sustained rise, or an absurd loss, is divergence
    watch_factor = 1e3
    formula = (  # the sum over two lines (it alone is wider than a phone), aligned
        r"\begin{aligned}\ell(\beta) &= \sum_n \Big[y_n \ln \sigma(a_n^\top\beta) \\"
        r"&\qquad + (1-y_n)\ln(1-\sigma(a_n^\top\beta))\Big] \\"
        r"\nabla \ell &= A^\top(y - \sigma(A\beta))\end{aligned}"
    )

    def _check_y(self, X, y):
        return check_labels(y, len(X), 2)

    def log_likelihood(self, X, y):
        X = self._rows(X)
        y = check_labels(y, len(X), 2)
        z = self.net_.layer_outputs(X)[0][:, 0]  # the Dense unit's scores
        return float(np.sum(y * z - np.logaddexp(0, z)))

    def predict_proba(self, X):
        X = self._rows(X)
        return self.net_.predict_proba(X)[:, 0]

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)


class SoftmaxRegressionGD(_OneLayerGD):
    """Multinomial logistic regression, one Dense unit per class with a softmax readout; ``beta_`` is
    ``(D+1, K)`` (the intercepts, then ``W``), objective = cross-entropy plus the L2 penalty on ``W``.

    The classes are the distinct labels of the first ``y`` seen (``classes_``, at least
    two, non-negative integers); ``predict`` returns those labels.
    """

    readout = "softmax"
    watch_factor = 1e3  # as for logistic regression
    formula = (  # one line each, aligned: side by side they are wider than a phone
        r"\begin{aligned}P(y=k\mid x) &= \mathrm{softmax}(a^\top B)_k \\"
        r"J &= -\frac{1}{N}\sum_n \ln P(y_n\mid x_n) \\ &\quad + \frac{\lambda}{2N}\lVert W\rVert^2 \\"
        r"\nabla J &= \frac{1}{N}A^\top(P - Y) \\ &\quad + \frac{\lambda}{N}\begin{bmatrix}0\\ W\end{bmatrix}\end{aligned}"
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

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def predict_proba(self, X):
        X = self._rows(X)
        return self.net_.predict_proba(X)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
