"""Sequential: whole-network gradient checks, the estimator contract, and the CNN learning gate."""

import numpy as np
import pytest

from engine import MLP, NotFittedError, load_mnist, one_hot, train_test_split
from engine.cnn import default_cnn
from engine.conv_layers import AvgPool2D, Conv2D, MaxPool2D
from engine.gradcheck import check_model, numerical_gradient, rel_error
from engine.layers import Activation, Dense, Dropout, Flatten
from engine.sequential import Sequential

TOL = 1e-6

CNNS = {
    "stride1-pad1-c1-even": ((1, 6, 6), [Conv2D(2, 3, padding=1), Activation("tanh"), MaxPool2D(2), Flatten(),
                                         Dense(3)]),
    "stride2-same-c3-odd": ((3, 7, 7), [Conv2D(3, 3, stride=2, padding="same"), Activation("sigmoid"),
                                        Conv2D(2, (1, 3)), Activation("tanh"), Flatten(), Dense(4)]),
    "valid-rect-avgpool": ((3, 8, 5), [Conv2D(2, (3, 2)), Activation("tanh"), AvgPool2D((2, 1), 1), Flatten(),
                                       Dense(2)]),
    "stride2-pad0-c1-odd": ((1, 9, 9), [Conv2D(2, 3, stride=2), Activation("leaky_relu"), Conv2D(3, 2, padding=1),
                                        MaxPool2D(3, 2), Flatten(), Dense(3)]),
}


@pytest.mark.parametrize("name", sorted(CNNS))
@pytest.mark.parametrize("output,l2", [("softmax", 0.0), ("sigmoid", 0.5)])
def test_whole_cnn_gradients(name, output, l2):
    shape, layers = CNNS[name]
    net = Sequential(layers, shape, output=output, l2=l2, init="gaussian_scaled", seed=1).initialize()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, *shape))
    Y = one_hot(rng.integers(0, len(net.classes_), 3), len(net.classes_))
    _, grads = net.loss_and_grads(X, Y)
    assert len(grads) == len(net.parameters())
    for p, g in zip(net.parameters(), grads):
        num = numerical_gradient(lambda: net.loss_and_grads(X, Y)[0], p)
        assert rel_error(num, g) < TOL
    assert all(err < TOL for _, _, err in check_model(net, X, Y, per_array=5))


def test_parameters_are_the_live_arrays_the_optimizer_steps():
    net = Sequential([Dense(5), Activation("tanh"), Dense(3)], (4,)).initialize()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["W0", "b0", "W1", "b1"]
    assert net.parameters()[0] is net.layers_[0].W and net.parameters()[3] is net.layers_[2].b
    mlp = MLP([4, 5, 3]).initialize()
    assert all(a is b for a, b in zip(mlp.parameters(), [mlp.weights_[0], mlp.biases_[0], mlp.weights_[1],
                                                        mlp.biases_[1]]))
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 4)), rng.integers(0, 3, 20)
    before = mlp.weights_[0].copy()
    mlp.partial_fit(X, y, 2)
    assert not np.array_equal(before, mlp.weights_[0])  # trained in place: weights_ still the live arrays


def test_estimator_contract():
    layers = [Dense(5), Activation("relu"), Dense(3)]
    net = Sequential(layers, (4,), lr=0.5)
    assert net.get_params()["lr"] == 0.5 and net.get_params()["layers"] is layers
    assert not any(k.endswith("_") for k in vars(net)) and not net.is_fitted()
    with pytest.raises(NotFittedError, match="fit"):
        net.predict(np.ones((2, 4)))
    with pytest.raises(ValueError, match="not fitted"):  # NotFittedError is a ValueError
        MLP([4, 3]).predict_proba(np.ones((2, 4)))
    with pytest.raises(ValueError, match="no parameter 'learning_rate'"):
        net.set_params(learning_rate=1)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, 30)
    assert net.fit(X, y) is net and net.status_ == "done" and net.layers_[0] is not layers[0]
    assert not hasattr(layers[0], "W")  # the declared layers stay declarations
    W = net.layers_[0].W.copy()
    net.set_params(lr=0.01, optimizer="adam", batch_size=7, l2=0.1, epochs=3)
    assert np.array_equal(W, net.layers_[0].W) and net.optimizer_.lr == 0.01
    assert type(net.optimizer_).__name__ == "Adam"
    net.partial_fit(X, y, 1)
    assert net.n_seen_ - 30 * 30 == 7  # 30 epochs of 30 rows, then one batch of the new size
    fresh = net.clone()
    assert fresh.get_params() == net.get_params() and not fresh.is_fitted()
    assert "lr=0.01" in repr(net) and "dtype" not in repr(net)


