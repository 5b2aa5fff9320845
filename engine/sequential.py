"""A stack of layers trained by backpropagation, sklearn style.

>>> from engine.sequential import Sequential
>>> from engine.layers import Dense, Activation
>>> net = Sequential([Dense(40), Activation("tanh"), Dense(3)], input_shape=(4,), lr=0.5)
>>> net.fit(X, y).score(X, y)  # doctest: +SKIP

The last layer outputs one score per class, ``(N, K)``; the readout (``output``:
softmax or sigmoid) turns the scores into probabilities, and the loss is computed
from the scores where that is stabler.  ``y`` holds integer labels ``0..K-1``.

With ``output="linear"`` the network does regression instead: the scores are the
predictions themselves, the loss is the mean squared error, ``y`` holds numbers
(``(N,)`` for one output, or ``(N, K)``), :meth:`~Sequential.predict` returns values
and :meth:`~Sequential.score` the R² (1 is perfect, 0 is predicting the mean).

One training loop serves every model here (the MLP is a Sequential of Dense layers, the
regressions one Dense layer): mini-batches, forward through the layers, the loss and its delta,
backward through the layers (each keeps its gradients), the penalty, one optimizer step over all
parameters at once (views into one array: :mod:`engine.flat`) (:meth:`~Sequential._train`).
Beside it: the guard (:mod:`engine.watch`), checkpoints (:mod:`engine.checkpoint`), evaluation in
chunks (:mod:`engine.evaluation`), the argument checks (:mod:`engine.network_checks`), and
networks of one shape trained together (:mod:`engine.together`).
"""

from __future__ import annotations

import time

import numpy as np

from .activations import get_activation
from .checkpoint import Checkpoints
from .estimator import Estimator
from .evaluation import ChunkedEvaluation, chunk_rows
from .flat import FlatParameters
from .layers import Layer
from .losses import READOUT_LOSS, get_loss
from .network_checks import (
    check_declaration,
    check_one_hot,
    check_rows,
    check_settings,
    check_size,
    check_values,
)
from .optimizers import get_optimizer
from .regularization import penalty, penalty_grad
from .validation import check_labels, check_number
from .watch import Guard


