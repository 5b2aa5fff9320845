"""Networks trained together (engine.together) train as each would alone: same parameters (float64,
1e-12), counters, shuffles, history, rows of running means and guard."""

import numpy as np
import pytest

from engine.conv_layers import Conv2D
from engine.layers import Activation, Dense, Dropout, Flatten
from engine.sequential import Sequential
from engine.together import partial_fit_together, stack_key


def net(seed, act="tanh", out="sigmoid", k=1, **kw):
    return Sequential([Dense(8), Activation(act), Dense(8), Activation(act), Dense(k)], input_shape=(2,),
                      output=out, seed=seed, **{"batch_size": 10, **kw})


def data(seed, k=1, regression=False, n=200):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, 2))
    if regression:
        y = np.sin(3 * X[:, :1])
    elif k == 1:
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
    else:
        y = ((np.arctan2(X[:, 1], X[:, 0]) + np.pi) // (2 * np.pi / k)).astype(int) % k
    return X, y, X[:50], y[:50]


def same(a: Sequential, b: Sequential) -> None:
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)
    assert (a.steps_, a.epoch_, a.n_seen_, a._pos, a.status_) == (b.steps_, b.epoch_, b.n_seen_, b._pos, b.status_)
    assert np.array_equal(a._order, b._order)
    assert a.history_["step"] == b.history_["step"] and a.running_["step"] == b.running_["step"]
    np.testing.assert_allclose(a.history_["train_loss"], b.history_["train_loss"], rtol=1e-10)
    np.testing.assert_allclose(a.running_["loss"], b.running_["loss"], rtol=1e-10)
    np.testing.assert_allclose(np.ravel(a.running_["grad_norms"]), np.ravel(b.running_["grad_norms"]), rtol=1e-10)
    assert a.running_["dead_fraction"] == b.running_["dead_fraction"]
    assert a.message_ == b.message_ and a.notice_ == b.notice_ and a.rolled_back_to_ == b.rolled_back_to_
    opt_a, opt_b = a.optimizer_, b.optimizer_
    assert opt_a.t == opt_b.t
    for name in ("v", "s", "m"):
        for i, slot in getattr(opt_a, name, {}).items():
            np.testing.assert_allclose(slot, getattr(opt_b, name)[i], rtol=0, atol=1e-12)


def alone_and_together(make, sets, chunks=(7, 23, 137)):
    """The same networks trained one by one and together, in the same calls."""
    alone, together = [make(i) for i in range(len(sets))], [make(i) for i in range(len(sets))]
    for chunk in chunks:
        for m, (X, y, Xt, yt) in zip(alone, sets):
            m.partial_fit(X, y, chunk, Xt, yt)
        partial_fit_together(together, sets, chunk)
    for a, b in zip(alone, together):
        same(a, b)
    return alone, together


CASES = [
    {},
    {"optimizer": "momentum", "lr": 0.05},
    {"optimizer": "rmsprop", "lr": 0.01},
    {"optimizer": "adam", "lr": 0.01},
    {"l2": 0.1},
    {"l1": 0.01, "l2": 0.05, "optimizer": "adam", "lr": 0.01},
    {"act": "relu"},
    {"act": "leaky_relu"},
    {"act": "sigmoid"},
    {"act": "linear"},
    {"out": "softmax", "k": 3},
    {"out": "linear", "lr": 0.01},
]


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()) or "sgd")
def test_together_trains_as_each_alone(kw):
    k = kw.get("k", 1)
    sets = [data(100 + i, k, regression=kw.get("out") == "linear") for i in range(4)]
    # different rates (and seeds, data): all that may differ between networks trained together
    alone, _ = alone_and_together(lambda i: net(i, **{"lr": 0.1, **kw} | {"lr": kw.get("lr", 0.1) * (1 + i / 4)}),
                                  sets)
    assert all(m.steps_ == 167 for m in alone)


def test_each_network_is_guarded_alone():
    """One network whose rate is far too high diverges and is rolled back alone, as it would be alone;
    the others train on (in the same call) as they would alone."""
    sets = [data(200 + i) for i in range(4)]
    alone, together = alone_and_together(lambda i: net(i, act="relu", lr=30.0 if i == 1 else 0.1), sets)
    assert together[1].status_ == "diverged" and "rolled back" in together[1].message_
    assert all(m.status_ == "ready" for i, m in enumerate(together) if i != 1)


def test_all_diverging_together_stop_each_where_alone():
    sets = [data(300 + i) for i in range(3)]
    alone_and_together(lambda i: net(i, act="relu", lr=20.0 + 10 * i), sets)


def test_data_of_other_sizes_and_unstackable_networks_train_alone():
    sets = [data(400, n=200), data(401, n=205), data(402, n=200)]  # 205: not whole batches
    alone_and_together(lambda i: net(i), sets)
    cnn = Sequential([Conv2D(2, 3), Flatten(), Dense(2)], input_shape=(1, 5, 5), seed=0).initialize()
    dropout = Sequential([Dense(4), Dropout(0.5), Dense(2)], input_shape=(2,), seed=0).initialize()
    mse_sigmoid = Sequential([Dense(4), Dense(1)], input_shape=(2,), output="sigmoid", loss="mse").initialize()
    assert stack_key(cnn) is None and stack_key(dropout) is None and stack_key(mse_sigmoid) is None
    assert stack_key(net(0).initialize()) == stack_key(net(1, lr=0.5).initialize())
    assert stack_key(net(0).initialize()) != stack_key(net(0, batch_size=20).initialize())


def test_a_time_budget_stops_the_networks_together():
    ticks = iter(range(10**6))
    sets = [data(500 + i) for i in range(3)]
    models = [net(i) for i in range(3)]
    partial_fit_together(models, sets, 100, time_budget=1.0, clock=lambda: next(ticks))  # 3 s: 3 clock reads
    assert len({m.steps_ for m in models}) == 1 and 0 < models[0].steps_ < 100


def test_a_plateau_is_said_and_training_goes_on_as_alone():
    """Six sigmoid layers on a spiral: a healthy run that looks stuck gets the guard's notice, trained
    together as alone, and is not paused."""
    X, y = np.random.default_rng(7).normal(size=(200, 2)), np.arange(200) % 2  # nothing to learn from X
    sets = [(X, y, X[:50], y[:50])] * 3

    def deep(i):
        layers = [x for _ in range(6) for x in (Dense(8), Activation("sigmoid"))]
        return Sequential([*layers, Dense(1)], input_shape=(2,), output="sigmoid", seed=i, batch_size=10)

    _, together = alone_and_together(deep, sets, chunks=(400,) * 8)
    assert all(m.status_ == "ready" and "plateau" in m.notice_ for m in together)

