"""ui.charts.feature_maps: the convolutions page's sums, a band of rows at a time, equal the direct ones."""

import numpy as np
import pytest

from engine.conv import conv2d
from engine.kernels import as_bank, random_bank
from ui.charts.feature_maps import conv_bands, feature_maps
from ui.charts.images import downsample
from ui.shell.cost import TooCostly, band_rows

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape,filters", [((1, 37, 50), 9), ((3, 64, 48), 16), ((1, 200, 130), 25), ((3, 8, 8), 4)])
@pytest.mark.parametrize("budget", [2**19, 2**21, 2**30])
def test_feature_maps_in_bands_are_the_direct_maps_as_the_grid_shows_them(shape, filters, budget):
    x = RNG.random(shape, dtype=np.float32)
    bank, bank2 = random_bank(filters, 3, shape[0], 0), random_bank(16, 3, filters, 1)
    maps = conv2d(x, bank, padding="same", relu=True)
    maps2 = conv2d(maps, bank2, padding="same", relu=True)
    first, second, peaks = feature_maps(x, bank, bank2, tile=20, budget=budget)
    # (float32 against the direct float64: the banks are {-1, 0, 1}, the image float32)
    assert np.allclose(first, downsample(maps, 20), rtol=1e-5, atol=1e-4)
    assert np.allclose(second, downsample(maps2, 20), rtol=1e-5, atol=1e-4)
    assert np.allclose(peaks, maps2.reshape(16, -1).max(axis=1), rtol=1e-5, atol=1e-4)
    alone, none, no_peaks = feature_maps(x, bank, None, tile=20)
    assert np.allclose(alone, downsample(conv2d(x, bank, padding="same"), 20), rtol=1e-5, atol=1e-4)
    assert none is None and no_peaks is None


@pytest.mark.parametrize("stride,padding,mode", [(1, "same", "zero"), (2, 0, "zero"), (3, 2, "replicate"),
                                                  (1, "same", "replicate"), (5, 1, "zero")])
def test_one_filter_in_bands_is_the_direct_convolution(stride, padding, mode):
    x = RNG.random((3, 90, 61), dtype=np.float32)
    k = as_bank(RNG.normal(size=(5, 5)), 3)
    direct = conv2d(x, k, stride=stride, padding=padding, pad_mode=mode, relu=True)
    banded = conv_bands(x, k, stride, padding, mode, True, budget=2**16)  # a row or two a band
    assert banded.shape == direct.shape and banded.dtype == direct.dtype
    assert np.allclose(banded, direct, rtol=1e-12, atol=1e-12)


def test_a_row_past_the_budget_names_the_setting_to_lower():
    assert band_rows(100, 50, "x", budget=1000) == 10 and band_rows(10, 50, "x", budget=10**6) == 50
    with pytest.raises(TooCostly, match="Lower the working size"):
        band_rows(2000, 50, "working size", budget=1000)
