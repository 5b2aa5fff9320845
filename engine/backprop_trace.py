"""One training step of a small dense network, written out number by number.

:func:`trace_step` runs one step of plain gradient descent through a :class:`~engine.sequential.Sequential`
of ``Dense``/``Activation`` layers, calling the very layers, loss and optimizer that train every network
here, and keeps each quantity in the order it is computed:

* forward, layer by layer: ``z = a_in W + b`` then ``a = f(z)`` (the last layer's ``f`` is the readout);
* the loss;
* backward, from the top: ``dL/da``, ``f'(z)``, ``delta = dL/dz``, ``dL/dW``, ``dL/db`` and the
  ``dL/da`` handed to the layer below (``delta W^T``);
* the update, ``W <- W - lr dL/dW``;
* forward again: the new loss beside the old.

Every :class:`Step` names its layer and unit, the formula it follows and the engine code that computed
it (:class:`CodeRef`, the function's source with the lines that did it marked).  With a batch, the
gradient of each example's own loss is kept beside the batch's gradient, their mean; and every
gradient has its finite-difference estimate beside it.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from .activations import Linear, Sigmoid, Softmax
from .layers import Activation, Dense, activation_backward, dense_backward, dense_forward
from .losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy, Loss
from .optimizers import SGD
from .sequential import Sequential

PHASES = ("forward", "loss", "backward", "update", "after")

# what each kind of step is, for people, and the rule it follows (j a unit, i a unit of the layer below)
KINDS = {
    "z": ("weighted sum z", r"z_j = \sum_i a_i\,w_{ij} + b_j"),
    "a": ("activation a", r"a_j = f(z_j)"),
    "loss": ("loss L", ""),
    "dA": ("dL/da", r"\frac{\partial L}{\partial a_j}"),
    "fprime": ("f'(z)", r"f'(z_j)"),
    "delta": ("delta = dL/dz", r"\delta_j = \frac{\partial L}{\partial a_j}\, f'(z_j)"),
    "dW": ("dL/dW", r"\frac{\partial L}{\partial w_{ij}} = \sum_n a_i^{(n)}\,\delta_j^{(n)}"),
    "db": ("dL/db", r"\frac{\partial L}{\partial b_j} = \sum_n \delta_j^{(n)}"),
    "down": ("dL/da handed down", r"\frac{\partial L}{\partial a_i} = \sum_j w_{ij}\,\delta_j"),
    "W": ("new weight", r"w_{ij} \leftarrow w_{ij} - \eta\,\frac{\partial L}{\partial w_{ij}}"),
    "b": ("new bias", r"b_j \leftarrow b_j - \eta\,\frac{\partial L}{\partial b_j}"),
    "after": ("loss after the step", ""),
}
# the pairs whose delta the loss computes at once, (a - y) / N: f' cancels
_FUSED = ((BinaryCrossEntropy, Sigmoid), (CategoricalCrossEntropy, Softmax), (MSE, Linear))

_CODE: dict = {}  # (function, marker) -> CodeRef: sources read once a process


@dataclass(frozen=True)
class CodeRef:
    """The engine code that computed a step: a function's source, and which of its lines did it."""

    name: str  # module.qualname
    first_line: int  # in its file
    lines: tuple  # the function's source lines, without newlines
    marked: tuple  # indexes into ``lines``

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def code_ref(fn, marker: str) -> CodeRef:
    """``fn``'s source with the lines containing ``marker`` marked (every such line; none is a bug).
    Functions only: their source is found from their first line, without parsing the module (which
    is not safe from two threads at once, see ui.shell.show_code)."""
    if (fn, marker) not in _CODE:
        lines, first = inspect.getsourcelines(fn)
        lines = tuple(line.rstrip("\n") for line in lines)
        marked = tuple(i for i, line in enumerate(lines) if marker in line)
        if not marked:
            raise LookupError(f"{fn.__qualname__} has no line with {marker!r}")
        _CODE[fn, marker] = CodeRef(f"{fn.__module__}.{fn.__qualname__}", first, lines, marked)
    return _CODE[fn, marker]


@dataclass
class LayerTrace:
    """One dense layer's numbers in one step; batch rows first (``N``), ``D`` inputs, ``U`` units."""

    activation: object  # the function after it (the readout for the last layer)
    a_in: np.ndarray  # (N, D)
    W: np.ndarray  # (D, U), before the step
    b: np.ndarray  # (U,)
    z: np.ndarray = None  # (N, U)
    a: np.ndarray = None  # (N, U)
    dA: np.ndarray = None  # (N, U) dL/da
    fprime: np.ndarray = None  # (N, U) f'(z); None for a softmax readout (a Jacobian, not one number a unit)
    delta: np.ndarray = None  # (N, U) dL/dz, the engine's (a batch mean's 1/N included)
    dW: np.ndarray = None  # (D, U), the batch's gradient
    db: np.ndarray = None  # (U,)
    dW_each: np.ndarray = None  # (N, D, U): each example's own loss's gradient; their mean is dW
    db_each: np.ndarray = None  # (N, U)
    down: np.ndarray = None  # (N, D): dL/da of the layer below (None for the first layer)
    W_new: np.ndarray = None
    b_new: np.ndarray = None
    numeric_dW: np.ndarray = None  # finite differences of the loss, weight by weight
    numeric_db: np.ndarray = None


