"""The pure view builders: plotly figures (ui.charts) and the canvas's digit tiles (ui.live.digit_views)."""

import numpy as np
import pytest

from ui.charts import images as image_charts
from ui.charts import plots
from ui.live import digit_views


def test_tiles_square_grid_with_gaps():
    maps = np.random.default_rng(0).normal(size=(64, 5, 5))
    grid = plots.tiles(maps)
    assert grid.shape == (8 * 6 - 1, 8 * 6 - 1)
    assert np.isnan(grid[5]).all()  # the gap row between tile rows
    assert np.nanmin(grid) == 0 and np.nanmax(grid) == 1  # each tile normalised


def test_curves_thin_long_series_and_skip_empty():
    x = np.arange(10_000)
    fig = plots.curves(x, {"a": np.sin(x / 100), "empty": np.full(10_000, np.nan)})
    assert len(fig.data) == 1 and len(fig.data[0].x) <= 402
    assert fig.data[0].x[-1] == 9999  # the latest point is always drawn


@pytest.mark.parametrize("k", [2, 3])
def test_decision_boundary(k):
    xs = ys = np.linspace(-1, 1, 20)
    probs = np.random.default_rng(0).dirichlet(np.ones(k), size=(20, 20))
    X = np.random.default_rng(1).normal(size=(30, 2))
    y = np.arange(30) % k
    fig = plots.decision_boundary(xs, ys, probs, X, y, X[:5], y[:5])
    assert fig.data[0].type == "heatmap" and len(fig.data) == 1 + k + len(np.unique(y[:5]))


def test_network_diagram_caps_wide_layers():
    weights = [np.ones((2, 256)), -np.ones((256, 2))]
    fig = plots.network_diagram([2, 256, 2], weights, max_nodes=12)
    edges = sum(len(t.x) // 3 for t in fig.data if t.mode == "lines")
    assert edges == 2 * 12 + 12 * 2
    assert any("showing 12" in a.text for a in fig.layout.annotations)


def test_feature_grid_hover_shows_each_filter():
    maps = np.random.default_rng(0).normal(size=(9, 40, 40))
    kernels = np.arange(9 * 9).reshape(9, 1, 3, 3) % 3 - 1
    fig = image_charts.feature_grid(maps, kernels)
    hover = fig.data[1].hovertext
    assert len(hover) == 9 and "filter" in hover[0] and hover[0].count("<br>") == 4
    assert fig.data[0].source.startswith("data:image/png;base64,")


def test_digit_views():
    idx, val = digit_views.top_k(np.array([0.1, 0.6, 0.3]), 2)
    assert idx.tolist() == [1, 2] and val.tolist() == [0.6, 0.3]
    tiles = digit_views.weight_images(np.random.default_rng(0).normal(size=(784, 5)))
    assert tiles.shape == (5, 28, 28) and tiles.dtype == np.uint8
