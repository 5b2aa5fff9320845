"""Convolution and pooling: the fast path against the loop references, sizes, padding, presets and kernel banks."""

import numpy as np
import pytest

from engine.conv import ConvShapeError, conv2d, conv2d_naive, output_size, resolve_padding
from engine.kernels import PRESETS, as_bank, preset, random_bank
from engine.pooling import global_pool, pool2d


def _cases():
    rng = np.random.default_rng(0)
    for _ in range(40):  # property style: random shapes, strides, paddings, channels
        C, K = rng.integers(1, 4), rng.integers(1, 5)
        f = int(rng.choice([1, 2, 3, 5]))
        H, W = rng.integers(f, 14), rng.integers(f, 14)
        stride = int(rng.integers(1, 4))
        padding = rng.choice(["valid", "same", 0, 1, 2])
        mode = rng.choice(["zero", "replicate"])
        yield (
            C,
            K,
            f,
            int(H),
            int(W),
            stride,
            padding,
            mode,
            bool(rng.integers(0, 2)),
            int(rng.integers(0, 10**6)),
        )


@pytest.mark.parametrize("C,K,f,H,W,stride,padding,mode,relu,seed", list(_cases()))
def test_fast_conv_matches_naive(C, K, f, H, W, stride, padding, mode, relu, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(C, H, W)), rng.normal(size=(K, C, f, f)), rng.normal(size=K)
    padding = str(padding) if padding in ("valid", "same") else int(padding)
    fast = conv2d(x, w, stride, padding, str(mode), bias=b, relu=relu)
    slow = conv2d_naive(x, w, stride, padding, str(mode), bias=b, relu=relu)
    assert fast.shape == slow.shape
    assert np.allclose(fast, slow)
    p = (0, f - 1) if padding == "same" else (resolve_padding(padding, f),) * 2
    assert fast.shape == (
        K,
        output_size(H, f, p, stride, strict=False),
        output_size(W, f, p, stride, strict=False),
    )


def test_output_size_formula_and_errors():
    assert output_size(7, 3, 0, 1) == 5
    assert output_size(7, 3, 1, 2) == 4  # (7 - 3 + 2) / 2 + 1
    assert output_size(512, 3, 1, 1) == 512
    with pytest.raises(ConvShapeError, match="does not fit"):
        output_size(8, 3, 0, 2)
    assert output_size(8, 3, 0, 2, strict=False) == 3
    with pytest.raises(ConvShapeError, match="larger"):
        output_size(2, 5, 0, 1)
    with pytest.raises(ConvShapeError):
        conv2d(np.ones((1, 8, 8)), np.ones((1, 1, 3, 3)), stride=2, strict=True)
    with pytest.raises(ConvShapeError, match="same C"):
        conv2d(np.ones((3, 8, 8)), np.ones((1, 1, 3, 3)))


def test_same_padding_keeps_size_and_replicate_border():
    x = np.arange(25.0).reshape(1, 5, 5)
    ident = as_bank(preset("identity"))
    assert np.array_equal(conv2d(x, ident, padding="same"), x)
    box = np.ones((1, 1, 3, 3))
    corner_zero = conv2d(x, box, padding="same")[0, 0, 0]
    corner_edge = conv2d(x, box, padding="same", pad_mode="replicate")[0, 0, 0]
    assert corner_zero == 0 + 1 + 5 + 6
    assert corner_edge == 4 * 0 + 2 * 1 + 2 * 5 + 6  # border values repeated outward


def test_pooling_hand_cases():
    x = np.array([[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]], dtype=float)
    assert pool2d(x, 2, mode="max").tolist() == [[[6, 8], [14, 16]]]
    assert pool2d(x, 2, mode="min").tolist() == [[[1, 3], [9, 11]]]
    assert pool2d(x, 2, mode="average").tolist() == [[[3.5, 5.5], [11.5, 13.5]]]
    assert pool2d(x, 2, mode="sum").tolist() == [[[14, 22], [46, 54]]]
    assert pool2d(x, 3, 1, mode="max").tolist() == [[[11, 12], [15, 16]]]
    assert global_pool(x, "average").tolist() == [8.5]
    assert global_pool(x, "max").tolist() == [16]
    with pytest.raises(ValueError):
        pool2d(x, 2, mode="median")


def test_pool_windows_stride_by_their_own_size_per_axis():
    x = np.arange(24.0).reshape(1, 4, 6)
    assert pool2d(x, (2, 3)).tolist() == [[[8, 11], [20, 23]]]
    assert pool2d(x, (2, 3), (1, 3), "min").tolist() == [[[0, 3], [6, 9], [12, 15]]]
    assert pool2d(x, 2, (2, 1), "sum").shape == (1, 2, 5)


def test_presets_have_the_seed_values():
    assert preset("emboss").tolist() == [[2, 0, 0], [0, -1, 0], [0, 0, -1]]
    assert preset("sharpen").tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    assert preset("blur").sum() == pytest.approx(1)
    assert all(np.array(k).shape == (3, 3) for k in PRESETS.values())
    for name in ("sobel x", "laplace", "outline", "left edge", "top edge"):
        assert preset(name).sum() == 0  # edge detectors ignore flat regions


def test_random_bank_is_seeded_and_ternary():
    a, b = random_bank(64, 3, 1, seed=3), random_bank(64, 3, 1, seed=3)
    assert a.shape == (64, 1, 3, 3) and np.array_equal(a, b)
    assert set(np.unique(a)) <= {-1, 0, 1}
    assert not np.array_equal(a, random_bank(64, 3, 1, seed=4))
    assert random_bank(8, 3, 3).shape == (8, 3, 3, 3)
    assert as_bank(preset("sharpen"), 3).sum() == pytest.approx(preset("sharpen").sum())



def test_a_colour_filter_weighs_each_channel():
    k = preset("identity")
    x = np.stack([np.full((4, 4), 0.9), np.full((4, 4), 0.2), np.full((4, 4), 0.5)])  # a reddish patch
    red_minus_green = as_bank(k, 3, mix=[1, -1, 0])
    assert red_minus_green.shape == (1, 3, 3, 3)
    assert np.array_equal(red_minus_green[0, 1], -k) and not red_minus_green[0, 2].any()
    assert conv2d(x, red_minus_green, padding="same")[0, 1, 1] == pytest.approx(0.9 - 0.2)
    assert np.allclose(as_bank(k, 3), as_bank(k, 3, mix=[1 / 3] * 3))  # the default averages
    with pytest.raises(ValueError, match="one weight per channel"):
        as_bank(k, 3, mix=[1, 0])

def test_integer_input_is_convolved_in_floating_point():
    x = np.arange(16, dtype=np.uint8).reshape(1, 4, 4) * 20
    w = as_bank(preset("sharpen"))
    out = conv2d(x, w)
    assert out.dtype == np.float64 and np.allclose(out, conv2d_naive(x, w))
    assert conv2d(x.astype(np.float32), w.astype(np.float32)).dtype == np.float32
