"""Drawn digits made MNIST-like, and the feature maps of 2-D points."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from engine.digits import BlankDigitError, preprocess_digit, resize
from engine.features import FEATURES, feature_map

YY, XX = np.mgrid[0:28, 0:28]


def _canvas(draw):
    img = Image.new("RGBA", (280, 280), (255, 255, 255, 255))
    draw(ImageDraw.Draw(img))
    return np.asarray(img)


def _centre_of_mass(a):
    return (YY * a).sum() / a.sum(), (XX * a).sum() / a.sum()


def test_drawn_one_becomes_mnist_like():
    a = preprocess_digit(_canvas(lambda d: d.line([(200, 30), (200, 250)], fill="black", width=18)))
    assert a.shape == (28, 28) and 0 <= a.min() and a.max() <= 1
    rows, cols = np.nonzero(a > 0.2)
    assert rows.max() - rows.min() + 1 == 20  # tall side scaled to 20 px
    assert cols.max() - cols.min() + 1 <= 4
    assert np.allclose(_centre_of_mass(a), (13.5, 13.5), atol=0.6)
    assert a[0].sum() == a[-1].sum() == 0  # a border of background, like MNIST


def test_drawn_zero_becomes_mnist_like_and_ink_is_white():
    a = preprocess_digit(_canvas(lambda d: d.ellipse([(40, 60), (160, 250)], outline="black", width=16)))
    rows, cols = np.nonzero(a > 0.2)
    assert rows.max() - rows.min() + 1 == 20 and 10 <= cols.max() - cols.min() + 1 <= 16
    assert np.allclose(_centre_of_mass(a), (13.5, 13.5), atol=0.6)
    assert a[13, 13] < 0.1  # the hole of the zero stays dark


def test_white_on_black_is_not_inverted():
    img = np.zeros((100, 100))
    img[20:80, 45:55] = 255
    a = preprocess_digit(img)
    assert a.max() == pytest.approx(1) and a[0, 0] == 0


@pytest.mark.parametrize(
    "blank", [np.full((280, 280, 4), 255, np.uint8), np.zeros((50, 50)), np.zeros((280, 280, 4), np.uint8)]
)
def test_blank_canvas_asks_for_a_digit(blank):
    with pytest.raises(BlankDigitError, match="Draw a digit first"):
        preprocess_digit(blank)


def test_resize_keeps_mean_and_shape():
    img = np.random.default_rng(0).random((200, 120))
    small = resize(img, (20, 12))
    assert small.shape == (20, 12) and abs(small.mean() - img.mean()) < 0.02


def test_feature_map():
    P = np.array([[1.0, 2.0], [-1.0, 0.5]])
    F = feature_map(P, list(FEATURES))
    assert F.shape == (2, 7)
    assert F[0].tolist() == pytest.approx([1, 2, 1, 4, 2, np.sin(1), np.sin(2)])
    with pytest.raises(ValueError):
        feature_map(P, [])
    with pytest.raises(ValueError):
        feature_map(P, ["x3"])
