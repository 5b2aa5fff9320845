"""A multi-layer perceptron trained by backpropagation, sklearn style.

>>> from engine import MLP, load_iris
>>> data = load_iris()
>>> model = MLP([4, 40, 3], activation="sigmoid", lr=0.5, epochs=30).fit(data.X, data.y)
>>> model.score(data.X, data.y)  # doctest: +SKIP

Shapes: ``X`` is ``(N, layer_sizes[0])``; ``y`` holds integer labels
``0..K-1`` with ``K = layer_sizes[-1]``.  Weights ``weights_[l]`` are
``(n_l, n_{l+1})`` and biases ``biases_[l]`` are ``(n_{l+1},)``.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .activations import get_activation
from .init import init_layer
from .layers import dense_backward, dense_forward
from .losses import get_loss, one_hot
from .optimizers import get_optimizer
from .regularization import penalty, penalty_grad

READOUT_LOSS = {"softmax": "cce", "sigmoid": "bce"}


class MLP:
    """Fully connected network: hidden layers with any activation, sigmoid or softmax readout.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_inputs, hidden..., n_classes]``; at least two entries.
    activation : str or list of str
        Hidden-layer activation, one name for all or one per hidden layer.
    output : {"softmax", "sigmoid"}
        Readout activation.
    loss : {"cce", "bce", "mse"} or None
        Defaults to cross-entropy matching the readout.
    init : {"gaussian", "gaussian_scaled", "xavier", "he"}
    optimizer : {"sgd", "momentum", "rmsprop", "adam"} or Optimizer
    lr, batch_size, epochs : learning rate, mini-batch size, epochs used by ``fit``
    l1, l2 : penalty strengths (lambda), scaled by ``1/n`` as in Nielsen
    seed : int, seeds initial weights and shuffling
    dtype : "float64" or "float32"
    divergence_factor : float
        Training stops when a loss is NaN/inf, or when the training loss (or a running
        average of batch losses) exceeds this many times the loss at the start.
    monitor_every : int or "auto"
        Record batch loss, per-layer gradient norms and dead-ReLU fraction (and check
        for divergence) every this many steps; "auto" monitors every step while an
        epoch has fewer than 200 batches, and 100 to 200 steps an epoch beyond that.
    eval_max_rows : int or None
        History points measure loss and accuracy on at most this many rows of the
        training and test sets (the first ones), to keep big data sets cheap.
    """

    def __init__(
        self,
        layer_sizes,
        activation="sigmoid",
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
        self.layer_sizes = [int(n) for n in layer_sizes]
        if len(self.layer_sizes) < 2 or min(self.layer_sizes) < 1:
            raise ValueError("layer_sizes needs at least an input and an output size, all >= 1.")
        n_hidden = len(self.layer_sizes) - 2
        acts = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(acts) != n_hidden:
            raise ValueError(f"Got {len(acts)} activations for {n_hidden} hidden layers.")
        if output not in READOUT_LOSS:
            raise ValueError("output must be 'softmax' or 'sigmoid'.")
        self.activation = acts
        self.output = output
        self.loss = loss or READOUT_LOSS[output]
        self.init = init
        self.optimizer = optimizer
        self.lr = float(lr)
        self.batch_size = int(batch_size)
        self.epochs = int(epochs)
        self.l1, self.l2 = float(l1), float(l2)
        self.seed = int(seed)
        self.dtype = np.dtype(dtype)
        self.divergence_factor = float(divergence_factor)
        self.eval_max_rows = None if eval_max_rows is None else max(1, int(eval_max_rows))
        self.monitor_every = monitor_every if monitor_every == "auto" else max(1, int(monitor_every))
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1.")
        if not np.isfinite(self.lr) or self.lr <= 0:
            raise ValueError("The learning rate must be a positive number.")
        self._acts = [get_activation(a) for a in acts] + [get_activation(output)]
        self._loss = get_loss(self.loss)
        self.weights_ = None

    # ------------------------------------------------------------------ setup
    def initialize(self) -> "MLP":
        """Draw fresh weights from ``seed`` and clear all training state."""
        rng = np.random.default_rng(self.seed)
        self.weights_, self.biases_ = [], []
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            W, b = init_layer(n_in, n_out, self.init, rng, self.dtype)
            self.weights_.append(W)
            self.biases_.append(b)
        self.classes_ = np.arange(self.layer_sizes[-1])
        self.optimizer_ = get_optimizer(self.optimizer, self.lr)
        self._rng = np.random.default_rng([self.seed, 1])  # shuffling stream
        self._order, self._pos = None, 0
        self.steps_, self.n_seen_, self.n_train_ = 0, 0, 0
        self.epoch_ = 0.0
        self.status_, self.message_ = "ready", ""
        self.history_ = {k: [] for k in ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")}
        self.stats_ = {"step": [], "batch_loss": [], "grad_norms": [], "dead_fraction": []}
        self._start_loss = None
        self._loss_ema = None  # running average of batch losses, for divergence
        self._snapshot = None
        self._valid = None  # (arrays passed in, validated arrays) of the last partial_fit
        return self

    def set_lr(self, lr: float) -> None:
        """Change the learning rate; weights and optimizer state are kept."""
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError("The learning rate must be a positive number.")
        self.lr = float(lr)
        if self.weights_ is not None:
            self.optimizer_.lr = self.lr

    def set_optimizer(self, optimizer) -> None:
        """Switch optimizer (fresh state); weights are kept."""
        self.optimizer = optimizer
        if self.weights_ is not None:
            self.optimizer_ = get_optimizer(optimizer, self.lr)

    # ---------------------------------------------------------------- forward
    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (N, {self.layer_sizes[0]}); got {X.shape}.")
        # NaN propagates through min/max and inf shows up as an extreme: two fast passes
        if X.size and not (np.isfinite(X.min()) and np.isfinite(X.max())):
            raise ValueError("X contains NaN or infinite values.")
        return X

    def _check_y(self, y, n: int) -> np.ndarray:
        y = np.asarray(y)
        k = self.layer_sizes[-1]
        if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= k:
            raise ValueError(f"y must be {n} integer labels in 0..{k - 1}.")
        return y

    def _checked(self, X, y, X_test, y_test):
        """Validate training arrays once; later calls with the same objects skip the scan."""
        key = (X, y, X_test, y_test)
        if self._valid is None or any(a is not b for a, b in zip(key, self._valid[0])):
            X = self._check_X(X)
            y = self._check_y(y, len(X))
            if X_test is not None:
                X_test = self._check_X(X_test)
                y_test = self._check_y(y_test, len(X_test))
            Y = one_hot(y, self.layer_sizes[-1], self.dtype)  # gathered per batch below
            self._valid = (key, (X, y, Y, X_test, y_test))
        return self._valid[1]

    def forward(self, X: np.ndarray):
        """Return the output ``(N, K)`` and per-layer caches ``[(dense_cache, z, a), ...]``."""
        a, caches = X, []
        for W, b, act in zip(self.weights_, self.biases_, self._acts):
            z, dense_cache = dense_forward(a, W, b)
            a = act.value(z)
            caches.append((dense_cache, z, a))
        return a, caches

    def layer_outputs(self, X) -> list[np.ndarray]:
        """Every layer's output for ``X``: hidden activations first, the readout last."""
        return [a for _, _, a in self.forward(self._check_X(X))[1]]

    def predict_proba(self, X) -> np.ndarray:
        """Readout activations ``(N, K)`` (probabilities for softmax)."""
        return self.forward(self._check_X(X))[0]

    def predict(self, X) -> np.ndarray:
        """Predicted labels ``(N,)``."""
        return np.argmax(self.predict_proba(X), axis=1)

    def score(self, X, y) -> float:
        """Accuracy in [0, 1]."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def _loss_from(self, z, a, Y, n_total) -> float:
        data = self._loss.value_from_logits(z, a, Y, self._acts[-1])
        return data + penalty(self.weights_, self.l1, self.l2, n_total)

    def evaluate(self, X, y) -> tuple[float, float]:
        """(loss including penalty, accuracy) on a data set."""
        X = self._check_X(X)
        return self._evaluate(X, self._check_y(y, len(X)))

    def _evaluate(self, X, y) -> tuple[float, float]:
        """:meth:`evaluate` on arrays already validated."""
        a, caches = self.forward(X)
        Y = one_hot(y, self.layer_sizes[-1], self.dtype)
        loss = self._loss_from(caches[-1][1], a, Y, self.n_train_ or len(X))
        return loss, float(np.mean(np.argmax(a, axis=1) == y))

    # --------------------------------------------------------------- backward
    def gradients(self, X: np.ndarray, Y: np.ndarray, n_total: int | None = None, loss_from="logits"):
        """Loss and gradients of one batch.

        Parameters
        ----------
        X : (N, n_in) inputs; Y : (N, K) one-hot targets
        n_total : training-set size used to scale the penalty (default N)
        loss_from : {"logits", "outputs", None}
            "logits" computes the loss stably from the pre-activations; "outputs"
            from the clipped outputs (faster, enough to watch training and spot
            divergence); None skips it (loss is then nan)

        Returns
        -------
        loss : float
        grads_W, grads_b : lists matching ``weights_`` and ``biases_``
        caches : the forward caches (for diagnostics)
        """
        n_total = n_total or len(X)
        a, caches = self.forward(X)
        z_out = caches[-1][1]
        if loss_from == "logits":
            loss = self._loss_from(z_out, a, Y, n_total)
        elif loss_from == "outputs":
            loss = self._loss.value(a, Y) + penalty(self.weights_, self.l1, self.l2, n_total)
        else:
            loss = float("nan")
        dz = self._loss.delta(z_out, a, Y, self._acts[-1])
        grads_W, grads_b = [None] * len(self.weights_), [None] * len(self.weights_)
        for layer in range(len(self.weights_) - 1, -1, -1):
            dense_cache, _, _ = caches[layer]
            da, dW, db = dense_backward(dz, dense_cache, need_dx=layer > 0)
            reg = penalty_grad(self.weights_[layer], self.l1, self.l2, n_total)
            grads_W[layer] = dW if reg is None else dW + reg
            grads_b[layer] = db
            if layer > 0:
                _, z_prev, a_prev = caches[layer - 1]
                dz = self._acts[layer - 1].backward(da, z_prev, a_prev)
        return loss, grads_W, grads_b, caches

    # --------------------------------------------------------------- training
    def _batch(self, X, n):
        """Indices of the next mini-batch; reshuffles at each epoch boundary."""
        if self._order is None or self._pos >= n:
            self._order, self._pos = self._rng.permutation(n), 0
        idx = self._order[self._pos : self._pos + self.batch_size]
        self._pos += len(idx)
        return idx

    def _dead_fraction(self, caches) -> list[float]:
        """Per hidden layer: fraction of ReLU units that output 0 for every row of the batch."""
        out = []
        for (_, z, _), act in zip(caches[:-1], self._acts[:-1]):
            alive = np.count_nonzero((z > 0).any(axis=0)) if act.name == "relu" else None
            out.append(float("nan") if alive is None else 1.0 - alive / z.shape[1])
        return out

    def _loss_limit(self) -> float:
        """A loss above this counts as divergence: ``divergence_factor`` times the loss at the start."""
        return self.divergence_factor * max(self._start_loss, 1e-3)

    def _monitor(self, loss, gW, caches) -> bool:
        """Record one step's diagnostics; return False (and roll back) if training diverged."""
        norms = [math.sqrt(np.vdot(g, g)) for g in gW]
        if not (math.isfinite(loss) and all(map(math.isfinite, norms))):
            self._diverge(f"the loss became {loss}")
            return False
        # a running average that starts at the full-data loss: one bad batch (batch size 1!) moves
        # it by a tenth of its excess, a run of exploding batches moves it fast
        prev = self._start_loss if self._loss_ema is None else self._loss_ema
        ema = self._loss_ema = 0.9 * prev + 0.1 * loss
        if ema > self._loss_limit():
            self._diverge(f"the loss climbed to {ema:.4g} (it started at {self._start_loss:.4g})")
            return False
        s = self.stats_
        s["step"].append(self.steps_)
        s["batch_loss"].append(loss)
        s["grad_norms"].append(norms)
        s["dead_fraction"].append(self._dead_fraction(caches))
        return True

    def _diverge(self, why: str) -> None:
        self.status_ = "diverged"
        if self._snapshot is not None:
            self.weights_ = [W.copy() for W in self._snapshot[0]]
            self.biases_ = [b.copy() for b in self._snapshot[1]]
        self.optimizer_ = get_optimizer(self.optimizer, self.lr)  # its state is poisoned too
        self._loss_ema = None
        kept = (
            f"The weights were rolled back to the last healthy state (epoch {self._snapshot[2]:.2f})."
            if self._snapshot is not None
            else "There was no healthy state to go back to: check the inputs and the initialisation."
        )
        self.message_ = (
            f"Training diverged at step {self.steps_} (epoch {self.epoch_:.2f}): {why}. {kept} "
            "Try a smaller learning rate."
        )

    @np.errstate(over="ignore", invalid="ignore")
    def _record(self, X, y, X_test, y_test) -> None:
        if self.eval_max_rows is not None:
            k = self.eval_max_rows
            X, y = X[:k], y[:k]
            X_test, y_test = (None, None) if X_test is None else (X_test[:k], y_test[:k])

        def measure():
            test = self._evaluate(X_test, y_test) if X_test is not None and len(X_test) else (np.nan, np.nan)
            return (*self._evaluate(X, y), *test)

        loss, acc, t_loss, t_acc = measure()
        h = self.history_
        if self._start_loss is None:
            self._start_loss = loss
        if not np.isfinite(loss) or loss > self._loss_limit():
            self._diverge(f"the training loss reached {loss:.4g} (it started at {self._start_loss:.4g})")
            loss, acc, t_loss, t_acc = measure()  # of the rolled-back weights
        else:
            self._snapshot = (
                [W.copy() for W in self.weights_],
                [b.copy() for b in self.biases_],
                self.epoch_,
            )
        for key, val in zip(h, (self.steps_, self.epoch_, loss, acc, t_loss, t_acc)):
            h[key].append(val)

    def partial_fit(self, X, y, n_batches=None, X_test=None, y_test=None, time_budget=None, record=True):
        """Advance training by ``n_batches`` mini-batches (default: one epoch's worth).

        Continues where the last call stopped (weights, optimizer state, place in
        the shuffled epoch).  Stops early after ``time_budget`` seconds or on
        divergence (``status_ == "diverged"``, ``message_`` says why).  With
        ``record`` a point is added to ``history_``.

        Returns
        -------
        self
        """
        if self.weights_ is None:
            self.initialize()
        X, y, Y, X_test, y_test = self._checked(X, y, X_test, y_test)
        n = len(X)
        self.n_train_ = n
        if not self.history_["step"]:
            self._record(X, y, X_test, y_test)  # the point before any training
        if n_batches is None:
            n_batches = -(-n // self.batch_size)
        self.status_ = "training"
        params = self.weights_ + self.biases_
        every = self.monitor_every
        if every == "auto":  # about 100 monitored steps per epoch are plenty for a chart
            every = max(1, -(-n // self.batch_size) // 100)
        start, steps_before = time.perf_counter(), self.steps_
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked in _monitor
            for _ in range(int(n_batches)):
                idx = self._batch(X, n)
                monitor = self.steps_ % every == 0
                loss, gW, gb, caches = self.gradients(
                    X[idx], Y[idx], n, loss_from="outputs" if monitor else None
                )
                if monitor and not self._monitor(loss, gW, caches):
                    break  # diverged
                self.optimizer_.step(params, gW + gb)
                self.steps_ += 1
                self.n_seen_ += len(idx)
                self.epoch_ = self.n_seen_ / n
                if time_budget is not None and time.perf_counter() - start >= time_budget:
                    break
        if (record and self.steps_ > steps_before) or self.status_ == "diverged":
            self._record(X, y, X_test, y_test)
        if self.status_ == "training":
            self.status_ = "ready"
        return self

    def fit(self, X, y, X_test=None, y_test=None, epochs=None):
        """Train from fresh weights for ``epochs`` epochs; one history point per epoch.

        Returns
        -------
        self
        """
        self.initialize()
        for _ in range(self.epochs if epochs is None else int(epochs)):
            self.partial_fit(X, y, X_test=X_test, y_test=y_test)
            if self.status_ == "diverged":
                break
        if self.status_ != "diverged":
            self.status_ = "done"
        return self

    def train_iter(self, X, y, chunk=50, X_test=None, y_test=None, epochs=None):
        """Generator: train ``chunk`` mini-batches at a time and yield the latest history row.

        Ends after ``epochs`` epochs (default ``self.epochs``) or on divergence.
        """
        if self.weights_ is None:
            self.initialize()
        target = self.epochs if epochs is None else epochs
        while self.epoch_ < target - 1e-12 and self.status_ != "diverged":
            self.partial_fit(X, y, min(chunk, max(self.batches_to(target, len(X)), 1)), X_test, y_test)
            yield {key: vals[-1] for key, vals in self.history_.items()}

    def batches_to(self, epoch: float, n: int) -> int:
        """Mini-batches still needed to reach ``epoch`` on ``n`` training rows (0 if already there)."""
        return max(0, int(np.ceil((epoch * n - self.n_seen_) / self.batch_size - 1e-9)))

    @property
    def params(self) -> list[np.ndarray]:
        """All trainable arrays: weights then biases."""
        return self.weights_ + self.biases_

    def __repr__(self):
        return (
            f"MLP({self.layer_sizes}, activation={self.activation}, output={self.output!r}, "
            f"optimizer={self.optimizer!r}, lr={self.lr})"
        )
