"""The learning-rate range test: it leaves the learner's model alone, and its suggestion trains well."""

import numpy as np
import pytest

from engine import MLP, StandardScaler, load_iris, load_mnist, make_toy, train_test_split
from engine.lr_finder import lr_range_test


def _split(name, n=400, hidden_seed=0):
    P, y = make_toy(name, n, 0.1, 0)
    regression = y.dtype.kind == "f"
    P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=0.5, seed=0, stratify=not regression)
    sc = StandardScaler().fit(P_tr)
    return sc.transform(P_tr), sc.transform(P_te), y_tr, y_te


def _deep(act, lr=0.03):
    """The playground's network with six hidden layers of 256: Adam, batch 10, Xavier initialisation."""
    return MLP([2, *[256] * 6, 2], activation=act, optimizer="adam", lr=lr, batch_size=10, seed=0).initialize()


def test_the_learners_model_is_left_alone():
    X, Xt, y, yt = _split("circle")
    model = MLP([2, 8, 8, 2], activation="tanh", optimizer="adam", lr=0.03, batch_size=10, seed=0)
    model.partial_fit(X, y, 55, Xt, yt)
    weights = [p.copy() for p in model.parameters()]
    adam = {i: m.copy() for i, m in model.optimizer_.m.items()}
    state = (model.steps_, model.optimizer_.t, model.optimizer_.lr, model._pos, len(model.history_["step"]))
    rng = model._rng.bit_generator.state
    lr_range_test(model, X, y)
    assert all(np.array_equal(p, q) for p, q in zip(model.parameters(), weights))
    assert all(np.array_equal(model.optimizer_.m[i], m) for i, m in adam.items())
    assert (model.steps_, model.optimizer_.t, model.optimizer_.lr, model._pos, len(model.history_["step"])) == state
    assert model._rng.bit_generator.state == rng
    # so training on gives what it gave without the test
    twin = MLP([2, 8, 8, 2], activation="tanh", optimizer="adam", lr=0.03, batch_size=10, seed=0)
    twin.partial_fit(X, y, 55, Xt, yt)
    model.partial_fit(X, y, 30)
    twin.partial_fit(X, y, 30)
    assert all(np.array_equal(p, q) for p, q in zip(model.parameters(), twin.parameters()))
    fresh = MLP([2, 4, 2])
    lr_range_test(fresh, X, y)
    assert not fresh.is_fitted()


def test_the_sweep_and_its_stop():
    X, _, y, _ = _split("spiral")
    lrs, losses, suggestion = lr_range_test(_deep("tanh"), X, y, lr_min=1e-5, lr_max=10, steps=100)
    assert lrs[0] == pytest.approx(1e-5) and np.allclose(lrs[1:] / lrs[:-1], 10 ** (6 / 99))
    assert len(lrs) == len(losses) < 100 and np.isfinite(losses).all()
    assert losses[-1] > 4 * losses[:-1].min()  # stopped where the loss blew up
    skip = 10
    assert suggestion == pytest.approx(lrs[skip + np.argmin(losses[skip:])] / 10)
    again = lr_range_test(_deep("tanh"), X, y)
    assert np.array_equal(again[1], losses)  # seeded


def test_on_the_deep_spiral_network_the_hint_avoids_the_divergence():
    X, Xt, y, yt = _split("spiral")
    default = _deep("tanh", lr=0.03)
    default.partial_fit(X, y, 20 * 20, Xt, yt)
    assert default.status_ == "diverged"  # the page's default rate: "with no hint why"
    _, _, suggestion = lr_range_test(_deep("tanh"), X, y)
    assert suggestion < 0.003
    hinted = _deep("tanh", lr=suggestion)
    hinted.partial_fit(X, y, 10 * 20, Xt, yt)  # the default diverged within 4 epochs
    assert hinted.status_ != "diverged"
    # with ReLU units the same deep network also learns the spiral at the suggested rate
    _, _, suggestion = lr_range_test(_deep("relu"), X, y)
    relu = _deep("relu", lr=suggestion)
    relu.partial_fit(X, y, 30 * 20, Xt, yt)
    assert relu.status_ != "diverged" and relu.score(Xt, yt) >= 0.9


def test_iris_at_the_suggested_rate():
    iris = load_iris()
    X, Xt, y, yt = train_test_split(iris.X, iris.y, test_size=0.3, seed=0)
    sc = StandardScaler().fit(X)
    X, Xt = sc.transform(X), sc.transform(Xt)
    make = lambda lr=0.1: MLP([4, 40, 3], activation="sigmoid", optimizer="sgd", lr=lr, batch_size=10, seed=0)
    _, _, suggestion = lr_range_test(make(), X, y)
    model = make(suggestion).fit(X, y, epochs=30)
    assert model.status_ == "done" and model.score(Xt, yt) >= 0.9


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_mnist_subset_at_the_suggested_rate(optimizer):
    d = load_mnist()
    X, Xt, y, yt = train_test_split(d.X, d.y, test_size=0.2, seed=0)
    make = lambda lr=0.001: MLP([784, 100, 10], activation="relu", init="he", optimizer=optimizer, lr=lr,
                                batch_size=32, dtype="float32", seed=0)
    _, _, suggestion = lr_range_test(make(), X, y)
    model = make(suggestion).fit(X, y, epochs=5)
    assert model.status_ == "done" and model.score(Xt, yt) >= 0.9  # SGD at the page's 0.001: about 0.5


def test_regression_networks_get_a_hint_too():
    X, Xt, y, yt = _split("plane")
    make = lambda lr=0.01: MLP([2, 8, 8, 1], activation="tanh", output="linear", optimizer="adam", lr=lr, seed=0)
    _, _, suggestion = lr_range_test(make(), X, y)
    model = make(suggestion).fit(X, y, epochs=100)
    assert model.status_ == "done" and model.score(Xt, yt) >= 0.9


@pytest.mark.parametrize("kwargs,error,pattern", [
    (dict(lr_min=0), ValueError, "lr_min must be > 0"),
    (dict(lr_min=1.0, lr_max=0.5), ValueError, "lr_max must be > 1.0"),
    (dict(steps=1), ValueError, "steps must be >= 2"),
    # a float count is a TypeError, whole or not: the engine's one rule for whole numbers (validation.py)
    (dict(steps=2.5), TypeError, "steps must be a whole number"),
    (dict(steps=20.0), TypeError, "steps must be a whole number"),
    (dict(smoothing=1.0), ValueError, "smoothing"),
    (dict(stop_factor=1), ValueError, "stop_factor"),
])
def test_bad_arguments_are_named(kwargs, error, pattern):
    X, _, y, _ = _split("circle", 40)
    with pytest.raises(error, match=pattern):
        lr_range_test(MLP([2, 3, 2]), X, y, **kwargs)
    with pytest.raises(TypeError, match="Sequential or MLP"):
        lr_range_test("model", X, y)
    with pytest.raises(ValueError, match="class labels"):
        lr_range_test(MLP([2, 3, 2]), X, y + 5)
