"""engine.conv.conv_pixel and engine.pooling.pool_pixel: the arithmetic behind one output pixel is the
engine's own (the convolutions page shows it)."""

import numpy as np
import pytest

from engine.conv import ConvShapeError, conv2d, conv_pixel
from engine.pooling import pool2d, pool_pixel


@pytest.mark.parametrize("pad_mode", ["zero", "replicate"])
@pytest.mark.parametrize("padding,stride", [(0, 1), ("same", 2), (2, 3)])
def test_every_pixel_is_its_window_times_the_kernel(pad_mode, padding, stride):
    rng = np.random.default_rng(0)
    x, w, b = rng.random((3, 11, 13)).astype(np.float32), rng.standard_normal((2, 3, 3, 3)), np.array([0.5, -1.0])
    out = conv2d(x, w, stride, padding, pad_mode, bias=b)
    for k, i, j in np.ndindex(out.shape):
        window, kernel, products, total = conv_pixel(x, w, i, j, stride, padding, pad_mode, bias=b, k=k)
        assert window.shape == kernel.shape == products.shape == (3, 3, 3)
        assert np.array_equal(kernel, w[k]) and np.allclose(products, window * kernel)
        assert total == pytest.approx(out[k, i, j], abs=1e-9)


def test_the_window_is_the_padded_image_under_the_kernel():
    x = np.arange(16.0).reshape(1, 4, 4)
    window, _, _, _ = conv_pixel(x, np.ones((1, 1, 3, 3)), 0, 0, padding=1)
    assert np.array_equal(window[0], [[0, 0, 0], [0, 0, 1], [0, 4, 5]])
    window, _, _, _ = conv_pixel(x, np.ones((1, 1, 3, 3)), 0, 0, padding=1, pad_mode="replicate")
    assert np.array_equal(window[0], [[0, 0, 1], [0, 0, 1], [4, 4, 5]])
    with pytest.raises(ConvShapeError, match="no output pixel"):
        conv_pixel(x, np.ones((1, 1, 3, 3)), 2, 0)


@pytest.mark.parametrize("mode", ["max", "min", "average", "sum"])
def test_every_pooled_pixel_is_its_window_reduced(mode):
    rng = np.random.default_rng(1)
    maps = rng.random((2, 9, 9))
    maps[0, :2, :2] = 5.0  # a tie: the first of equals wins, as the gradient goes
    out = pool2d(maps, 3, 2, mode)
    for c, i, j in np.ndindex(out.shape):
        window, result, winner = pool_pixel(maps, i, j, 3, 2, mode, c)
        assert result == out[c, i, j]  # the very number pool2d computed, not a re-summed one
        assert np.array_equal(window, maps[c, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3])
        assert (winner is None) == (mode in ("average", "sum"))
        if winner is not None:
            assert window[winner] == result
    assert pool_pixel(maps, 0, 0, 3, 2, "max", 0)[2] == (0, 0)
    with pytest.raises(ConvShapeError):
        pool_pixel(maps, 4, 0, 3, 2, "max", 0)