def test_live_params_set_as_plain_attributes_are_checked_at_the_next_call():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, 30)
    model = MLP([4, 5, 3]).partial_fit(X, y, 1)
    model.l2 = -100
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        model.partial_fit(X, y, 1)
    model.l2, model.lr = 0.0, 0.05
    model.partial_fit(X, y, 1)
    assert model.optimizer_.lr == 0.05


def test_same_seed_same_network():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 1, 6, 6)), rng.integers(0, 3, 40)

    def net(seed):
        layers = [Conv2D(2, 3), Activation("relu"), MaxPool2D(2), Flatten(), Dropout(0.2), Dense(3)]
        return Sequential(layers, (1, 6, 6), seed=seed, epochs=3, optimizer="adam", lr=0.01).fit(X, y)

    a, b, c = net(3), net(3), net(4)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert a.history_ == b.history_
    assert not np.array_equal(a.parameters()[0], c.parameters()[0])
    assert np.array_equal(a.predict_proba(X), a.predict_proba(X))  # no dropout when predicting


def test_flat_rows_feed_an_image_network_and_outputs_have_every_layer():
    net = default_cnn().initialize()
    X = np.random.default_rng(0).random((3, 784))
    outs = net.layer_outputs(X)
    assert [o.shape for o in outs] == [
        (3, 8, 24, 24), (3, 8, 24, 24), (3, 8, 12, 12), (3, 16, 10, 10), (3, 16, 10, 10), (3, 16, 5, 5), (3, 400),
        (3, 10), (3, 10),
    ]
    assert np.allclose(outs[-1], net.predict_proba(X.reshape(3, 1, 28, 28)), atol=1e-6)
    assert sum(p.size for p in net.parameters()) == 5386
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\) or \(N, 784\)"):
        net.predict(np.ones((2, 783)))


def test_evaluation_in_chunks_equals_one_pass():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 2, 8, 8)), rng.integers(0, 3, 50)

    def start_point(chunk=None):
        """The history point before training (loss with penalty, accuracy), measured ``chunk`` rows at a time."""
        net = Sequential([Conv2D(4, 3), Activation("tanh"), Flatten(), Dense(3)], (2, 8, 8), l2=0.1).initialize()
        net._chunk = chunk or net._chunk
        net.partial_fit(X, y, 0)
        return net, (net.history_["train_loss"][0], net.history_["train_acc"][0])

    whole, (loss, acc) = start_point()
    chunked, in_chunks = start_point(7)
    assert np.allclose(in_chunks, (loss, acc)) and chunked.predict_proba(X).shape == (50, 3)
    assert np.allclose(chunked.predict_proba(X), whole.predict_proba(X)) and chunked.score(X, y) == acc


def test_one_sigmoid_unit_tells_two_classes_apart():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = MLP([2, 1], output="sigmoid", lr=0.5, epochs=20).fit(X, y)  # logistic regression
    assert net.classes_.tolist() == [0, 1] and net.n_outputs_ == 1 and net.status_ == "done"
    p = net.predict_proba(X)
    assert p.shape == (60, 1) and np.array_equal(net.predict(X), (p[:, 0] >= 0.5).astype(int))
    assert net.score(X, y) > 0.9 and net.history_["train_acc"][-1] == net.score(X, y)
    with pytest.raises(ValueError, match=r"0\.\.1"):
        net.partial_fit(X, y + 1)
    deep = MLP([2, 3, 1], activation="tanh", output="sigmoid", l2=0.3).initialize()
    assert all(err < TOL for _, _, err in check_model(deep, X[:6], y[:6, None].astype(float), per_array=4))
    # chance level: always answering the share of class 1
    share = y.mean()
    assert net._chance_loss(y) == pytest.approx(-share * np.log(share) - (1 - share) * np.log(1 - share))


def test_default_cnn_learns_the_digits():
    """The learning gate: >= 0.95 test accuracy on the bundled 1000-digit split within 5 epochs."""
    d = load_mnist()  # the bundled split of the pages: 4000 training digits, 1000 test
    X_tr, X_te, y_tr, y_te = train_test_split(d.X, d.y, test_size=0.2, seed=0)
    assert len(X_tr) == 4000 and len(X_te) == 1000
    model = default_cnn()
    assert model.epochs <= 5
    model.fit(X_tr, y_tr, X_te, y_te)
    assert model.status_ == "done", model.message_
    assert model.history_["test_acc"][-1] >= 0.95
    assert model.score(X_te, y_te) == model.history_["test_acc"][-1]


