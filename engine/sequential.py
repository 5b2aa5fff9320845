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

One training loop serves every network here (the MLP is a Sequential of Dense
layers): forward through the layers, the loss's delta, backward through the layers
(each keeps its gradients), one optimizer step over :meth:`Sequential.parameters`.
A :class:`~engine.watch.Watch` names divergence and stalls; after a divergence the
weights go back to the last healthy history point.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .activations import get_activation
from .estimator import Estimator
from .init import SCHEMES
from .layers import Activation, Layer, layer_names
from .losses import LOSSES, get_loss
from .metrics import r2_from_sums
from .optimizers import OPTIMIZERS, Optimizer, get_optimizer
from .regularization import penalty, penalty_grad
from .validation import as_float_array, check_choice, check_labels, check_number
from .watch import LOWER_LR, Watch

READOUT_LOSS = {"softmax": "cce", "sigmoid": "bce", "linear": "mse"}
EVAL_FLOATS = 2**22  # evaluation runs in chunks of rows that hold at most this many numbers per layer


class Sequential(Estimator):
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
        Record batch loss, per-layer gradient norms and dead-ReLU fraction (and check for
        divergence) every this many steps; "auto" monitors every step while an epoch has
        fewer than 200 batches, and 100 to 200 steps an epoch beyond that.
    eval_max_rows : int or None
        History points measure loss and accuracy on at most this many rows of the training
        and test sets (the first ones), to keep big data sets cheap.

    Learned: ``layers_``, ``n_outputs_``, ``classes_`` (classification only), ``optimizer_``,
    ``history_`` and ``stats_`` (see :meth:`partial_fit`), ``status_``, ``message_``, ``steps_``,
    ``epoch_``.  ``history_`` keys are the same for both kinds of problem: for regression
    ``train_acc`` and ``test_acc`` hold the R², not an accuracy.
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
        if not isinstance(self.layers, (list, tuple)) or not all(isinstance(x, Layer) for x in self.layers):
            raise TypeError("layers must be a list of layers (Dense, Conv2D, Activation, ...).")
        if not self.layers:
            raise ValueError("layers is empty; a network needs at least one layer.")
        shape = self.input_shape
        if isinstance(shape, (int, np.integer)):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not shape:
            raise ValueError(f"input_shape must be a tuple such as (4,) or (1, 28, 28); got {shape!r}.")
        shape = tuple(check_number("input_shape", n, 1, integer=True) for n in shape)
        return [layer.clone() for layer in self.layers], shape

    def _check_params(self) -> tuple:
        """Check every parameter (cheap: it runs at each partial_fit, so direct attribute changes
        are checked too).  Returns the ones the loop uses as ``(batch_size, l1, l2)``."""
        check_choice("output", self.output, tuple(READOUT_LOSS))
        if self.loss is not None:
            check_choice("loss", self.loss, tuple(LOSSES))
            if self.output == "linear" and self.loss != "mse":
                # a cross-entropy needs probabilities; a linear readout's values can be anything
                raise ValueError(f"A linear readout (regression) trains with loss 'mse'; got {self.loss!r}.")
        check_choice("init", self.init, SCHEMES)
        if not isinstance(self.optimizer, Optimizer):
            check_choice("optimizer", self.optimizer, tuple(OPTIMIZERS))
        try:
            dtype = str(np.dtype(self.dtype))
        except TypeError:
            dtype = self.dtype
        check_choice("dtype", dtype, ("float32", "float64"))
        check_number("lr", self.lr, 0, low_open=True)
        check_number("epochs", self.epochs, 0, integer=True)
        check_number("seed", self.seed, 0, integer=True)
        check_number("divergence_factor", self.divergence_factor, 1, low_open=True)
        if self.monitor_every != "auto":
            check_number("monitor_every", self.monitor_every, 1, integer=True)
        if self.eval_max_rows is not None:
            check_number("eval_max_rows", self.eval_max_rows, 1, integer=True)
        return (
            check_number("batch_size", self.batch_size, 1, integer=True),
            check_number("l1", self.l1, 0),
            check_number("l2", self.l2, 0),
        )

    def initialize(self):
        """Check the parameters, build the layers with fresh weights from ``seed``, clear all training state."""
        self._check_params()
        layers, shape = self._declare()
        dtype = np.dtype(self.dtype)
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
        # one-hot rows, gathered per batch; regression targets are used as they are
        self._eye = None if self.output == "linear" else np.eye(shape[0], dtype=dtype)
        row = max(max(layer.row_floats(s) for layer, s in zip(layers, in_shapes)), math.prod(in_shapes[0]))
        self._chunk = max(1, EVAL_FLOATS // row)
        self._rng = np.random.default_rng([int(self.seed), 1])  # shuffling stream
        self._order, self._pos = None, 0
        self._snapshot = None
        self.layers_ = layers
        self._param_layers = [x for x in layers if x.params]
        sizes = [len(x.params) for x in self._param_layers]
        self._weight_slots = [sum(sizes[:i]) for i in range(len(sizes))]  # where each layer's W sits in parameters()
        self.n_outputs_ = shape[0]
        if self._eye is not None:
            self.classes_ = np.arange(shape[0])
        elif hasattr(self, "classes_"):
            del self.classes_  # a classifier re-initialised as a regression
        self.optimizer_ = get_optimizer(self.optimizer, float(self.lr))
        self.watch_ = Watch(float(self.divergence_factor))
        self.steps_, self.n_seen_, self.n_train_ = 0, 0, 0
        self.epoch_ = 0.0
        self.status_, self.message_ = "ready", ""
        self.rolled_back_to_ = None  # after a divergence: the epoch the restored weights come from
        self.history_ = {k: [] for k in ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")}
        self.stats_ = {"step": [], "batch_loss": [], "grad_norms": [], "dead_fraction": []}
        return self

    def is_regression(self) -> bool:
        """True with a linear readout: values are predicted and scored by R²."""
        return self.output == "linear"

    def set_params(self, **params):
        """Change parameters by name.  On a fitted model the training ones (optimizer, lr, batch_size,
        epochs, l1, l2) act at once and keep the weights (a new optimizer starts with fresh state); the
        network's (layers, init, seed, dtype) take effect at the next :meth:`initialize` or :meth:`fit`."""
        super().set_params(**params)
        if self.is_fitted():
            if "lr" in params:
                self.optimizer_.lr = check_number("lr", self.lr, 0, low_open=True)
            if "optimizer" in params:
                self.optimizer_ = get_optimizer(self.optimizer, float(self.lr))
        return self

    def set_lr(self, lr: float) -> None:
        """Change the learning rate; weights and optimizer state are kept."""
        check_number("lr", lr, 0, low_open=True)
        self.set_params(lr=lr)

    def set_optimizer(self, optimizer) -> None:
        """Switch optimizer (fresh state); weights are kept."""
        self.set_params(optimizer=optimizer)

    def named_parameters(self) -> list[tuple[str, np.ndarray]]:
        """``[("W0", W), ("b0", b), ("W1", ...), ...]``: each layer's weights then biases, layer by layer."""
        self._check_fitted()
        out = []
        for i, layer in enumerate(self._param_layers):
            out += [(f"{kind}{i}", p) for kind, p in zip("Wb", layer.params)]
        return out

    def parameters(self) -> list[np.ndarray]:
        """All trainable arrays, one flat list built from the layers: the optimizer, the gradient
        check and the gradient-norm statistics all loop over this list."""
        return [p for _, p in self.named_parameters()]

    # ---------------------------------------------------------------- inputs
    def _check_X(self, X, name="X") -> np.ndarray:
        X = as_float_array(X, name, self._dtype)
        shape = self._input_shape
        if X.shape[1:] == shape:
            return X
        if X.ndim == 2 and X.shape[1] == math.prod(shape):
            return X.reshape(len(X), *shape)  # flattened rows (e.g. 784 pixels of a 1x28x28 digit)
        want = f"(N, {', '.join(map(str, shape))})" + (f" or (N, {math.prod(shape)})" if len(shape) > 1 else "")
        raise ValueError(f"{name} must have shape {want}: one row per example; got {X.shape}.")

    def _check_Xy(self, X, y, names=("X", "y")):
        """Checked inputs and targets: labels ``(N,)`` for a classifier, values ``(N, K)`` for regression."""
        X = self._check_X(X, names[0])
        if self._eye is not None:
            return X, check_labels(y, len(X), self.n_outputs_, names[1])
        return X, self._check_values(y, len(X), names[1])

    def _check_values(self, y, n: int, name: str) -> np.ndarray:
        y = as_float_array(y, name, self._dtype)
        k = self.n_outputs_
        if y.ndim == 1 and k == 1:
            y = y.reshape(-1, 1)
        if y.shape != (n, k):
            want = f"({n},) or ({n}, 1)" if k == 1 else f"({n}, {k})"
            raise ValueError(f"{name} must hold the target values, shape {want}: one row per example; got {y.shape}.")
        return y

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """What the loss compares the outputs with: one-hot rows of labels, or the values themselves."""
        return y if self._eye is None else self._eye[y]

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

    def _grads(self, n_total: int, l1: float, l2: float) -> list[np.ndarray]:
        """Every layer's gradients, aligned with :meth:`parameters`, with the penalty's on the weights."""
        out = [g for layer in self._param_layers for g in layer.grads]
        if l1 or l2:
            for i, W in zip(self._weight_slots, self._weights()):
                out[i] = out[i] + penalty_grad(W, l1, l2, n_total)
        return out

    def _weights(self) -> list[np.ndarray]:
        return [layer.params[0] for layer in self._param_layers]

    def _batch_loss(self, a, Y, n_total, l1, l2, loss_from) -> float:
        if loss_from == "logits":
            data = self._loss.value_from_logits(self._z, a, Y, self._readout)
        elif loss_from == "outputs":
            data = self._loss.value(a, Y)
        else:
            return float("nan")
        return data + penalty(self._weights(), l1, l2, n_total)

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
        _, l1, l2 = self._check_params()
        X = self._check_X(X)
        if self._eye is None:
            Y = self._check_values(Y, len(X), "Y")
        else:
            Y = as_float_array(Y, "Y", self._dtype)
            if Y.shape != (len(X), self.n_outputs_):
                raise ValueError(f"Y must be one-hot targets of shape ({len(X)}, {self.n_outputs_}); got {Y.shape}.")
        n_total = len(X) if n_total is None else check_number("n_total", n_total, 1, integer=True)
        a = self.forward(X, training)
        loss = self._batch_loss(a, Y, n_total, l1, l2, loss_from)
        self.backward(self._loss.delta(self._z, a, Y, self._readout))
        return loss, self._grads(n_total, l1, l2)

    # ------------------------------------------------------------- prediction
    def _proba(self, X: np.ndarray) -> np.ndarray:
        """Readout of checked rows, in chunks (a convolution's im2col would not fit at once)."""
        return np.concatenate([self.forward(X[i : i + self._chunk]) for i in range(0, len(X), self._chunk)])

    def predict_proba(self, X) -> np.ndarray:
        """Readout activations ``(N, K)`` (probabilities for softmax); classification only."""
        self._check_fitted()
        if self._eye is None:
            raise ValueError("This network does regression (output='linear'): it predicts values, not class "
                             "probabilities; use predict(X).")
        return self._proba(self._check_X(X))

    def predict(self, X) -> np.ndarray:
        """Predicted labels ``(N,)``; for regression the predicted values, ``(N,)`` for one output
        (as scikit-learn gives them) or ``(N, K)``."""
        self._check_fitted()
        if self._eye is None:
            values = self._proba(self._check_X(X))
            return values[:, 0] if self.n_outputs_ == 1 else values
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score(self, X, y) -> float:
        """Accuracy in [0, 1]; for regression the R² (scikit-learn's ``r2_score``: at most 1, 0 for
        always predicting the mean, below 0 for worse)."""
        self._check_fitted()
        X, y = self._check_Xy(X, y)
        out = self._proba(X)
        if self._eye is None:
            return r2_from_sums(np.sum((out - y) ** 2, axis=0), np.sum((y - y.mean(axis=0)) ** 2, axis=0))
        return float(np.mean(np.argmax(out, axis=1) == y))

    def evaluate(self, X, y) -> tuple[float, float]:
        """(loss including penalty, accuracy) on a data set; for regression (loss, R²)."""
        self._check_fitted()
        loss, _, acc, _ = self._measure(*self._check_Xy(X, y))
        return loss, acc

    def layer_outputs(self, X) -> list[np.ndarray]:
        """Every layer's output for ``X``, the readout last."""
        self._check_fitted()
        out = [self._check_X(X)]
        for layer in self.layers_:
            out.append(layer.forward(out[-1]))
        return out[1:] + [self._readout.value(out[-1])]

    def _relu_layers(self) -> list[Activation]:
        return [x for x in self.layers_ if isinstance(x, Activation) and x.fn.name == "relu"]

    def _measure(self, X, y) -> tuple[float, float, float, list[float]]:
        """On checked arrays: (loss with penalty, data loss, accuracy or R², dead share per ReLU layer)."""
        data, correct, sse, alive = 0.0, 0, 0.0, None
        for i in range(0, len(X), self._chunk):
            xb, yb = X[i : i + self._chunk], y[i : i + self._chunk]
            a = self.forward(xb)
            # weighted by the chunk's share: exactly the plain value when there is one chunk
            data += self._loss.value_from_logits(self._z, a, self._targets(yb), self._readout) * (len(xb) / len(X))
            if self._eye is None:
                sse = sse + np.sum((a - yb) ** 2, axis=0)
            else:
                correct += np.count_nonzero(np.argmax(a, axis=1) == yb)
            units = [x.alive_units() for x in self._relu_layers()]
            alive = units if alive is None else [u | v for u, v in zip(alive, units)]
        _, l1, l2 = self._check_params()
        loss = data + penalty(self._weights(), l1, l2, self.n_train_ or len(X))
        if self._eye is None:
            acc = r2_from_sums(sse, np.sum((y - y.mean(axis=0)) ** 2, axis=0))
        else:
            acc = correct / len(X)
        return loss, data, acc, [1.0 - u.mean() for u in alive]

    # --------------------------------------------------------------- training
    def _batch(self, n: int, batch_size: int) -> np.ndarray:
        """Indices of the next mini-batch; reshuffles at each epoch boundary."""
        if self._order is None or self._pos >= n:
            self._order, self._pos = self._rng.permutation(n), 0
        idx = self._order[self._pos : self._pos + batch_size]
        self._pos += len(idx)
        return idx

    def _norm(self, arrays) -> float:
        return math.sqrt(sum(float(np.vdot(p, p)) for p in arrays))

    def _monitor(self, loss: float, params: list[np.ndarray], grads: list[np.ndarray]) -> bool:
        """Record one step's diagnostics; return False (and roll back) if training diverged."""
        norms = [math.sqrt(np.vdot(grads[i], grads[i])) for i in self._weight_slots]
        why = self.watch_.batch(loss, math.sqrt(sum(g * g for g in norms)), self._norm(params))
        if why:
            self._diverge(why)
            return False
        s = self.stats_
        s["step"].append(self.steps_)
        s["batch_loss"].append(loss)
        s["grad_norms"].append(norms)
        s["dead_fraction"].append([x.dead_fraction() for x in self.layers_ if isinstance(x, Activation)])
        return True

    def _diverge(self, why: str) -> None:
        self.status_ = "diverged"
        if self._snapshot is not None:
            for p, saved in zip(self.parameters(), self._snapshot[0]):
                p[...] = saved  # in place: every list of these arrays stays valid
        self.optimizer_ = get_optimizer(self.optimizer, float(self.lr))  # its state is poisoned too
        self.watch_.ema = None
        self.rolled_back_to_ = None if self._snapshot is None else self._snapshot[1]
        kept = (
            f"The weights were rolled back to the last healthy state (epoch {self._snapshot[1]:.2f})."
            if self._snapshot is not None
            else "There was no healthy state to go back to: check the inputs and the initialisation."
        )
        self.message_ = f"Training diverged at step {self.steps_} (epoch {self.epoch_:.2f}): {why}. {kept} {LOWER_LR}"

    def _dead_names(self) -> list[str]:
        return [name for name, x in zip(layer_names(self.layers_), self.layers_) if x in self._relu_layers()]

    def _chance_loss(self, y) -> float | None:
        """The loss of always predicting the class frequencies of ``y``: what a network that learned
        nothing from the inputs reaches.  None for regression: there a slow start near the mean's loss
        is common and no stall (falling or not, the R² curve shows it)."""
        if self._eye is None:
            return None
        prior = (np.bincount(y, minlength=self.n_outputs_) / len(y)).astype(self._dtype)
        return self._loss.value(np.broadcast_to(prior, (len(y), len(prior))), self._eye[y])

    @np.errstate(over="ignore", invalid="ignore")
    def _record(self, X, y, X_test, y_test) -> None:
        """Add a history point; the watch judges it (divergence rolls back, a stall sets the status)."""
        if self.eval_max_rows is not None:
            k = int(self.eval_max_rows)
            X, y = X[:k], y[:k]
            X_test, y_test = (None, None) if X_test is None else (X_test[:k], y_test[:k])

        def measure():
            test = (np.nan, np.nan)
            if X_test is not None:
                t_loss, _, t_acc, _ = self._measure(X_test, y_test)
                test = (t_loss, t_acc)
            return (*self._measure(X, y), *test)

        loss, data, acc, dead, t_loss, t_acc = measure()
        watch = self.watch_
        watch.factor = float(self.divergence_factor)
        if watch.start_loss is None and math.isfinite(loss):
            watch.start(loss, self._norm(self.parameters()), self._chance_loss(y))
        if watch.start_loss is None:
            verdict = ("diverged", f"the loss before training is {loss}")
        else:
            verdict = watch.point(loss, self.epoch_, self.steps_, dict(zip(self._dead_names(), dead)), data)
        if verdict and verdict[0] == "diverged":
            self._diverge(verdict[1])
            loss, data, acc, dead, t_loss, t_acc = measure()  # of the rolled-back weights
        elif verdict:
            self.status_, self.message_ = "stalled", f"Training stalled at epoch {self.epoch_:.2f}: {verdict[1]}"
        elif watch.healthy:
            self._snapshot = ([p.copy() for p in self.parameters()], self.epoch_)
        for key, val in zip(self.history_, (self.steps_, self.epoch_, loss, acc, t_loss, t_acc)):
            self.history_[key].append(val)

    def partial_fit(self, X, y, n_batches=None, X_test=None, y_test=None, time_budget=None, record=True):
        """Advance training by ``n_batches`` mini-batches (default: one epoch's worth).

        Continues where the last call stopped (weights, optimizer state, place in the
        shuffled epoch).  Stops early after ``time_budget`` seconds, on divergence
        (``status_ == "diverged"``) or a stall (``"stalled"``); ``message_`` says why and
        what to try.  With ``record`` a point is added to ``history_``.

        Returns
        -------
        self
        """
        if not self.is_fitted():
            self.initialize()
        batch_size, l1, l2 = self._check_params()
        if isinstance(self.optimizer, str):
            self.optimizer_.lr = float(self.lr)  # a learning rate set as a plain attribute counts too
        # checked at every call (one fast pass): data changed in place is seen
        X, y = self._check_Xy(X, y)
        if X_test is not None or y_test is not None:
            X_test, y_test = self._check_Xy(X_test, y_test, ("X_test", "y_test"))
        n = self.n_train_ = len(X)
        per_epoch = -(-n // batch_size)
        n_batches = per_epoch if n_batches is None else check_number("n_batches", n_batches, 0, integer=True)
        if time_budget is not None:
            check_number("time_budget", time_budget, 0)
        if not self.history_["step"] or self.watch_.start_loss is None:
            # the point before any training (a network loaded with its history: where it resumes here,
            # which also starts the guard from its loss on this data)
            self._record(X, y, X_test, y_test)
            if self.status_ == "diverged":
                return self
        every = self.monitor_every
        every = max(1, per_epoch // 100) if every == "auto" else int(every)  # ~100 points an epoch suffice
        self.status_, self.message_ = "training", ""  # both describe the latest call
        self.rolled_back_to_ = None
        params, targets, readout, loss_fn = self.parameters(), self._targets, self._readout, self._loss
        start, steps_before = time.perf_counter(), self.steps_
        with np.errstate(over="ignore", invalid="ignore"):  # the watch judges what overflows
            for _ in range(n_batches):
                idx = self._batch(n, batch_size)
                Y = targets(y[idx])
                a = self.forward(X[idx], training=True)
                self.backward(loss_fn.delta(self._z, a, Y, readout))
                grads = self._grads(n, l1, l2)
                if self.steps_ % every == 0:
                    if not self._monitor(self._batch_loss(a, Y, n, l1, l2, "outputs"), params, grads):
                        break
                self.optimizer_.step(params, grads)
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
        """Train from fresh weights for ``epochs`` epochs (default ``self.epochs``); one history point
        per epoch.  Stops early on divergence or a stall.

        Returns
        -------
        self
        """
        self.initialize()
        epochs = self.epochs if epochs is None else epochs
        for _ in range(check_number("epochs", epochs, 0, integer=True)):
            self.partial_fit(X, y, X_test=X_test, y_test=y_test)
            if self.status_ in ("diverged", "stalled"):
                return self
        if self.status_ == "ready" and not self.history_["step"]:
            self.partial_fit(X, y, 0, X_test, y_test)  # zero epochs: still check the data and record the start
        if self.status_ == "ready":
            self.status_ = "done"
        return self

    def train_iter(self, X, y, chunk=50, X_test=None, y_test=None, epochs=None):
        """Generator: train ``chunk`` mini-batches at a time and yield the latest history row.

        Ends after ``epochs`` epochs (default ``self.epochs``), on divergence or a stall.
        """
        if not self.is_fitted():
            self.initialize()
        target = self.epochs if epochs is None else epochs
        while self.epoch_ < target - 1e-12 and self.status_ not in ("diverged", "stalled"):
            self.partial_fit(X, y, min(chunk, max(self.batches_to(target, len(X)), 1)), X_test, y_test)
            yield {key: vals[-1] for key, vals in self.history_.items()}

    def batches_to(self, epoch: float, n: int) -> int:
        """Mini-batches still needed to reach ``epoch`` on ``n`` training rows (0 if already there)."""
        return max(0, int(np.ceil((epoch * n - self.n_seen_) / int(self.batch_size) - 1e-9)))

