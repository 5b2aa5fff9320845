"""The MLP: learning gates on iris and the digits, seeded runs, divergence, monitoring and its arrays."""

import numpy as np
import pytest

from engine import (
    MLP,
    StandardScaler,
    load_iris,
    load_mnist,
    train_test_split,
)
from engine.layers import Dense
from engine.sequential import Sequential
from engine.watch import Watch


def _iris_split(seed):
    iris = load_iris()
    Xtr, Xte, ytr, yte = train_test_split(iris.X, iris.y, test_size=0.3, seed=seed)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_iris_4_40_3_reaches_093(output):
    hits = 0
    for seed in range(5):
        Xtr, Xte, ytr, yte = _iris_split(seed)
        model = MLP(
            [4, 40, 3],
            activation="sigmoid",
            output=output,
            init="gaussian_scaled",
            lr=0.5,
            batch_size=10,
            epochs=30,
            seed=seed,
        ).fit(Xtr, ytr)
        assert model.status_ == "done"
        assert len(model.history_["epoch"]) == 31  # start + one point per epoch
        hits += model.score(Xte, yte) >= 0.93
    assert hits >= 4


def test_mnist_subset_reaches_090_within_10_epochs():
    mnist = load_mnist()
    Xtr, Xte, ytr, yte = train_test_split(mnist.X, mnist.y, test_size=0.2, seed=0)
    model = MLP(
        [784, 100, 10],
        activation="relu",
        output="softmax",
        init="he",
        optimizer="adam",
        lr=1e-3,
        batch_size=32,
        epochs=10,
        seed=0,
        dtype="float32",
    ).fit(Xtr, ytr, Xte, yte)
    assert model.history_["test_acc"][-1] >= 0.90
    assert model.weights_[0].dtype == np.float32


def test_same_seed_same_weights_different_seed_differs():
    Xtr, _, ytr, _ = _iris_split(0)
    a = MLP([4, 8, 3], epochs=3, seed=7).fit(Xtr, ytr)
    b = MLP([4, 8, 3], epochs=3, seed=7).fit(Xtr, ytr)
    c = MLP([4, 8, 3], epochs=3, seed=8).fit(Xtr, ytr)
    assert all(np.array_equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    assert not np.array_equal(a.weights_[0], c.weights_[0])


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_huge_learning_rate_diverges_cleanly(output):
    Xtr, _, ytr, _ = _iris_split(0)
    model = MLP([4, 40, 3], activation="sigmoid", output=output, lr=50, epochs=30).fit(Xtr, ytr)
    assert model.status_ == "diverged"
    assert "diverged" in model.message_ and "learning rate" in model.message_
    assert all(np.all(np.isfinite(p)) for p in model.parameters())
    assert np.isfinite(model.history_["train_loss"][-1])


def test_nan_loss_stops_and_keeps_finite_weights():
    Xtr, _, ytr, _ = _iris_split(0)
    model = MLP([4, 8, 3], activation="relu", lr=0.1, epochs=1).fit(Xtr, ytr)
    good = [p.copy() for p in model.parameters()]
    model.weights_[0][0, 0] = np.inf  # poison the weights: the next batch loss is not finite
    model.partial_fit(Xtr, ytr, n_batches=2)
    assert model.status_ == "diverged"
    assert all(np.array_equal(p, g) for p, g in zip(model.parameters(), good))


def test_partial_fit_ticks_history_and_running_means():
    Xtr, Xte, ytr, yte = _iris_split(0)
    model = MLP([4, 6, 5, 3], activation=["relu", "tanh"], lr=0.1, batch_size=10)
    model.partial_fit(Xtr, ytr, n_batches=30, X_test=Xte, y_test=yte)
    model.partial_fit(Xtr, ytr, n_batches=30, X_test=Xte, y_test=yte)
    assert model.steps_ == 60 and model.history_["step"] == [0, 30, 60]
    assert np.isfinite(model.history_["test_acc"]).all()
    # a row of running means every 26 steps: an epoch of 11 batches is short, a row averages 256 examples or more
    r = model.running_
    assert r["step"] == [26, 52] and r["epoch"][0] == pytest.approx(250 / len(Xtr))  # 2 epochs of 11 batches, 4 more
    assert all(0 < loss < 2 for loss in r["loss"]) and all(0 <= acc <= 1 for acc in r["acc"])
    assert [len(g) for g in r["grad_norms"]] == [3, 3]
    assert [len(d) for d in r["dead_fraction"]] == [1, 1] and all(0 <= d[0] <= 1 for d in r["dead_fraction"])
    assert np.isfinite(model.loss_)


def test_lr_and_optimizer_change_keep_weights():
    Xtr, _, ytr, _ = _iris_split(0)
    model = MLP([4, 5, 3]).partial_fit(Xtr, ytr, n_batches=2)
    w = model.weights_[0].copy()
    model.set_params(lr=0.01, optimizer="adam")
    assert np.array_equal(w, model.weights_[0]) and model.optimizer_.lr == 0.01


def test_bad_inputs_have_clear_errors():
    # sklearn's contract: the constructor only stores; initialize / fit check
    with pytest.raises(ValueError, match="layer_sizes"):
        MLP([4]).initialize()
    with pytest.raises(ValueError, match="lr must be > 0"):
        MLP([4, 3], lr=-1).initialize()
    with pytest.raises(ValueError, match="activation"):
        MLP([4, 5, 3], activation="swishy").initialize()
    model = MLP([4, 3])
    with pytest.raises(ValueError, match="shape"):
        model.partial_fit(np.ones((5, 2)), np.zeros(5, int))
    with pytest.raises(ValueError, match="label"):
        model.partial_fit(np.ones((5, 4)), np.full(5, 7))
    with pytest.raises(ValueError, match="NaN"):
        model.partial_fit(np.full((5, 4), np.nan), np.zeros(5, int))


def test_monitoring_is_sampled_on_long_epochs():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6400, 4)), rng.integers(0, 3, 6400)

    def monitored(model):
        calls, monitor = [], model._monitor
        model._monitor = lambda *args: calls.append(1) or monitor(*args)
        model.partial_fit(X, y)
        return len(calls)

    model = MLP([4, 5, 3], batch_size=10).initialize()
    assert monitored(model) == 107 and model.steps_ == 640  # 640 batches: every 6th step
    assert model.running_["step"] == list(range(64, 641, 64))  # ten rows an epoch
    assert monitored(MLP([4, 5, 3], batch_size=10, monitor_every=1).initialize()) == 640