def test_default_cnn_loss_and_every_gradient_match_torch():
    torch = pytest.importorskip("torch")
    net = default_cnn(dtype="float64").initialize()
    rng = np.random.default_rng(0)
    X, y = rng.random((4, 1, 28, 28)), np.array([3, 1, 4, 1])
    loss, grads = net.loss_and_grads(X, one_hot(y, 10))
    nn = torch.nn
    ref = nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    ).double()
    theirs = [ref[0].weight, ref[0].bias, ref[3].weight, ref[3].bias, ref[7].weight, ref[7].bias]
    with torch.no_grad():
        for t, p in zip(theirs, net.parameters()):
            t.copy_(torch.from_numpy(p.T.copy() if p.shape == (400, 10) else p))  # torch's Linear is (out, in)
    ref_loss = nn.functional.cross_entropy(ref(torch.from_numpy(X)), torch.from_numpy(y))
    ref_loss.backward()
    assert loss == pytest.approx(ref_loss.item(), rel=1e-12)
    for g, t in zip(grads, theirs):
        assert np.allclose(g, t.grad.numpy().T if g.shape == (400, 10) else t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_a_training_set_that_grows_or_shrinks_between_calls_trains_on_every_row_and_epochs_count_on():
    # the playground lets a learner add points while training (and clear them again)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, 30)
    model = MLP([4, 5, 3], batch_size=10).partial_fit(X, y, 7)  # mid-epoch: 70 rows seen
    assert model.epoch_ == pytest.approx(70 / 30)
    X2, y2 = np.r_[X, rng.normal(size=(10, 4))], np.r_[y, [0] * 10]
    model.partial_fit(X2, y2, 4)  # one epoch of the 40 rows: a fresh shuffle holds the new ones
    assert model.epoch_ == pytest.approx(70 / 30 + 1) and model.batches_to(5, 40) == 7  # (5 - 10/3) epochs of 4 batches
    model.partial_fit(X, y, 3)  # back to the first 30 rows: no index past them
    assert model.epoch_ == pytest.approx(70 / 30 + 2) and np.isfinite(model.history_["train_loss"][-1])


def test_weights_set_by_hand_are_judged_from_where_they_are_not_rolled_back():
    # a learner types a large weight on the playground: the loss jumps, and training goes on from there
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    runs = []
    for restart in (False, True):
        model = MLP([2, 4, 2], batch_size=10, lr=0.01).partial_fit(X, y, 8)
        signs = np.sign(np.random.default_rng(1).normal(size=(2 + 4, 4)))
        model.weights_ = [20.0 * signs[:2], 60.0 * signs[2:, :2]]  # saturated: its loss is 4 times the start's
        if restart:
            points = len(model.history_["step"])
            model.restart_watch(X, y)
            assert len(model.history_["step"]) == points + 1 and model.history_["train_loss"][-1] > 4 * 1.2
        model.partial_fit(X, y, 8)
        runs.append(model)
    assert runs[0].status_ == "diverged" and np.abs(runs[0].weights_[1]).max() < 10  # rolled back: the edit gone
    assert runs[1].status_ == "ready" and np.abs(runs[1].weights_[1]).max() > 50


def test_the_time_budget_is_counted_on_the_clock_given():
    """The server counts a tick's budget in its thread's CPU time: wall time on a busy machine measures
    the other learners.  A clock that moves one second a reading stops the loop after the budget's steps."""
    ticks = iter(range(1000))
    X, y = np.random.default_rng(0).normal(size=(64, 2)), np.arange(64) % 2
    model = MLP([2, 4, 2], seed=0, batch_size=4).initialize()
    model.partial_fit(X, y, 10, time_budget=3, clock=lambda: next(ticks), record=False)
    assert model.steps_ == 3


def test_training_bytes_is_what_training_holds():
    """The estimate a server reserves before building (engine.network_checks.training_bytes) is the
    parameters, their gradients, the guard's copy and Adam's two slots, worked out without allocating."""
    from engine.network_checks import training_bytes

    net = Sequential([Conv2D(4, 3), Activation("relu"), MaxPool2D(2), Flatten(), Dense(10)], (1, 8, 8),
                     optimizer="adam", batch_size=5, dtype="float32")
    params, total = training_bytes(net)
    assert not hasattr(net, "layers_")  # nothing built
    rng = np.random.default_rng(0)
    net.partial_fit(rng.normal(size=(20, 1, 8, 8)), rng.integers(0, 10, 20), 2)
    assert params == net._flat.params.nbytes == sum(p.nbytes for layer in net.layers_ for p in layer.params)
    held = net._flat.params.nbytes + net._flat.grads.nbytes + sum(p.nbytes for p in net._snapshot[0])
    held += sum(a.nbytes for slot in (net.optimizer_.m, net.optimizer_.v) for a in slot.values())
    assert 5 * params == held and total > held  # and a batch's activations on top