class Sequential(Guard, Checkpoints, ChunkedEvaluation, Estimator):
    """Layers applied in order, then a sigmoid or softmax readout (or a linear one: regression).

    Parameters
    ----------
    layers : list of Layer
        Declared, not built: :meth:`initialize` builds fresh copies in ``layers_``.
    input_shape : tuple
        One example's shape, e.g. ``(4,)`` or ``(1, 28, 28)``; rows of ``X`` may also come
        flattened (``(N, 784)`` for ``(1, 28, 28)``).
    output : {"softmax", "sigmoid", "linear"}
        "linear" is regression: the last layer's outputs are the predictions, with MSE.
    loss : {"cce", "bce", "mse"} or None (cross-entropy matching the readout; MSE for "linear")
    init : {"gaussian", "gaussian_scaled", "xavier", "he"}, for layers that do not set their own
    optimizer : {"sgd", "momentum", "rmsprop", "adam"} or Optimizer
    lr, batch_size, epochs : learning rate, mini-batch size, epochs used by ``fit``
    l1, l2 : penalty strengths on the weights (not biases), scaled by ``1/n`` as in Nielsen
    seed : int, seeds initial weights and shuffling
    dtype : "float64" or "float32"
    divergence_factor : float
        Training stops when the loss exceeds this many times the loss at the start.
    monitor_every : int or "auto"
        Check for divergence, and add the batch's loss, accuracy, gradient norms and live ReLU
        units to the running means (``running_``), every this many steps; "auto" every step from
        batches of 50 examples up, below that every 50 examples or every 5th step, whichever comes
        first, and at most 100 to 200 steps an epoch (:meth:`~engine.watch.Guard._monitor_every`).
    eval_max_rows : int or None
        History points measure loss and accuracy on at most this many rows of the training
        and test sets (the first ones), to keep big data sets cheap.

    Learned: ``layers_``, ``n_outputs_``, ``classes_`` (classification only), ``optimizer_``,
    ``history_`` (loss and accuracy measured at each history point; for regression ``*_acc`` hold
    the R²), ``running_`` (:class:`~engine.watch.Guard`: means over the batches of each tenth of an
    epoch), ``status_``, ``message_`` (a sentence for the learner), ``reason_`` (its cause),
    ``notice_`` (while a run is stuck: what it looks like, what to try), ``loss_`` (the last
    monitored batch's), ``steps_``, ``epoch_``.
    """

    def __init__(
        self,
        layers,
        input_shape,
        output="softmax",
        loss=None,
        init="xavier",
        optimizer="sgd",
        lr=0.1,
        batch_size=10,
        epochs=30,
        l1=0.0,
        l2=0.0,
        seed=0,
        dtype="float64",
        divergence_factor=4.0,
        monitor_every="auto",
        eval_max_rows=None,
    ):
        self.layers = layers
        self.input_shape = input_shape
        self.output = output
        self.loss = loss
        self.init = init
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.epochs = epochs
        self.l1 = l1
        self.l2 = l2
        self.seed = seed
        self.dtype = dtype
        self.divergence_factor = divergence_factor
        self.monitor_every = monitor_every
        self.eval_max_rows = eval_max_rows

    # ------------------------------------------------------------------ setup
    def _declare(self) -> tuple[list[Layer], tuple]:
        """Fresh unbuilt layers and the input shape (the MLP derives them from ``layer_sizes``)."""
        return check_declaration(self.layers, self.input_shape)

    def initialize(self):
        """Check the parameters, build the layers with fresh weights from ``seed``, clear all training state."""
        check_settings(self)
        layers, shape = self._declare()
        dtype = np.dtype(self.dtype)
        check_size(layers, shape, dtype)
        rng = np.random.default_rng(int(self.seed))
        in_shapes = []
        for layer in layers:
            in_shapes.append(shape)
            shape = layer.build(shape, rng, dtype, self.init)
        if len(shape) != 1:
            raise ValueError(
                f"The last layer must give one score per class (or value per output), shape (K,); it gives {shape}. "
                "End the network with Flatten() and Dense(K)."
            )
        self._input_shape = in_shapes[0]
        self._dtype = dtype
        self._readout = get_activation(self.output)
        self._loss = get_loss(self.loss or READOUT_LOSS[self.output])
        # row c is what the loss compares the outputs with for class c, gathered per batch: one-hot
        # rows, or with one sigmoid unit 0 and 1 (two classes); regression targets are used as they are
        if self.output == "linear":
            self._class_targets = None
        elif self.output == "sigmoid" and shape[0] == 1:
            self._class_targets = np.array([[0.0], [1.0]], dtype=dtype)
        else:
            self._class_targets = np.eye(shape[0], dtype=dtype)
        self._chunk = chunk_rows(layers, in_shapes)
        self._rng = np.random.default_rng([int(self.seed), 1])  # shuffling stream
        self._order, self._pos = None, 0
        self._epoch_from = (0.0, 0)  # (epoch_, n_seen_) when the training set last changed size
        self.layers_ = layers
        self._param_layers = [x for x in layers if x.params]
        self._flat = FlatParameters(self._param_layers, dtype)  # the layers' arrays become views into it
        self.n_outputs_ = shape[0]
        if self._class_targets is not None:
            self.classes_ = np.arange(len(self._class_targets))
        elif hasattr(self, "classes_"):
            del self.classes_  # a classifier re-initialised as a regression
        self.optimizer_ = get_optimizer(self.optimizer, float(self.lr))
        self.steps_, self.n_seen_, self.n_train_ = 0, 0, 0
        self.epoch_ = 0.0
        self.status_, self.message_, self.reason_ = "ready", "", ""
        self.history_ = {k: [] for k in ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")}
        self._start_guard()
        return self

    def set_params(self, **params):
        """Change parameters by name.  On a fitted model the training ones (optimizer, lr, batch_size,
        epochs, l1, l2) act at once and keep the weights (a new optimizer starts with fresh state); the
        network's (layers, init, seed, dtype) take effect at the next :meth:`initialize` or :meth:`fit`."""
        fitted = self.is_fitted()
        if fitted and "lr" in params:  # checked before it is stored: a refused rate leaves the model as it was
            check_number("lr", params["lr"], 0, low_open=True)
        super().set_params(**params)
        if fitted:
            if "lr" in params:
                self.optimizer_.lr = float(self.lr)
            if "optimizer" in params:
                self.optimizer_ = get_optimizer(self.optimizer, float(self.lr))
        return self

    def named_parameters(self) -> list[tuple[str, np.ndarray]]:
        """``[("W0", W), ("b0", b), ("W1", ...), ...]``: each layer's weights then biases, layer by layer."""
        self._check_fitted()
        return [(f"{kind}{i}", p) for i, layer in enumerate(self._param_layers) for kind, p in zip("Wb", layer.params)]

    def parameters(self) -> list[np.ndarray]:
        """All trainable arrays, one list built from the layers (views into one flat array, which the
        training loop's optimizer steps at once: :mod:`engine.flat`)."""
        self._check_fitted()
        return [p for layer in self._param_layers for p in layer.params]

    def is_fitted(self) -> bool:
        return "layers_" in vars(self)  # initialize sets every learned attribute at once

    # ---------------------------------------------------------------- inputs
    def _check_X(self, X, name="X") -> np.ndarray:
        return check_rows(X, self._input_shape, self._dtype, name)

    def _check_Xy(self, X, y, names=("X", "y")):
        """Checked inputs and targets: labels ``(N,)`` for a classifier, values ``(N, K)`` for regression."""
        X = self._check_X(X, names[0])
        if self._class_targets is not None:
            return X, check_labels(y, len(X), len(self.classes_), names[1])
        return X, check_values(y, len(X), self.n_outputs_, self._dtype, names[1])

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """What the loss compares the outputs with: one-hot rows of labels, or the values themselves."""
        return y if self._class_targets is None else self._class_targets.take(y, axis=0)

    # --------------------------------------------------------- forward, backward
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Readout output ``(N, K)`` of a checked batch; every layer keeps what its backward pass
        needs, and ``self._z`` keeps the scores the loss reads."""
        for layer in self.layers_:
            X = layer.forward(X, training)
        self._z = X
        return self._readout.value(X)

    def backward(self, dz: np.ndarray) -> None:
        """dL/d(scores) back through the layers; each keeps its parameter gradients in ``grads``."""
        layers = self.layers_
        for i in range(len(layers) - 1, -1, -1):
            dz = layers[i].backward(dz, need_dx=i > 0)  # the input itself needs no gradient

    def _weights(self) -> list[np.ndarray]:
        return [layer.params[0] for layer in self._param_layers]

    def _loss_and_grads(self, X, Y, n_total, l1, l2, loss_from=None, training=False) -> float:
        """:meth:`loss_and_grads` of checked arrays: forward, loss, backward, and the penalty's
        share of both (``l1``, ``l2`` checked, ``n_total`` the training rows that scale it).  The
        gradients are left in the flat array behind the layers' (``self._flat.grads``)."""
        a = self.forward(X, training)
        if loss_from == "logits":
            loss = self._loss.value_from_logits(self._z, a, Y, self._readout)
        elif loss_from == "outputs":
            loss = self._loss.value(a, Y)
        else:
            loss = float("nan")
        self.backward(self._loss.delta(self._z, a, Y, self._readout))
        self._flat.gather()
        if l1 or l2:  # (looked at only when there is a penalty: a small network's step notices the call)
            weights = self._weights()
            if loss_from:
                loss += penalty(weights, l1, l2, n_total)
            for g, W in zip(self._flat.weight_grads, weights):
                g += penalty_grad(W, l1, l2, n_total)
        return loss

    def loss_and_grads(self, X, Y, n_total=None, loss_from="logits", training=False):
        """Loss of one batch and its gradients, aligned with :meth:`parameters`.

        Parameters
        ----------
        X : inputs ``(N, *input_shape)``; Y : ``(N, K)`` one-hot targets (regression: the values)
        n_total : training-set size used to scale the penalty (default N)
        loss_from : {"logits", "outputs", None}
            "logits" computes the loss stably from the scores; "outputs" from the clipped
            outputs (enough to watch training); None skips it (loss is then nan)
        """
        self._check_fitted()
        _, l1, l2 = check_settings(self)
        X = self._check_X(X)
        if self._class_targets is None:
            Y = check_values(Y, len(X), self.n_outputs_, self._dtype, "Y")
        else:
            Y = check_one_hot(Y, len(X), self.n_outputs_, self._dtype)
        n_total = len(X) if n_total is None else check_number("n_total", n_total, 1, integer=True)
        self._flat = self._flat.attached(self._param_layers)
        loss = self._loss_and_grads(X, Y, n_total, l1, l2, loss_from, training)
        return loss, [g.copy() for g in self._flat.grad_views]  # the next backward pass overwrites those

    # --------------------- training (predict_proba, predict and score: engine.evaluation)
    def partial_fit(self, X, y, n_batches=None, X_test=None, y_test=None, time_budget=None, record=True,
                    clock=time.perf_counter):
        """Advance training by ``n_batches`` mini-batches (default: one epoch's worth).

        Continues where the last call stopped (weights, optimizer state, place in the
        shuffled epoch).  Stops early after ``time_budget`` seconds by ``clock`` (a server
        passes its thread's CPU time: on a busy machine wall time measures the others) or on divergence
        (``status_ == "diverged"``; ``message_`` says why and what to try); a run that is
        stuck trains on with ``notice_`` saying so.  With ``record`` a point is added to
        ``history_``.  Returns self.
        """
        checked = self._fit_begins(X, y, n_batches, X_test, y_test, time_budget)
        if checked is not None:
            X, y, n_batches, X_test, y_test = checked
            steps_before = self.steps_
            self._train(X, y, n_batches, time_budget, clock)
            self._fit_ends(X, y, X_test, y_test, record and self.steps_ > steps_before)
        return self

    def _fit_begins(self, X, y, n_batches, X_test, y_test, time_budget):
        """What :meth:`partial_fit` does before the loop: ``(X, y, n_batches, X_test, y_test)``
        checked, or None when the point before any training found the run diverged."""
        if not self.is_fitted():
            self.initialize()
        batch_size, _, _ = check_settings(self)
        # checked at every call (one fast pass): data changed in place is seen, and rows added or removed
        X, y = self._check_Xy(X, y)
        if X_test is not None or y_test is not None:
            X_test, y_test = self._check_Xy(X_test, y_test, ("X_test", "y_test"))
        n = len(X)
        if self.n_train_ and n != self.n_train_:  # rows added or removed: epochs count on from here
            self._epoch_from, self._order = (self.epoch_, self.n_seen_), None
        self.n_train_ = n
        if n_batches is None:
            n_batches = -(-n // batch_size)  # one epoch
        n_batches = check_number("n_batches", n_batches, 0, integer=True)
        if time_budget is not None:
            check_number("time_budget", time_budget, 0)
        if not self.history_["step"] or self.watch_.start_loss is None:
            # the point before any training (a network loaded with its history: where it resumes here,
            # which also starts the guard from its loss on this data)
            self._record(X, y, X_test, y_test)
            if self.status_ == "diverged":
                return None
        self.status_, self.message_, self.reason_ = "training", "", ""  # they describe the latest call
        self.rolled_back_to_ = None
        return X, y, n_batches, X_test, y_test

    def _fit_ends(self, X, y, X_test, y_test, record: bool) -> None:
        """What :meth:`partial_fit` does after the loop: a history point if ``record`` (or diverged)."""
        if record or self.status_ == "diverged":
            self._record(X, y, X_test, y_test)
        if self.status_ == "training":
            self.status_ = "ready"

    def _train(self, X, y, n_batches: int, time_budget: float | None = None, clock=time.perf_counter) -> None:
        """The loop, on checked data: ``n_batches`` steps of mini-batch gradient descent, each
        watched every ``monitor_every`` steps (a divergence rolls back and ends it)."""
        n, (batch_size, l1, l2) = len(X), check_settings(self)
        if isinstance(self.optimizer, str):
            self.optimizer_.lr = float(self.lr)  # a learning rate set as a plain attribute counts too
        every, rows, start = self._monitor_every(n, batch_size), self._rows_every(n, batch_size), clock()
        self._flat = self._flat.attached(self._param_layers)
        # one array for all parameters, one for their gradients: one update of the whole network
        params, grads, step = [self._flat.params], [self._flat.grads], self.optimizer_.step
        # (looked up once, not at every step: on a small network every lookup in the loop shows)
        watch_from, (epoch_at, seen_at) = self._loss.watch_from, self._epoch_from
        with np.errstate(over="ignore", invalid="ignore"):  # the watch judges what overflows
            for _ in range(n_batches):
                idx = self._batch(n, batch_size)
                yb = y.take(idx, axis=0)  # (take: the same rows as y[idx], sooner; Pixels take too)
                watched = self.steps_ % every == 0
                loss = self._loss_and_grads(X.take(idx, axis=0), self._targets(yb), n, l1, l2,
                                            watch_from if watched else None, training=True)
                if watched and not self._monitor(loss, yb, every):
                    break
                step(params, grads)
                self.steps_ += 1
                self.n_seen_ += len(idx)
                self.epoch_ = epoch_at + (self.n_seen_ - seen_at) / n
                self._row["steps"] += 1
                if self._row["steps"] >= rows:  # a tenth of an epoch or so: a row of running means
                    self._close_row(l1, l2)
                if time_budget is not None and clock() - start >= time_budget:
                    break

    def _batch(self, n: int, batch_size: int) -> np.ndarray:
        """Indices of the next mini-batch; reshuffles at each epoch boundary."""
        if self._order is None or self._pos >= n:
            self._order, self._pos = self._rng.permutation(n), 0
        idx = self._order[self._pos : self._pos + batch_size]
        self._pos += len(idx)
        return idx

    def fit(self, X, y, X_test=None, y_test=None, epochs=None):
        """Train from fresh weights for ``epochs`` epochs (default ``self.epochs``); one history point
        per epoch.  Stops early on divergence (a notice does not stop it).  Returns self.
        """
        self.initialize()
        epochs = self.epochs if epochs is None else epochs
        for _ in range(check_number("epochs", epochs, 0, integer=True)):
            self.partial_fit(X, y, X_test=X_test, y_test=y_test)
            if self.status_ == "diverged":
                return self
        if self.status_ == "ready" and not self.history_["step"]:
            self.partial_fit(X, y, 0, X_test, y_test)  # zero epochs: still check the data and record the start
        if self.status_ == "ready":
            self.status_, self.message_ = "done", self.chance_notice()
        return self

    def batches_to(self, epoch: float, n: int) -> int:
        """Mini-batches still needed to reach ``epoch`` on ``n`` training rows (0 if already there)."""
        start, seen = self._epoch_from
        return max(0, int(np.ceil(((epoch - start) * n - (self.n_seen_ - seen)) / int(self.batch_size) - 1e-9)))
