"""Bad arguments to conv, pooling, preprocessing, digits, features, toy data and kernels:
a ValueError or TypeError that names the argument, never an IndexError or a broadcast error."""

import numpy as np
import pytest

from engine.conv import conv2d, conv2d_naive, output_size, pad, resolve_padding
from engine.datasets import load_iris
from engine.digits import preprocess_digit, resize, to_gray
from engine.features import feature_map
from engine.kernels import as_bank, preset, random_bank
from engine.pooling import global_pool, pool2d
from engine.preprocess import MaxScaler, StandardScaler, mesh_grid, train_test_split
from engine.toy import circle, make_line, make_toy

X3 = np.ones((1, 8, 8))
W4 = np.ones((2, 1, 3, 3))
BAD = [
    # conv2d
    (lambda: conv2d(X3, W4, stride=2.5), TypeError, "stride"),
    (lambda: conv2d(X3, W4, stride=0), ValueError, "stride"),
    (lambda: conv2d(X3, W4, stride=True), TypeError, "stride"),
    (lambda: conv2d(X3, W4, bias=[1.0]), ValueError, "bias needs one value per filter: 2"),
    (lambda: conv2d(X3, W4, bias=np.ones((2, 1))), ValueError, "bias"),
    (lambda: conv2d(np.ones((8, 8)), W4), ValueError, r"x must have the form \(C, H, W\)"),
    (lambda: conv2d(X3, np.ones((3, 3))), ValueError, r"w must have the form \(K, C, kh, kw\)"),
    (lambda: conv2d(X3, np.ones((1, 1, 11, 3)), padding=1), ValueError, "larger than the padded input"),
    (lambda: conv2d(X3, W4, padding=-1), ValueError, "padding"),
    (lambda: conv2d(X3, W4, padding=1.5), TypeError, "padding"),
    (lambda: conv2d(X3, W4, padding="full"), ValueError, "'valid' or 'same'"),
    (lambda: conv2d(X3, W4, pad_mode="mirror"), ValueError, "pad_mode"),
    (lambda: conv2d(np.ones((1, 0, 8)), W4), ValueError, "empty"),
    (lambda: conv2d(np.full((1, 8, 8), np.nan), W4), ValueError, "NaN"),
    (lambda: conv2d(np.array([[["a"]]]), W4), TypeError, "real numbers"),
    (lambda: conv2d_naive(X3, W4, bias=[1, 2, 3]), ValueError, "bias"),
    (lambda: output_size(7, 3, 0, 1.5), TypeError, "stride"),
    (lambda: resolve_padding("same", 4), ValueError, "no single p"),
    (lambda: pad(X3, 1, "mirror"), ValueError, "pad mode"),
    # pooling
    (lambda: pool2d(np.ones((8, 8))), ValueError, r"\(C, H, W\).*x\[None\]"),
    (lambda: pool2d(X3, 0), ValueError, "size"),
    (lambda: pool2d(X3, 2.5), TypeError, "size"),
    (lambda: pool2d(X3, 2, 0), ValueError, "stride"),
    (lambda: pool2d(X3, 9), ValueError, "larger"),
    (lambda: pool2d(X3, 2, mode="median"), ValueError, "mode"),
    (lambda: global_pool(np.ones((1, 0, 3))), ValueError, "empty"),
    (lambda: global_pool(np.ones(3)), ValueError, r"\(C, H, W\)"),
    # preprocess
    (
        lambda: train_test_split(np.ones((10, 2)), np.arange(9)),
        ValueError,
        "same number of rows; got 10 and 9",
    ),
    (lambda: train_test_split(np.ones((10, 2)), np.arange(10), test_size=1.5), ValueError, "test_size"),
    (lambda: train_test_split(np.ones((10, 2)), np.arange(10), test_size=0), ValueError, "test_size"),
    (lambda: train_test_split(np.ones((10, 2)), np.arange(10), test_size="0.3"), TypeError, "test_size"),
    (lambda: train_test_split(np.ones((10, 2)), np.arange(10) % 2, test_size=0.01), ValueError, "empty"),
    (lambda: train_test_split(np.ones((1, 2)), [0]), ValueError, "at least 2 rows"),
    (lambda: train_test_split(np.ones((4, 2)), [0, 1, np.nan, 1]), ValueError, "NaN"),
    (lambda: train_test_split(np.ones((4, 2)), np.zeros((4, 1))), ValueError, "labels"),
    (lambda: train_test_split(np.ones((4, 2)), [0, 1, 0, 1], seed=-1), ValueError, "seed"),
    (lambda: StandardScaler().fit(np.ones((0, 3))), ValueError, "empty"),
    (lambda: StandardScaler().fit([[1.0, np.nan]]), ValueError, "NaN"),
    (lambda: MaxScaler().fit(np.ones(3)), ValueError, r"\(N, D\)"),
    (lambda: StandardScaler().transform(np.ones((2, 2))), ValueError, "not fitted"),
    (lambda: StandardScaler().fit(np.ones((4, 3))).transform(np.ones((2, 2))), ValueError, "2 columns"),
    (lambda: MaxScaler().fit([["a", "b"]]), TypeError, "real numbers"),
    (lambda: mesh_grid(np.ones((3, 3))), ValueError, r"\(N, 2\)"),
    (lambda: mesh_grid(np.ones((3, 2)), n=10**6), ValueError, "n must be >= 2 and <= 2000"),
    # digits, features
    (lambda: to_gray(np.ones((4, 4, 2))), ValueError, "grey, RGB or RGBA"),
    (lambda: to_gray(np.ones(4)), ValueError, r"\(H, W\)"),
    (lambda: to_gray(np.ones((0, 4))), ValueError, "empty"),
    (lambda: resize(np.ones((4, 4)), (0, 5)), ValueError, "height"),
    (lambda: resize(np.ones((4, 4)), 28), TypeError, "pair"),
    (lambda: preprocess_digit(np.ones((9, 9)), threshold=2), ValueError, "threshold"),
    (lambda: preprocess_digit(np.ones((9, 9)), min_ink=0), ValueError, "min_ink"),
    (lambda: preprocess_digit(np.full((9, 9), np.inf)), ValueError, "NaN or infinite"),
    (lambda: feature_map(np.ones((5, 1)), ["x1"]), ValueError, r"\(N, 2\)"),
    (lambda: feature_map(np.ones((5, 2)), "x1"), TypeError, "list of feature names"),
    (lambda: feature_map(np.ones((5, 2)), ["x3"]), ValueError, "Unknown feature 'x3'"),
    (lambda: feature_map(np.ones((5, 2)), []), ValueError, "at least one"),
    # toy data, kernels, iris
    (lambda: make_toy("circle", n="many"), TypeError, "n must be a number"),
    (lambda: make_toy("circle", noise=np.nan), ValueError, "noise"),
    (lambda: make_toy(["circle"]), ValueError, "Unknown data set"),
    (lambda: circle(n=-5), ValueError, "n must be >= 2"),
    (lambda: circle(n=40, seed=1.5), TypeError, "seed"),
    (lambda: make_line(noise=-1), ValueError, "noise"),
    (lambda: make_line(x_max=0), ValueError, "x_max"),
    (lambda: preset(["blur"]), ValueError, "Unknown filter"),
    (lambda: as_bank(np.ones(3)), ValueError, r"\(kh, kw\)"),
    (lambda: as_bank(np.ones((3, 3)), 0), ValueError, "depth"),
    (lambda: random_bank(0), ValueError, "n must be"),
    (lambda: random_bank(8, 3.0), TypeError, "size"),
    (lambda: random_bank(8, 3, 1, seed=-2), ValueError, "seed"),
]


