"""Training is a function of the seeds and the mini-batches, not of how the calls are cut.

The live pages train in pieces sized by the clock, and an exported script replays them in a few
calls: both must end with the same weights, bit for bit.
"""

import numpy as np
import pytest

from engine import MLP, StandardScaler, make_toy, train_test_split
from engine.conv_layers import Conv2D, MaxPool2D
from engine.layers import Activation, Dense, Flatten
from engine.sequential import Sequential


def _spiral():
    P, y = make_toy("spiral", 300, 0.1, 0)
    P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=0.5, seed=0)
    sc = StandardScaler().fit(P_tr)
    return sc.transform(P_tr), sc.transform(P_te), y_tr, y_te


def _train(model, X, y, Xt, yt, cuts, changes=None):
    """``cuts``: mini-batches per partial_fit call; ``changes``: {call index: settings applied before it}."""
    for i, n in enumerate(cuts):
        for key, value in (changes or {}).get(i, {}).items():
            model.set_params(**{key: value})  # a new optimizer starts with fresh state
        model.partial_fit(X, y, n, Xt, yt, record=i % 2 == 0)
    return model


def _same(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_cutting_training_into_calls_changes_no_bit(optimizer):
    X, Xt, y, yt = _spiral()
    make = lambda: MLP([2, 12, 12, 2], activation="tanh", optimizer=optimizer, lr=0.01, batch_size=7, seed=3)
    whole = _train(make(), X, y, Xt, yt, [500])
    pieces = _train(make(), X, y, Xt, yt, [1, 6, 143, 0, 22, 328])  # epochs of 22 batches, cut anywhere
    assert _same(whole, pieces) and whole.steps_ == pieces.steps_ == 500
    assert whole.optimizer_.t == pieces.optimizer_.t


def test_live_changes_at_the_same_step_give_the_same_weights():
    X, Xt, y, yt = _spiral()
    make = lambda: MLP([2, 10, 2], activation="relu", init="he", optimizer="adam", lr=0.03, batch_size=10, seed=1)
    changes = {1: {"lr": 0.003}, 2: {"optimizer": "momentum", "lr": 0.1, "batch_size": 32}, 3: {"l2": 0.01}}
    a = _train(make(), X, y, Xt, yt, [200, 100, 77, 50], changes)
    # the same changes after the same numbers of mini-batches, the calls cut differently
    b = _train(make(), X, y, Xt, yt, [120, 80, 30, 70, 40, 37, 25, 25],
               {2: changes[1], 4: changes[2], 6: changes[3]})
    assert _same(a, b) and a.optimizer == b.optimizer == "momentum"
    c = _train(make(), X, y, Xt, yt, [200, 100, 77, 50], {1: {"lr": 0.003}, 2: {"optimizer": "momentum",
                                                                                 "lr": 0.1}, 3: {"l2": 0.01}})
    assert not _same(a, c)  # the batch size change is seen: the test can tell runs apart


def test_a_cnn_cut_into_calls_is_the_same_too():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 1, 6, 6)), rng.integers(0, 3, 60)
    make = lambda: Sequential([Conv2D(2, 3, padding=1), Activation("relu"), MaxPool2D(2), Flatten(), Dense(3)],
                              (1, 6, 6), optimizer="adam", lr=0.01, batch_size=8, init="he", seed=2)
    assert _same(_train(make(), X, y, None, None, [40]), _train(make(), X, y, None, None, [3, 17, 20]))
