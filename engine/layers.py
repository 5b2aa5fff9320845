"""Layers: CS231n-style function pairs, each wrapped by a small layer object.

Every function pair is ``*_forward(...) -> (out, cache)`` and
``*_backward(dout, cache) -> gradients``; those are the tested kernels.  A layer
object is a thin wrapper that keeps the cache on ``self``:

* ``forward(x, training=False) -> out``
* ``backward(dout, need_dx=True) -> dx``, leaving the parameter gradients in ``self.grads``
  (aligned with ``self.params``).  It never changes the weights: the optimizer
  takes the step, after the app has read the gradients (gradient checks,
  gradient-norm charts, rollback after divergence).
* ``output_shape(input_shape)``: shapes without the batch axis, so a network can
  be declared without working out each size by hand.

A layer is no estimator: it checks its settings as it is made (``Dense(-3)`` fails at the line
that wrote it, not at fit), and again when it is built (``set_params`` may have changed them).

Shapes: a batch ``x`` is ``(N, D)`` for dense layers, ``(N, C, H, W)`` for images.
Convolution and pooling layers live in :mod:`engine.conv_layers`, their kernels in
:mod:`engine.conv` and :mod:`engine.pooling`.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import get_activation
from .estimator import Estimator, NotFittedError
from .init import SCHEMES, init_layer
from .validation import check_choice, check_number


class Layer(Estimator):
    """Base class: no parameters, shape unchanged."""

    # set by build: weights first (the penalty applies to them), then biases; after that the
    # optimizer changes these arrays in place and never swaps them
    params: list = []
    grads: list = []
    # set by a network that keeps every gradient in one array (for a one-array optimizer step):
    # arrays shaped like ``params`` that ``backward`` writes its gradients into, or None
    grad_buffers = None
    writes_grad_buffers = False  # whether backward uses them (else the network copies its grads in)
    input_shape = None  # set by build
    cache = None  # what the last forward pass keeps for the backward pass

    def check(self) -> None:
        """Refuse settings that cannot make this layer (the constructor calls it, and build again)."""

    def output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def param_count(self, input_shape) -> int:
        """Numbers the layer's parameters hold, given its input shape (before any is allocated)."""
        return 0

    def build(self, input_shape, rng=None, dtype=np.float64, init="xavier") -> tuple:
        """Check the layer's settings against ``input_shape``, create its parameters; return its output shape."""
        self.check()
        self.input_shape = tuple(input_shape)
        return self.output_shape(self.input_shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray, need_dx: bool = True) -> np.ndarray | None:
        """dL/dx from dL/dout.  ``need_dx=False`` (the first layer) may skip that product."""
        raise NotImplementedError

    def row_floats(self, input_shape) -> int:
        """Numbers a layer holds per example in its forward pass (sizes evaluation chunks)."""
        return math.prod(self.output_shape(input_shape))

    def _refuse_input(self, x) -> None:
        """Raise, with a message, for an input that is not a batch of ``input_shape``.  Each ``forward``
        starts by comparing the shapes itself and calls this only when they differ: a call per layer
        and step cost a small network 3% of its training."""
        if self.input_shape is None:
            raise NotFittedError(
                f"{type(self).__name__} is not built: call build(input_shape) or put it in a Sequential."
            )
        got = getattr(x, "shape", type(x).__name__)
        raise ValueError(f"{type(self).__name__} expects a batch of shape (N, {self.input_shape}); got {got}.")

    def _forward_cache(self):
        """What the last forward pass kept; a backward pass without one is a mistake in the caller."""
        if self.cache is None:
            raise NotFittedError(
                f"{type(self).__name__}.backward needs a forward pass first: call forward(x, training=True), "
                "then backward with the gradient of its output."
            )
        return self.cache


def layer_names(layers) -> list[str]:
    """What people call each layer of a built network: the guard's messages and every chart say these.

    Layers with weights are counted by kind, "conv 1", "conv 2", "dense 1", or simply "layer 1",
    "layer 2", ... when all of them are dense (an MLP, as the network diagrams number them).  Any
    other layer (activation, pooling, flatten, dropout) goes by the layer with weights before it
    ("input" if none): the ReLU after the first convolution is "conv 1", whose units are dead or not.
    """
    kinds = [type(x).__name__.removesuffix("2D").lower() for x in layers]
    all_dense = all(kind == "dense" for kind, x in zip(kinds, layers) if x.params)
    names, counts, last = [], {}, "input"
    for kind, x in zip(kinds, layers):
        if x.params:
            counts[kind] = counts.get(kind, 0) + 1
            last = f"layer {sum(counts.values())}" if all_dense else f"{kind} {counts[kind]}"
        names.append(last)
    return names


def param(i: int, doc: str) -> property:
    """Read-only name for ``params[i]``: the optimizer changes the arrays in place, never swaps them."""

    def get(self):
        if not self.params:
            raise NotFittedError(f"{type(self).__name__} has no {doc} before it is built.")
        return self.params[i]

    return property(get, doc=doc)


# ------------------------------------------------------------------ dense
def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray):
    """z = x W + b for ``x (N, D_in)``, ``W (D_in, D_out)``, ``b (D_out,)``.  Returns ``(z, cache)``."""
    return x.dot(W) + b, (x, W)


