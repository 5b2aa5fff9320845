"""Argument checks of a :class:`~engine.sequential.Sequential`: its settings, its declared layers,
and the rows and targets it is given.

Each check returns what the network uses, or raises ValueError / TypeError with a sentence that
names the argument (the generic checks of numbers, choices and arrays are in :mod:`engine.validation`).
"""

from __future__ import annotations

import math

import numpy as np

from .init import SCHEMES
from .layers import Layer
from .losses import LOSSES, READOUT_LOSS
from .optimizers import OPTIMIZERS, Optimizer
from .pixels import Pixels
from .validation import as_float_array, check_choice, check_number, check_seed


def check_settings(net) -> tuple[int, float, float]:
    """Check every setting of ``net`` (cheap: it runs at each partial_fit, so settings changed as
    plain attributes are checked too).  Returns the ones the loop uses: ``(batch_size, l1, l2)``."""
    check_choice("output", net.output, tuple(READOUT_LOSS))
    if net.loss is not None:
        check_choice("loss", net.loss, tuple(LOSSES))
        if net.output == "linear" and net.loss != "mse":
            # a cross-entropy needs probabilities; a linear readout's values can be anything
            raise ValueError(f"A linear readout (regression) trains with loss 'mse'; got {net.loss!r}.")
    check_choice("init", net.init, SCHEMES)
    if not isinstance(net.optimizer, Optimizer):
        check_choice("optimizer", net.optimizer, tuple(OPTIMIZERS))
    dtype = net.dtype
    if dtype not in ("float32", "float64"):  # a dtype or another spelling: "f4", np.float32
        try:
            dtype = str(np.dtype(dtype))
        except TypeError:
            pass
    check_choice("dtype", dtype, ("float32", "float64"))
    check_number("lr", net.lr, 0, low_open=True)
    check_number("epochs", net.epochs, 0, integer=True)
    check_seed(net.seed)
    check_number("divergence_factor", net.divergence_factor, 1, low_open=True)
    if net.monitor_every != "auto":
        check_number("monitor_every", net.monitor_every, 1, integer=True)
    if net.eval_max_rows is not None:
        check_number("eval_max_rows", net.eval_max_rows, 1, integer=True)
    return (
        check_number("batch_size", net.batch_size, 1, integer=True),
        check_number("l1", net.l1, 0),
        check_number("l2", net.l2, 0),
    )


def check_declaration(layers, input_shape) -> tuple[list[Layer], tuple]:
    """Fresh unbuilt copies of ``layers`` and the input shape as a tuple of whole numbers."""
    if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
        raise TypeError("layers must be a list of layers (Dense, Conv2D, Activation, ...).")
    if not layers:
        raise ValueError("layers is empty; a network needs at least one layer.")
    shape = input_shape
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ValueError(f"input_shape must be a tuple such as (4,) or (1, 28, 28); got {shape!r}.")
    shape = tuple(check_number("input_shape", n, 1, integer=True) for n in shape)
    return [layer.clone() for layer in layers], shape


MAX_PARAM_BYTES = 2**30  # past 1 GiB of parameters a network is a typo (10**9 units), not one to train here


def parameter_count(layers: list[Layer], input_shape: tuple) -> int:
    """How many numbers the (unbuilt) ``layers`` will learn on inputs of ``input_shape``."""
    shape, count = input_shape, 0
    for layer in layers:
        count += layer.param_count(shape)
        shape = layer.output_shape(shape)
    return count


def check_size(layers: list[Layer], input_shape: tuple, dtype) -> None:
    """Refuse, before anything is allocated, a network whose parameters would take more than
    MAX_PARAM_BYTES (training needs a few times that again: gradients, optimizer state)."""
    count = parameter_count(layers, input_shape)
    need = count * np.dtype(dtype).itemsize
    if need > MAX_PARAM_BYTES:
        raise ValueError(
            f"This network has {count:,} parameters: {need / 2**30:.3g} GiB as {np.dtype(dtype)}, more than "
            f"the {MAX_PARAM_BYTES / 2**30:g} GiB allowed. Use fewer units or filters."
        )


def training_bytes(net) -> tuple[int, int]:
    """What training the network ``net`` (a Sequential, built or not) holds beyond its data, worked
    out before anything is allocated: ``(parameters, total)`` in bytes, the total being its parameters,
    their gradients, the guard's copy to roll back to (``engine.watch``), the state of the costliest
    optimizer (Adam: two arrays their size; the optimizer may change while it trains) and a
    mini-batch's activations with their gradients."""
    layers, shape = net._declare()
    itemsize = np.dtype(net.dtype).itemsize
    params = parameter_count(layers, shape) * itemsize
    outputs = 0
    for layer in layers:
        shape = layer.output_shape(shape)
        outputs += math.prod(shape)
    batch = int(net.batch_size) if isinstance(net.batch_size, (int, np.integer)) else 1
    return params, 5 * params + 2 * batch * outputs * itemsize


def check_rows(X, shape: tuple, dtype, name: str = "X") -> np.ndarray:
    """Rows of one example each, ``(N, *shape)``; flattened rows are reshaped (784 pixels of a
    1x28x28 digit); :class:`~engine.pixels.Pixels` stay bytes, read as floats a batch at a time."""
    rows = X.as_rows(shape, dtype) if isinstance(X, Pixels) else None
    if rows is not None:
        return rows
    X = X if isinstance(X, Pixels) else as_float_array(X, name, dtype)
    if X.shape[1:] == shape:
        return X
    if X.ndim == 2 and X.shape[1] == math.prod(shape):
        return X.reshape(len(X), *shape)
    want = f"(N, {', '.join(map(str, shape))})" + (f" or (N, {math.prod(shape)})" if len(shape) > 1 else "")
    raise ValueError(f"{name} must have shape {want}: one row per example; got {X.shape}.")


def check_values(y, n: int, k: int, dtype, name: str = "y") -> np.ndarray:
    """Regression targets as ``(n, k)``; with one output a flat ``(n,)`` is taken too."""
    y = as_float_array(y, name, dtype)
    if y.ndim == 1 and k == 1:
        y = y.reshape(-1, 1)
    if y.shape != (n, k):
        want = f"({n},) or ({n}, 1)" if k == 1 else f"({n}, {k})"
        raise ValueError(f"{name} must hold the target values, shape {want}: one row per example; got {y.shape}.")
    return y


def check_one_hot(Y, n: int, k: int, dtype) -> np.ndarray:
    """Targets of a classifier as the loss reads them: ``(n, k)`` rows."""
    Y = as_float_array(Y, "Y", dtype)
    if Y.shape != (n, k):
        raise ValueError(f"Y must be one-hot targets of shape ({n}, {k}); got {Y.shape}.")
    return Y