@dataclass(frozen=True)
class Step:
    """One quantity of the walk: ``value`` holds it for every unit of the layer (and every example),
    ``unit`` is the one in focus (None: the loss), and for a weight ``inp`` the unit below it comes from."""

    phase: str
    layer: int  # 1-based dense layer (the loss steps: the last layer)
    kind: str
    unit: int | None
    value: np.ndarray
    code: CodeRef
    inp: int | None = None

    def number(self, example: int = 0) -> float:
        """The one number this step computes: the focus unit's (for ``example`` of the batch), the
        focus weight's, or the loss."""
        if self.unit is None:
            return float(self.value)
        if self.inp is not None:
            return float(self.value[self.inp, self.unit])
        return float(self.value[..., self.unit] if self.value.ndim == 1 else self.value[example, self.unit])

    @property
    def name(self) -> str:
        what = KINDS[self.kind][0]
        if self.unit is None:
            return what
        if self.inp is not None:
            return f"{what}, layer {self.layer}, from unit {self.inp + 1} into unit {self.unit + 1}"
        return f"{what}, layer {self.layer} unit {self.unit + 1}"

    @property
    def formula(self) -> str:
        return KINDS[self.kind][1]


@dataclass
class Trace:
    X: np.ndarray
    Y: np.ndarray
    lr: float
    loss_name: str
    fused: bool = False  # the loss gave the output delta at once, (a - y) / N (its readout's f' cancels)
    layers: list = field(default_factory=list)
    loss: float = float("nan")
    loss_after: float = float("nan")
    a_after: np.ndarray = None  # the outputs after the step
    steps: list = field(default_factory=list)

    def index(self, phase: str) -> int:
        """The first step of ``phase``."""
        return next(i for i, s in enumerate(self.steps) if s.phase == phase)


def build_network(hidden, n_in: int, n_out: int, loss: str, lr: float = 0.5, seed: int = 0, init="xavier"):
    """A built :class:`Sequential`: ``hidden`` is ``[(units, activation), ...]``; the readout follows the
    loss (softmax with cross-entropy, sigmoid otherwise)."""
    layers = []
    for units, act in hidden:
        layers += [Dense(units), Activation(act)]
    output = "softmax" if loss == "cce" else "sigmoid"
    net = Sequential(layers + [Dense(n_out)], input_shape=(n_in,), output=output, loss=loss, lr=lr,
                     batch_size=1, optimizer="sgd", seed=seed, init=init)
    return net.initialize()


def set_weights(net: Sequential, weights) -> None:
    """Put ``[(W, b), ...]`` (one pair a dense layer) into a built network, in place."""
    dense = [x for x in net.layers_ if isinstance(x, Dense)]
    if len(weights) != len(dense):
        raise ValueError(f"the network has {len(dense)} dense layers; got weights for {len(weights)}.")
    for layer, (W, b) in zip(dense, weights):
        layer.params[0][...] = np.asarray(W, dtype=float).reshape(layer.params[0].shape)
        layer.params[1][...] = np.asarray(b, dtype=float).reshape(layer.params[1].shape)


