"""Checkpoints (engine.checkpoint): back to an earlier moment of training, and on from there exactly as the
first time; the logs a long run keeps stay bounded (engine.watch.MAX_ROWS)."""

import numpy as np
import pytest

import engine.watch
from engine import make_toy
from engine.layers import Activation, Dense, Dropout
from engine.sequential import Sequential


def _data():
    P, y = make_toy("spiral", 200, 0.1, 0)
    return (P - P.mean(0)) / P.std(0), y


def _net(optimizer="adam"):
    layers = [Dense(16), Activation("relu"), Dropout(0.2), Dense(16), Activation("tanh"), Dense(2)]
    return Sequential(layers, (2,), optimizer=optimizer, lr=0.03, batch_size=8).initialize()


def _state(model) -> tuple:
    return ([p.copy() for p in model.parameters()], {k: list(v) for k, v in model.history_.items()},
            {k: list(v) for k, v in model.running_.items()}, model.steps_, model.epoch_, model.notice_)


def _same(a, b) -> bool:
    return all(np.array_equal(p, q) for p, q in zip(a[0], b[0])) and a[1:] == b[1:]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_training_on_from_a_checkpoint_takes_the_same_steps_again(optimizer):
    X, y = _data()
    model = _net(optimizer).partial_fit(X, y, 37)  # into the middle of an epoch and of a row of running means
    cp = model.checkpoint()
    for n in (5, 80, 1):  # shuffles, dropout masks, optimizer state, rows and history points all move on
        model.partial_fit(X, y, n)
    first = _state(model)
    model.restore(cp)
    assert model.steps_ == 37 and len(model.history_["step"]) == 2
    for n in (5, 80, 1):
        model.partial_fit(X, y, n)
    assert _same(_state(model), first)
    model.restore(cp).partial_fit(X, y, 86)  # a checkpoint can be gone back to again, the steps split otherwise
    again = _state(model)
    assert _same(again[:1] + again[2:], first[:1] + first[2:])  # all but the history points, taken per call


def test_a_checkpoint_holds_copies():
    X, y = _data()
    model = _net().partial_fit(X, y, 10)
    cp = model.checkpoint()
    before = [p.copy() for p in cp.params]
    model.partial_fit(X, y, 10)
    assert all(np.array_equal(p, q) for p, q in zip(cp.params, before))
    assert cp.nbytes >= 3 * sum(p.nbytes for p in model.parameters())  # Adam keeps two arrays a parameter


def test_long_runs_keep_bounded_logs_and_checkpoints_still_restore(monkeypatch):
    monkeypatch.setattr(engine.watch, "MAX_ROWS", 20)
    X, y = _data()
    model = _net()
    for _ in range(30):
        model.partial_fit(X, y, 7)
    h = model.history_["step"]
    assert len(h) < 20 and h[0] == 0 and h[-1] == model.steps_  # the start and the latest stay
    assert h == sorted(h) and len(model.running_["step"]) < 20
    cp = model.checkpoint()
    for _ in range(10):  # thinned again after the checkpoint: it goes back by steps
        model.partial_fit(X, y, 7)
    model.restore(cp)
    assert model.history_["step"][-1] == model.steps_ == cp.kept["steps_"]
    assert max(model.running_["step"]) <= model.steps_
