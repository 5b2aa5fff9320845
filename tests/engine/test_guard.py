"""The training guard: every blow-up of issue 10 gets a message, healthy runs get none."""

import numpy as np
import pytest

from engine import MLP, StandardScaler, load_mnist, make_toy, train_test_split
from engine.losses import clip_eps, get_loss
from engine.watch import Watch


def _digits():
    """The bundled digits split as the MNIST page splits them: 4000 training, 1000 test."""
    d = load_mnist()
    return train_test_split(d.X, d.y, test_size=0.2, seed=0)


def _mnist_mlp(**settings):
    """The MNIST page's network: 784-100-10 ReLU, He init, Adam, batch 32, float32."""
    base = dict(activation="relu", init="he", optimizer="adam", lr=0.001, batch_size=32, epochs=10,
                dtype="float32", eval_max_rows=5000)
    return MLP([784, 100, 10], **{**base, **settings}).initialize()


def _spiral():
    P, y = make_toy("spiral", 400, 0.1, 0)
    P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=0.5, seed=0)
    sc = StandardScaler().fit(P_tr)
    return sc.transform(P_tr), sc.transform(P_te), y_tr, y_te


def test_exploding_weights_with_dead_units_are_called_diverged():
    # spiral, lr 10, batch 1, SGD, gaussian init, ReLU [8, 8]: weights reached 1e19 with every unit
    # dead while the loss stayed under the limit, and the page kept playing at 50%
    X, Xt, y, yt = _spiral()
    model = MLP([2, 8, 8, 2], activation="relu", init="gaussian", optimizer="sgd", lr=10, batch_size=1)
    for _ in range(5):  # the page resumes after a pause: each time it is caught again
        model.partial_fit(X, y, 200, Xt, yt)
        assert model.status_ == "diverged"
        assert "weights exploded" in model.message_ and "smaller learning rate" in model.message_
    assert max(np.abs(W).max() for W in model.weights_) < 1e3
    assert all(np.isfinite(h) for h in model.history_["train_loss"])


def test_relu_momentum_at_lr_1_on_mnist_is_called_stalled():
    X_tr, X_te, y_tr, y_te = _digits()
    model = _mnist_mlp(optimizer="momentum", lr=1.0)
    for _ in range(8):  # the page's default budget is 10 epochs
        model.partial_fit(X_tr, y_tr, None, X_te, y_te)
        if model.status_ == "stalled":
            break
    assert model.status_ == "stalled"
    assert "chance level" in model.message_ or "dead" in model.message_
    assert "smaller learning rate" in model.message_ and "initialisation" in model.message_
    model.partial_fit(X_tr, y_tr, 10, X_te, y_te)  # the user may go on: no new warning at once
    assert model.status_ == "ready" and model.message_ == ""


def test_fit_stops_at_a_stall():
    X, Xt, y, yt = _spiral()
    model = MLP([2, 8, 2], activation="sigmoid", optimizer="sgd", lr=0.0001, epochs=100).fit(X, y)
    assert model.status_ == "stalled" and "chance level" in model.message_
    assert model.epoch_ < 100


def test_float32_sigmoid_readout_with_adam_is_not_a_divergence():
    # the BCE clip 1e-12 was a no-op in float32: log(1 - 1) made the loss NaN at epoch 2.6
    X_tr, X_te, y_tr, y_te = _digits()
    model = _mnist_mlp(output="sigmoid", lr=0.01, epochs=4)
    model.fit(X_tr, y_tr, X_te, y_te)
    assert model.status_ == "done", model.message_
    assert model.history_["test_acc"][-1] >= 0.9
    assert all(np.isfinite(model.stats_["batch_loss"]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clips_follow_the_dtype(dtype):
    a = np.array([[1.0, 0.0]], dtype=dtype)  # saturated outputs, one of them wrong
    y = np.array([[0.0, 1.0]], dtype=dtype)
    eps = clip_eps(dtype)
    assert dtype(1) - dtype(eps) < 1  # the clip is visible in this precision
    for name in ("bce", "cce"):
        assert np.isfinite(get_loss(name).value(a, y)) and np.all(np.isfinite(get_loss(name).grad(a, y)))


def test_negative_penalty_is_refused():
    X, _, y, _ = _spiral()
    for bad in ({"l2": -100}, {"l1": -1}, {"epochs": -3}, {"lr": 0}, {"batch_size": 0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            MLP([2, 4, 2], **bad).fit(X, y)


def test_healthy_page_runs_get_no_message():
    X, Xt, y, yt = _spiral()
    for act, opt, lr in (("tanh", "adam", 0.03), ("relu", "sgd", 0.1), ("sigmoid", "momentum", 0.3)):
        model = MLP([2, 8, 8, 2], activation=act, optimizer=opt, lr=lr, init="he" if act == "relu" else "xavier")
        for _ in range(20):
            model.partial_fit(X, y, 100, Xt, yt)
        assert model.status_ == "ready", (act, model.message_)


def test_watch_rules():
    w = Watch(patience=2, min_steps=10)
    w.start(1.0, weight_norm=5.0, chance=0.7)
    assert w.batch(0.9, 1.0, 6.0) is None
    assert "exploded" in w.batch(0.9, 1.0, 6000.0)
    assert "infinite" in w.batch(0.9, float("inf"))
    # a spike that recovers is not a rise ...
    w.start(1.0, chance=2.0)
    losses = [0.5, 0.3, 0.2, 0.1, 0.1, 1.0, 0.8, 0.6, 0.4, 0.3, 0.2, 0.2, 0.2]
    assert all(w.point(v, e, 100 * e) is None for e, v in enumerate(losses))
    # ... a loss that keeps climbing is
    w.start(1.0, chance=2.0)
    verdicts = [w.point(0.1 * 1.5**e, e, 100 * e) for e in range(12)]
    assert verdicts[-1] is None or verdicts[-1][0] == "diverged"
    assert any(v and v[0] == "diverged" and "kept rising" in v[1] for v in verdicts)
    # at chance level for a window (in epochs and in steps)
    w.start(0.7, chance=0.69)
    assert w.point(0.69, 1, 5) is None and w.point(0.69, 3, 8) is None  # 2 epochs but only 8 steps
    status, why = w.point(0.69, 3, 20)
    assert status == "stalled" and "chance level since epoch 1" in why
    w.start(0.7, chance=0.69)  # a slow but steady fall from chance level is learning
    assert all(w.point(0.69 * 0.97**e, e, 100 * e) is None for e in range(12))
    # a dead layer
    w.start(0.7, chance=0.5)
    assert w.point(0.4, 0, 0, {"hidden layer 2": 1.0}) is None
    status, why = w.point(0.4, 2, 50, {"hidden layer 2": 1.0})
    assert status == "stalled" and "hidden layer 2 is dead" in why
