"""Images held as bytes (engine.pixels.Pixels): a network trains on them as on their floats, batch by
batch, and never holds the whole set as floats (issue 22: a shared MNIST as uint8)."""

import tracemalloc

import numpy as np
import pytest

from engine import MLP
from engine.datasets import load_mnist
from engine.pixels import Pixels


@pytest.fixture(scope="module")
def digits():
    d = load_mnist(scale=False)
    return d.X[:3000], d.X[3000:4000], d.y[:3000], d.y[3000:4000]


def test_rows_read_as_load_mnist_scales_them(digits):
    X = digits[0]
    P = Pixels(X)
    assert np.array_equal(P[:], load_mnist().X[:3000]) and P[[3, 1]].dtype == np.float32
    assert (len(P), P.shape, np.asarray(P).shape) == (3000, (3000, 784), (3000, 784))
    assert np.array_equal(P.take(np.array([3, 1]), axis=0), P[[3, 1]])  # as the training loop takes a batch


def test_a_network_trains_on_pixels_as_on_their_floats(digits):
    X, Xt, y, yt = digits
    fit = lambda A, At: MLP([784, 16, 10], activation="relu", dtype="float32", seed=3, epochs=2,  # noqa: E731
                            batch_size=32).fit(A, y, At, yt)
    a, b = fit(Pixels(X), Pixels(Xt)), fit(X / np.float32(255), Xt / np.float32(255))
    assert all(np.array_equal(p, q) for p, q in zip(a.weights_, b.weights_))
    assert a.history_["test_acc"] == b.history_["test_acc"]
    assert np.array_equal(a.predict_proba(Pixels(Xt)), b.predict_proba(Xt / np.float32(255)))


def test_training_never_holds_the_whole_set_as_floats(digits):
    X, Xt, y, yt = digits
    P, model = Pixels(np.repeat(X, 16, axis=0)), MLP([784, 16, 10], dtype="float32", seed=0, batch_size=32)
    tracemalloc.start()
    model.partial_fit(P, np.repeat(y, 16), 50, Pixels(Xt), yt)  # and two history points over all 48,000
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * P.bytes.nbytes / 3  # (their floats: 4x; a point is measured in slices of ~16 MB)


def test_wrong_shapes_and_types_are_refused_clearly(digits):
    with pytest.raises(ValueError, match=r"X must have shape \(N, 784\)"):
        MLP([784, 10], seed=0).fit(Pixels(digits[0].reshape(-1, 28, 28)[:, :20]), digits[2])
    with pytest.raises(TypeError, match="uint8"):
        Pixels(digits[0].astype(np.float32))