def test_non_finite_start_is_reported_not_raised():
    Xtr, _, ytr, _ = _iris_split(0)
    model = MLP([4, 5, 3]).initialize()
    model.weights_[1][:] = np.nan  # e.g. a corrupted model: the very first loss is nan
    model.partial_fit(Xtr, ytr, n_batches=1)
    assert model.status_ == "diverged" and "no healthy state" in model.message_


def test_one_bad_sample_with_batch_size_one_is_not_divergence():
    Xtr, _, ytr, _ = _iris_split(0)
    model = MLP([4, 5, 3], batch_size=1, lr=0.05, monitor_every=1).fit(Xtr, ytr, epochs=3)
    assert model.status_ == "done"
    # the divergence watch itself: a loss of 1 at the start, then one sample 4.5x worse ...
    watch = Watch(factor=4.0)
    watch.start(1.0)
    assert watch.batch(4.5) is None
    # ... while a run of exploding batches trips it within a few steps
    assert any(watch.batch(50.0) for _ in range(5))


def test_layer_outputs_are_the_forward_activations():
    rng = np.random.default_rng(0)
    model = MLP([3, 5, 4, 2], activation=["tanh", "relu"]).initialize()
    X = rng.normal(size=(7, 3))
    outs = model.layer_outputs(X)
    assert [o.shape for o in outs] == [(7, 5), (7, 4), (7, 2)]
    assert np.allclose(outs[-1], model.predict_proba(X))
    assert np.allclose(outs[0], np.tanh(X @ model.weights_[0] + model.biases_[0]))


def test_some_columns_of_each_layer_come_a_slice_of_rows_at_a_time():
    """The playground's picture of a 6 x 256 network: only the neurons the diagram shows, never whole
    layers over the 10,000 grid points at once."""
    model = MLP([2, 40, 30, 3], activation="tanh", seed=0).initialize()
    X = np.random.default_rng(0).normal(size=(2500, 2))
    whole, some = model.layer_outputs(X), model.layer_outputs(X, columns=12)
    assert [o.shape for o in some] == [(2500, 12), (2500, 12), (2500, 3)]  # the readout whole
    for w, s in zip(whole, some):
        np.testing.assert_allclose(w[:, : s.shape[1]], s, rtol=0, atol=1e-12)


def test_weights_are_the_live_arrays_and_assigning_copies_in():
    model = MLP([3, 4, 2], activation="tanh").initialize()
    assert model.activation == ["tanh"] and model.get_params()["activation"] == ["tanh"]
    live = model.weights_[0]
    X = np.ones((2, 3))
    before = model.predict_proba(X)
    model.weights_ = [np.zeros((3, 4)), np.zeros((4, 2))]  # e.g. a loader: values copied in place
    assert model.weights_[0] is live and not live.any()
    assert np.allclose(model.predict_proba(X), 0.5) and not np.allclose(before, 0.5)
    with pytest.raises(ValueError, match="shapes"):
        model.biases_ = [np.zeros(4)]
    assert not hasattr(MLP([3, 2]), "weights_")  # learned attributes exist only after fitting


def test_the_mlp_takes_sequentials_settings_by_name():
    model = MLP([4, 5, 3], activation="tanh", optimizer="adam", lr=0.01, l2=0.1)
    settings = [k for k in Sequential([Dense(3)], (4,)).get_params() if k not in ("layers", "input_shape")]
    assert list(model.get_params()) == ["layer_sizes", "activation", *settings]
    assert model.clone().get_params() == model.get_params() and "optimizer='adam'" in repr(model)
    with pytest.raises(TypeError, match="learning_rate"):
        MLP([4, 3], learning_rate=0.1)