def finite_difference(net: Sequential, X, Y, p: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centred differences of the loss with respect to each entry of the parameter array ``p``."""
    out = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        old = p[idx]
        p[idx] = old + h
        plus = net._loss.value(net.forward(X), Y)
        p[idx] = old - h
        minus = net._loss.value(net.forward(X), Y)
        p[idx] = old
        out[idx] = (plus - minus) / (2 * h)
    return out


def trace_step(net: Sequential, X, Y) -> Trace:
    """Run one gradient-descent step of the built ``net`` (Dense/Activation layers, SGD) on the batch
    ``X (N, D)`` with targets ``Y (N, K)`` (one-hot rows, or 0/1 for one sigmoid unit), keeping every
    quantity.  The network's weights are changed by the step, as training would."""
    if not isinstance(net.optimizer_, SGD):
        raise ValueError("the walk-through writes out plain gradient descent: optimizer 'sgd'.")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    loss = net._loss
    t = Trace(X, Y, float(net.optimizer_.lr), type(loss).__name__)
    dense = [x for x in net.layers_ if isinstance(x, Dense)]
    activations = [x for x in net.layers_ if isinstance(x, Activation)]  # after each dense layer but the last
    # forward, layer by layer, through the layers themselves (they keep their caches for backward)
    a = X
    for i, layer in enumerate(dense):
        hidden = i < len(activations)
        lt = LayerTrace(activations[i].fn if hidden else net._readout, a, layer.W.copy(), layer.b.copy())
        lt.z = layer.forward(a, training=True)
        lt.a = a = activations[i].forward(lt.z, training=True) if hidden else net._readout.value(lt.z)
        t.layers.append(lt)
    top = t.layers[-1]
    t.loss = loss.value(top.a, Y)
    top.dA = loss.grad(top.a, Y)
    top.delta = loss.delta(top.z, top.a, Y, top.activation)
    for i in range(len(t.layers) - 1, -1, -1):
        lt = t.layers[i]
        if not isinstance(lt.activation, Softmax):
            lt.fprime = lt.activation.derivative(lt.z)
        if i < len(t.layers) - 1:
            lt.delta = activations[i].backward(lt.dA)
        down = dense[i].backward(lt.delta, need_dx=i > 0)
        lt.dW, lt.db = dense[i].grads
        n = len(X)
        lt.dW_each = np.einsum("nd,nu->ndu", lt.a_in, lt.delta * n)
        lt.db_each = lt.delta * n
        if i > 0:
            lt.down = t.layers[i - 1].dA = down
    grads = [g for layer in dense for g in layer.grads]
    for lt, layer in zip(t.layers, dense):  # at the weights before the step
        lt.numeric_dW = finite_difference(net, X, Y, layer.params[0])
        lt.numeric_db = finite_difference(net, X, Y, layer.params[1])
    net.optimizer_.step(net.parameters(), grads)
    for lt, layer in zip(t.layers, dense):
        lt.W_new, lt.b_new = layer.W.copy(), layer.b.copy()
    t.a_after = net.forward(X)
    t.loss_after = loss.value(t.a_after, Y)
    t.fused = any(isinstance(loss, lc) and isinstance(top.activation, ac) for lc, ac in _FUSED)
    t.steps = list(_steps(t, loss))
    return t


def _steps(t: Trace, loss):
    """The walk's steps in the order the engine computes them."""
    L = len(t.layers)
    for layer, lt in enumerate(t.layers, start=1):
        yield from _units("forward", layer, "z", lt.z, code_ref(dense_forward, "x.dot(W) + b"))
        yield from _units("forward", layer, "a", lt.a, code_ref(type(lt.activation).value, "return"))
    yield Step("loss", L, "loss", None, np.asarray(t.loss), code_ref(type(loss).value, "return"))
    for layer in range(L, 0, -1):
        lt = t.layers[layer - 1]
        if layer == L:
            yield from _units("backward", layer, "dA", lt.dA, code_ref(type(loss).grad, "return"))
        if lt.fprime is not None:
            yield from _units("backward", layer, "fprime", lt.fprime, code_ref(type(lt.activation).derivative, "return"))
        if layer < L:
            delta_code = code_ref(activation_backward, "act.backward(da, z, a)")
        elif t.fused:
            delta_code = code_ref(type(loss).delta, "(a - y) / len(a)")
        else:
            delta_code = code_ref(Loss.delta, "activation.backward")
        yield from _units("backward", layer, "delta", lt.delta, delta_code)
        yield from _weights("backward", layer, "dW", lt.dW, code_ref(dense_backward, "product(x.T, dz"))
        yield from _units("backward", layer, "db", lt.db, code_ref(dense_backward, "dz.sum(axis=0"))
        if lt.down is not None:
            yield from _units("backward", layer - 1, "down", lt.down, code_ref(dense_backward, "dz.dot(W.T)"))
    for layer, lt in enumerate(t.layers, start=1):
        yield from _weights("update", layer, "W", lt.W_new, code_ref(SGD.step, "p -= self.lr * g"))
        yield from _units("update", layer, "b", lt.b_new, code_ref(SGD.step, "p -= self.lr * g"))
    yield Step("after", L, "after", None, np.asarray(t.loss_after), code_ref(type(loss).value, "return"))


def _units(phase, layer, kind, value, code):
    """One step a unit: the last axis of ``value`` runs over the layer's units."""
    for j in range(value.shape[-1]):
        yield Step(phase, layer, kind, j, value, code)


def _weights(phase, layer, kind, value, code):
    """One step a weight ``(D, U)``, unit by unit."""
    for j in range(value.shape[1]):
        for i in range(value.shape[0]):
            yield Step(phase, layer, kind, j, value, code, inp=i)


def relative_error(numeric: float, analytic: float) -> float:
    """|numeric - analytic| / max(|numeric| + |analytic|, 1e-12): 0 when both are 0."""
    return float(abs(numeric - analytic) / max(abs(numeric) + abs(analytic), 1e-12))
