"""The training guard: every blow-up of issue 10 gets a message, healthy runs get none, and (issue 18) only
a run that diverged stops: a plateau, a stall near chance or dead units are a notice that training goes on
under, judged from the steps taken alone (the same run split into calls any way gets the same verdicts)."""

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
    return _toy("spiral")


def _toy(name):
    """A playground data set as the page makes it: 400 points, half for testing, standardised."""
    P, y = make_toy(name, 400, 0.1, 0)
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


def test_relu_momentum_at_lr_1_on_mnist_gets_a_notice_and_trains_on():
    # issue 10: it sat at chance level with no word; issue 18: it was paused as "stalled", now a notice
    # says its ReLU units are dead, with what to try, and training goes on (the learner pauses)
    X_tr, X_te, y_tr, y_te = _digits()
    model = _mnist_mlp(optimizer="momentum", lr=1.0)
    for _ in range(8):
        model.partial_fit(X_tr, y_tr, None, X_te, y_te)
        assert model.status_ == "ready"
        if "output 0" in model.notice_:  # (a plateau notice comes a little earlier: dead units come first)
            break
    assert "layer 1 has output 0 for every example" in model.notice_
    assert "smaller learning rate" in model.notice_ and "he initialisation" in model.notice_


def test_fit_trains_through_a_plateau_with_a_notice():
    # fit stopped at a stall before issue 18: a plateau is no reason to stop
    X, Xt, y, yt = _spiral()
    model = MLP([2, 8, 2], activation="sigmoid", optimizer="sgd", lr=0.0001, epochs=100).fit(X, y)
    assert model.status_ == "done" and model.epoch_ == 100
    assert "near chance level" in model.notice_ and "larger learning rate" in model.notice_


def test_float32_sigmoid_readout_with_adam_is_not_a_divergence():
    # the BCE clip 1e-12 was a no-op in float32: log(1 - 1) made the loss NaN at epoch 2.6
    X_tr, X_te, y_tr, y_te = _digits()
    model = _mnist_mlp(output="sigmoid", lr=0.01, epochs=4)
    model.fit(X_tr, y_tr, X_te, y_te)
    assert model.status_ == "done", model.message_
    assert model.history_["test_acc"][-1] >= 0.9
    assert all(np.isfinite(model.running_["loss"]))


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
    assert w.point(50.0) is None and "nan" in w.point(float("nan"))  # far above the start: the batches judge
    # a spike that recovers is no notice ...
    w.start(1.0, chance=2.0)
    losses = [0.5, 0.3, 0.2, 0.1, 0.1, 1.0, 0.8, 0.6, 0.4, 0.3, 0.2, 0.2, 0.2]
    assert all(w.row(v, e, 100 * e) == "" for e, v in enumerate(losses))
    # ... a loss that keeps climbing is, with its advice
    w.start(1.0, chance=2.0)
    notices = [w.row(0.1 * 1.5**e, e, 100 * e) for e in range(12)]
    assert "has been rising since epoch" in notices[-1] and "smaller learning rate" in notices[-1]
    assert not w.healthy
    # near chance level without falling for a window (in epochs and in steps): a plateau ...
    w.start(0.7, chance=0.69)
    assert w.row(0.69, 1, 5) == "" and w.row(0.69, 3, 8) == ""  # 2 epochs but only 8 steps
    notice = w.row(0.69, 3, 20)
    assert "plateau" in notice and "near chance level since epoch 1" in notice and "larger learning rate" in notice
    assert w.row(0.68, 4, 30) == notice  # it stays while the loss does not fall
    assert w.row(0.3, 5, 40) == ""  # and goes by itself once it falls (the level: the last rows' mean)
    assert w.row(0.69, 8, 100) == ""  # nor does it come back for a window
    w.start(0.7, chance=0.69)  # a slow but steady fall from chance level is learning
    assert all(w.row(0.69 * 0.97**e, e, 100 * e) == "" for e in range(12))
    w.start(0.7, chance=0.69)  # back at chance level after having been lower: the steps overshoot
    for e in range(8):
        w.row(0.3, e, 100 * e)
    notice = "".join(w.row(0.69, e, 100 * e) for e in range(8, 16))
    assert "plateau" in notice and "smaller learning rate" in notice
    # a dead layer, for a window
    w.start(0.7, chance=0.5)
    assert w.row(0.4, 0, 0, ["layer 2"]) == ""
    notice = w.row(0.4, 2, 50, ["layer 2"])
    assert "Every ReLU unit of layer 2 has output 0" in notice and "he initialisation" in notice
    assert w.row(0.4, 3, 60) == ""  # it woke


# The fixed runs of issue 18 (each a playground data set and a network): what the guard says of each, at
# steps fixed in advance, and the same whether the steps come in one call or in calls of any size (a live
# page's tick trains as many as the time allows): no clock takes part in a verdict.
RUNS = {
    "diverging": ("spiral", dict(layer_sizes=[2, 8, 8, 2], activation="relu", init="gaussian", optimizer="sgd",
                                 lr=10, batch_size=1)),
    "plateau then learning": ("xor", dict(layer_sizes=[2, 8, 8, 2], activation="sigmoid", optimizer="sgd", lr=0.1)),
    "dead ReLU units": ("circle", dict(layer_sizes=[2, 8, 8, 2], activation="relu", init="he", optimizer="sgd",
                                       lr=3.0)),
    "stall at chance level": ("spiral", dict(layer_sizes=[2, 8, 2], activation="sigmoid", optimizer="sgd",
                                             lr=0.0001)),
}
# (step, what the guard says there): the status, and words of the notice ("" for none)
VERDICTS = {
    "diverging": [(400, "diverged", "")],
    "plateau then learning": [(600, "ready", "plateau"), (1200, "ready", "plateau"), (3000, "ready", "")],
    "dead ReLU units": [(600, "ready", "layer 2 has output 0 for every example")],
    "stall at chance level": [(200, "ready", ""), (1000, "ready", "larger learning rate")],
}


def _verdicts(name, chunks):
    data, settings = RUNS[name]
    X, Xt, y, yt = _toy(data)
    model = MLP(**settings).initialize()
    rng, seen = np.random.default_rng(7), []
    for step, _, _ in VERDICTS[name]:
        while model.steps_ < step and model.status_ != "diverged":
            k = step - model.steps_ if not chunks else int(rng.integers(1, 40))
            model.partial_fit(X, y, min(k, step - model.steps_), Xt, yt)
        seen.append((model.steps_, model.status_, model.notice_, model.reason_))
    return seen, model


@pytest.mark.parametrize("name", RUNS)
def test_the_guards_verdicts_on_fixed_runs_depend_on_the_steps_alone(name):
    whole, model = _verdicts(name, chunks=False)
    pieces, again = _verdicts(name, chunks=True)
    assert pieces == whole
    assert again.running_ == model.running_  # the rows the guard judged
    for (step, status, words), (_, seen_status, notice, _) in zip(VERDICTS[name], whole):
        assert seen_status == status, (name, step, notice)
        assert (words in notice) if words else notice == "", (name, step, notice)
    if name == "plateau then learning":
        assert model.history_["train_loss"][-1] < 0.3  # the plateau ended: the loss fell far below chance
    if name == "diverging":
        assert "weights exploded" in model.reason_ and whole[0][0] < 400
