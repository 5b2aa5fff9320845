"""The pure pieces behind the pages: figure builders and settings parsing (no streamlit)."""

import numpy as np
import pytest

from ui import charts, image_charts
from ui import mnist_setup as ms
from ui import playground_setup as pg


def test_tiles_square_grid_with_gaps():
    maps = np.random.default_rng(0).normal(size=(64, 5, 5))
    grid = charts.tiles(maps)
    assert grid.shape == (8 * 6 - 1, 8 * 6 - 1)
    assert np.isnan(grid[5]).all()  # the gap row between tile rows
    assert np.nanmin(grid) == 0 and np.nanmax(grid) == 1  # each tile normalised


def test_curves_thin_long_series_and_skip_empty():
    x = np.arange(10_000)
    fig = charts.curves(x, {"a": np.sin(x / 100), "empty": np.full(10_000, np.nan)})
    assert len(fig.data) == 1 and len(fig.data[0].x) <= 402
    assert fig.data[0].x[-1] == 9999  # the latest point is always drawn


@pytest.mark.parametrize("k", [2, 3])
def test_decision_boundary(k):
    xs = ys = np.linspace(-1, 1, 20)
    probs = np.random.default_rng(0).dirichlet(np.ones(k), size=(20, 20))
    X = np.random.default_rng(1).normal(size=(30, 2))
    y = np.arange(30) % k
    fig = charts.decision_boundary(xs, ys, probs, X, y, X[:5], y[:5])
    assert fig.data[0].type == "heatmap" and len(fig.data) == 1 + k + len(np.unique(y[:5]))


def test_network_diagram_caps_wide_layers():
    weights = [np.ones((2, 256)), -np.ones((256, 2))]
    fig = charts.network_diagram([2, 256, 2], weights, max_nodes=12)
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


def test_mnist_helpers():
    assert ms.parse_hidden("128, 64") == [128, 64]
    for bad in ("abc", "0", "1,2,3,4,5", "100000"):
        with pytest.raises(ValueError):
            ms.parse_hidden(bad)
    cm = ms.confusion([0, 1, 1, 2], [0, 1, 2, 2], k=3)
    assert cm.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    idx, val = ms.top_k(np.array([0.1, 0.6, 0.3]), 2)
    assert idx.tolist() == [1, 2] and val.tolist() == [0.6, 0.3]


def test_playground_query_parsing_never_raises():
    rng = np.random.default_rng(0)
    junk = ["", "nan", "inf", "-1", "1e308", "x" * 500, "8,8,8,8,8,8,8,8", ",,,", "relu", "0.5", "🧠"]
    for _ in range(300):
        query = {k: str(rng.choice(junk)) for k in rng.choice(list(pg.DEFAULTS) + ["extra"], size=6)}
        s = pg.from_query(query)
        assert set(s) == set(pg.DEFAULTS)
        assert len(s["layers"]) <= pg.MAX_LAYERS and all(1 <= n <= pg.MAX_NEURONS for n in s["layers"])
        assert len(s["acts"]) == len(s["layers"]) and s["lr"] in pg.LR_CHOICES
        assert pg.from_query(pg.to_query(s)) == s  # what the page writes back reads the same