def dense_backward(dz: np.ndarray, cache, need_dx: bool = True, out=None):
    """Given dL/dz ``(N, D_out)``, return ``(dx, dW, db)``.

    ``need_dx=False`` skips dx (returns None): the first layer's input needs no
    gradient, and that product costs as much as the forward pass's.  ``out``: arrays
    ``(dW, db)`` to write the gradients into (None: new ones).
    """
    x, W = cache
    dW, db = (None, None) if out is None else out
    dx = dz.dot(W.T) if need_dx else None
    # (into a given array, np.matmul writes a big layer's dW sooner, np.dot a small one's: 2 us of
    # MNIST's 60 one way, 0.5 us of the playground's 1 the other)
    product = np.matmul if x.shape[1] * dz.shape[1] > 4096 else np.dot
    dW = product(x.T, dz, out=dW)
    db = np.add.reduce(dz, axis=0, out=db)  # (dz.sum(axis=0), without its two Python wrappers)
    return dx, dW, db


class Dense(Layer):
    """Fully connected: ``(N, D_in) -> (N, units)``.  ``init`` None uses the model's scheme."""

    def __init__(self, units, init=None):
        self.units = units
        self.init = init
        self.check()

    def check(self):
        check_number("units", self.units, 1, integer=True)
        if self.init is not None:
            check_choice("init", self.init, SCHEMES)

    def output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError(f"Dense needs flat inputs (D,); got {tuple(input_shape)}: put a Flatten before it.")
        return (check_number("units", self.units, 1, integer=True),)

    def param_count(self, input_shape):
        return (math.prod(input_shape) + 1) * self.output_shape(input_shape)[0]

    def build(self, input_shape, rng=None, dtype=np.float64, init="xavier"):
        out = super().build(input_shape)
        rng = np.random.default_rng(0) if rng is None else rng
        self.params = list(init_layer(input_shape[0], out[0], self.init or init, rng, dtype))
        return out

    writes_grad_buffers = True
    W = param(0, "weights (D_in, units)")
    b = param(1, "biases (units,)")

    def forward(self, x, training=False):
        if getattr(x, "shape", ())[1:] != self.input_shape:
            self._refuse_input(x)
        out, self.cache = dense_forward(x, *self.params)
        return out

    def backward(self, dout, need_dx=True):
        dx, dW, db = dense_backward(dout, self._forward_cache(), need_dx, self.grad_buffers)
        self.grads = [dW, db]
        return dx


# ------------------------------------------------------------- activation
def activation_forward(z: np.ndarray, act):
    """a = f(z).  Returns ``(a, cache)``."""
    a = act.value(z)
    return a, (z, a, act)


def activation_backward(da: np.ndarray, cache) -> np.ndarray:
    """Given dL/da, return dL/dz."""
    z, a, act = cache
    return act.backward(da, z, a)


class Activation(Layer):
    """The layer that applies an activation function of :mod:`engine.activations` (by name)
    elementwise (softmax: along axis 1)."""

    def __init__(self, name="relu"):
        self.name = name
        self.check()

    def check(self):
        if not isinstance(self.name, str):
            raise TypeError(f"Activation takes the name of an activation function; got {self.name!r}.")
        get_activation(self.name)

    def build(self, input_shape, rng=None, dtype=np.float64, init="xavier"):
        self.fn = get_activation(self.name)
        return super().build(input_shape)

    def forward(self, x, training=False):
        if getattr(x, "shape", ())[1:] != self.input_shape:
            self._refuse_input(x)
        a, self.cache = activation_forward(x, self.fn)
        return a

    def backward(self, dout, need_dx=True):
        return activation_backward(dout, self._forward_cache()) if need_dx else None

    def alive_units(self) -> np.ndarray:
        """ReLU: which units output more than 0 for some example of the last batch."""
        return (self.cache[1] > 0).any(axis=0)


# ---------------------------------------------------------------- flatten
class Flatten(Layer):
    """``(N, C, H, W) -> (N, C*H*W)``, rows in C order (channel, then row, then column)."""

    def output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, x, training=False):
        if getattr(x, "shape", ())[1:] != self.input_shape:
            self._refuse_input(x)
        return x.reshape(len(x), -1)

    def backward(self, dout, need_dx=True):
        if self.input_shape is None:
            self._forward_cache()  # (never built, so never run forward)
        return dout.reshape(len(dout), *self.input_shape) if need_dx else None


# ---------------------------------------------------------------- dropout
def dropout_forward(x: np.ndarray, rate: float, rng: np.random.Generator):
    """Inverted dropout: zero each entry with probability ``rate``, scale the rest by ``1 / (1 - rate)``
    so that the expected output equals ``x`` and evaluation needs no change.  Returns ``(out, mask)``."""
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    mask = (rng.random(x.shape) >= rate).astype(dtype) / (1 - rate)  # a Python float keeps float32 float32
    return x * mask, mask


def dropout_backward(dout: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return dout * mask


class Dropout(Layer):
    """Dropout while training (``training=True``), the identity otherwise."""

    def __init__(self, rate=0.5):
        self.rate = rate
        self.check()

    def check(self):
        check_number("rate", self.rate, 0, 1)
        if self.rate == 1:
            raise ValueError("Dropout rate must be below 1 (1 drops every unit).")

    def build(self, input_shape, rng=None, dtype=np.float64, init="xavier"):
        # its own stream, so that dropping units does not shift the shuffling or other layers' draws
        self._rng = np.random.default_rng(None if rng is None else rng.integers(2**63))
        return super().build(input_shape)

    def forward(self, x, training=False):
        if getattr(x, "shape", ())[1:] != self.input_shape:
            self._refuse_input(x)
        if not training or self.rate == 0:
            self.cache = (None,)  # the identity: no mask
            return x
        out, mask = dropout_forward(x, self.rate, self._rng)
        self.cache = (mask,)
        return out

    def backward(self, dout, need_dx=True):
        (mask,) = self._forward_cache()
        if not need_dx:
            return None
        return dout if mask is None else dropout_backward(dout, mask)
