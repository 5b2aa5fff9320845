"""Issue 21: the training loop's fast paths (parameters and gradients as views into one flat array,
one optimizer update for the whole network, gradients written in place, sampled monitoring) give the
parameters of the plain loop: each layer's forward and backward in turn, the penalty added array by
array, the optimizer stepping each array on its own."""

import numpy as np
import pytest

from engine import MLP
from engine.activations import row_max, row_sum
from engine.conv_layers import Conv2D
from engine.layers import Activation, Dense, Flatten
from engine.optimizers import OPTIMIZERS, get_optimizer
from engine.regularization import penalty_grad
from engine.sequential import Sequential

STEPS = 25  # three epochs and a bit of 60 rows in batches of 8 (the last batch of each epoch: 4 rows)


def _data(n=60, d=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, n)


def reference_params(model, X, y, steps):
    """The parameters after ``steps`` mini-batches of the plain loop, from ``model``'s settings and
    starting weights (the same shuffles: its seed's stream)."""
    ref = model.clone().initialize()
    layers = ref.layers_
    for layer in layers:
        layer.grad_buffers = None  # backward returns new arrays, as it did before the flat arrays
    params = [[p.copy() for p in layer.params] for layer in layers if layer.params]
    for layer, ps in zip([x for x in layers if x.params], params):
        layer.params = ps
    flat = [p for ps in params for p in ps]
    opt = get_optimizer(ref.optimizer, float(ref.lr))
    rng, order, pos = np.random.default_rng([int(ref.seed), 1]), None, 0
    n, batch = len(X), int(ref.batch_size)
    Xc = ref._check_X(X)
    for _ in range(steps):
        if order is None or pos >= n:
            order, pos = rng.permutation(n), 0
        idx = order[pos : pos + batch]
        pos += len(idx)
        x = Xc[idx]
        for layer in layers:
            x = layer.forward(x, training=True)
        a = ref._readout.value(x)
        dz = ref._loss.delta(x, a, ref._targets(y[idx]), ref._readout)
        for i in range(len(layers) - 1, -1, -1):
            dz = layers[i].backward(dz, need_dx=i > 0)
        grads = [g for layer in layers if layer.params for g in layer.grads]
        slot = 0
        for layer in layers:
            if layer.params:
                if ref.l1 or ref.l2:
                    grads[slot] = grads[slot] + penalty_grad(layer.params[0], ref.l1, ref.l2, n)
                slot += len(layer.params)
        opt.step(flat, grads)
    return flat


def _same(model, X, y):
    model.partial_fit(X, y, STEPS)
    assert model.steps_ == STEPS and model.status_ == "ready"
    for fast, ref in zip(model.parameters(), reference_params(model, X, y, STEPS)):
        assert fast.shape == ref.shape
        np.testing.assert_allclose(fast, ref, rtol=0, atol=1e-12)


PENALTIES = {"none": {}, "l1": {"l1": 0.5}, "l2": {"l2": 0.5}, "both": {"l1": 0.3, "l2": 0.3}}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("penalty", sorted(PENALTIES))
def test_every_optimizer_and_penalty_steps_as_the_plain_loop(optimizer, penalty):
    X, y = _data()
    lr = 0.05 if optimizer in ("sgd", "momentum") else 0.01
    model = MLP([3, 6, 5, 3], activation="tanh", optimizer=optimizer, lr=lr, batch_size=8, seed=3,
                **PENALTIES[penalty])
    _same(model, X, y)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
@pytest.mark.parametrize("output", ["softmax", "sigmoid", "linear"])
def test_every_activation_and_readout_steps_as_the_plain_loop(activation, output):
    X, y = _data()
    if output == "linear":  # a regression with two outputs
        y, k = np.c_[X[:, 0] - X[:, 1], X[:, 2]], 2
    elif output == "sigmoid":  # one sigmoid unit: two classes
        y, k = (y > 0).astype(int), 1
    else:
        k = 3
    model = MLP([3, 7, 6, k], activation=activation, output=output, optimizer="adam", lr=0.02, batch_size=8,
                init="he", seed=1, l2=0.1)
    _same(model, X, y)


def test_a_convolution_steps_as_the_plain_loop():
    # its gradients come as new arrays and are copied into the flat one
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(40, 1, 6, 6)), rng.integers(0, 2, 40)
    model = Sequential([Conv2D(3, 3), Activation("relu"), Flatten(), Dense(2)], input_shape=(1, 6, 6),
                       optimizer="momentum", lr=0.05, batch_size=8, seed=0, l1=0.01)
    _same(model, X, y)


def test_float32_steps_as_the_plain_loop():
    X, y = _data()
    model = MLP([3, 8, 3], activation="relu", optimizer="adam", lr=0.01, batch_size=8, dtype="float32")
    model.partial_fit(X, y, STEPS)
    for fast, ref in zip(model.parameters(), reference_params(model, X, y, STEPS)):
        assert fast.dtype == ref.dtype == np.float32
        np.testing.assert_array_equal(fast, ref)


def test_parameters_are_views_into_one_array_and_swapped_arrays_are_taken_in():
    X, y = _data()
    model = MLP([3, 4, 3], optimizer="sgd", batch_size=8).initialize()
    flat = model._flat.params
    assert all(np.shares_memory(p, flat) for p in model.parameters())
    new = [np.ones_like(p) for p in model.layers_[0].params]
    model.layers_[0].params = new  # swapped by hand: the loop trains the new arrays
    model.partial_fit(X, y, 3)
    assert model.layers_[0].params[0] is not new[0] and not np.array_equal(model.weights_[0], 1.0)
    assert np.shares_memory(model.weights_[0], model._flat.params)


def test_loss_and_grads_returns_gradients_of_its_own():
    X, y = _data()
    model = MLP([3, 4, 3], batch_size=8).initialize()
    Y = np.eye(3)[y]
    _, first = model.loss_and_grads(X[:10], Y[:10])
    kept = [g.copy() for g in first]
    model.loss_and_grads(X[10:30], Y[10:30])  # a second call leaves the first one's gradients alone
    assert all(np.array_equal(a, b) for a, b in zip(first, kept))


@pytest.mark.parametrize("rows", [1, 10, 63, 64, 6400])
def test_row_maxima_and_sums_a_column_at_a_time_are_numpys_to_the_bit(rows):
    rng = np.random.default_rng(rows)
    for k in range(1, 20):
        z = rng.normal(size=(rows, k)) * 10.0 ** rng.integers(-3, 4, (rows, k))
        assert np.array_equal(row_max(z), z.max(axis=1, keepdims=True))
        assert np.array_equal(row_sum(z), z.sum(axis=1, keepdims=True))
        assert np.array_equal(row_max(z.astype(np.float32)), z.astype(np.float32).max(axis=1, keepdims=True))