@pytest.mark.parametrize("call,error,pattern", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_arguments_are_named(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@pytest.mark.parametrize("kh,kw", [(3, 5), (5, 3), (2, 2), (2, 3), (4, 1), (1, 6)])
@pytest.mark.parametrize("stride", [1, 2])
def test_same_padding_follows_both_kernel_sides(kh, kw, stride):
    rng = np.random.default_rng(kh * 10 + kw)
    x, w = rng.normal(size=(2, 7, 9)), rng.normal(size=(3, 2, kh, kw))
    out = conv2d(x, w, stride=stride, padding="same")
    assert out.shape == (3, -(-7 // stride), -(-9 // stride))  # ceil(n / s), as TensorFlow
    assert np.allclose(out, conv2d_naive(x, w, stride=stride, padding="same"))
    assert np.allclose(
        conv2d(x, w, padding="same", pad_mode="replicate"),
        conv2d_naive(x, w, padding="same", pad_mode="replicate"),
    )


def test_same_padding_with_a_rectangular_identity_keeps_the_image():
    x = np.arange(63.0).reshape(1, 7, 9)
    for kh, kw in ((1, 5), (3, 1), (3, 5)):
        w = np.zeros((1, 1, kh, kw))
        w[0, 0, kh // 2, kw // 2] = 1
        assert np.array_equal(conv2d(x, w, padding="same"), x)


def test_split_keeps_every_row_and_numpy_integers_are_whole_numbers():
    X, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=np.float64(0.4), seed=np.int64(3))
    assert sorted(np.r_[X_tr[:, 0], X_te[:, 0]].tolist()) == X[:, 0].tolist() and len(y_te) == 4
    assert pool2d(X3, np.int64(2), np.int32(2)).shape == (1, 4, 4)
    assert conv2d(X3, W4, stride=np.int64(2), bias=np.zeros(2)).shape == (2, 3, 3)


def test_iris_csv_must_be_well_formed(tmp_path):
    bad = tmp_path / "iris.csv"
    bad.write_text("a,b,species\n1,2,x\n1,oops,y\n")
    with pytest.raises(ValueError, match="^iris.csv is not a CSV"):
        load_iris(bad)
    bad.write_text("")
    with pytest.raises(ValueError, match="not a CSV"):
        load_iris(bad)
    bad.write_text("a,b,species\n1,2,x\n3,4,y\n\n")
    assert load_iris(bad).X.shape == (2, 2)
