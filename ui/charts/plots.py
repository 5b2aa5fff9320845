"""Pure plotly figure builders for training views (no streamlit here: data in, figure out)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.charts.palette import BLUE, CLASS_COLORS, GREEN, NEGATIVE, ORANGE, POSITIVE, SERIES_COLORS

BINARY_SCALE = [[0, ORANGE], [0.5, "#e8eaeb"], [1, BLUE]]  # TF-playground orange/blue


def _layout(fig: go.Figure, title: str = "", height: int = 320, **kw) -> go.Figure:
    # the title on the top line and the legend on its own line under it: they never overlap
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", y=1, yanchor="top", pad=dict(t=6, l=8)),
        height=height,
        margin=dict(l=10, r=10, t=62 if title else 30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0),
        **kw,
    )
    return fig


def thin(n: int, max_points: int = 400) -> slice:
    """A slice that keeps at most about ``max_points`` of ``n`` evenly spaced points (and the last)."""
    return slice(None, None, max(1, -(-n // max_points)))


def curves(
    x,
    series: dict,
    title: str = "",
    xlabel: str = "epoch",
    ylabel: str = "",
    log_y: bool = False,
    height: int = 280,
    max_points: int = 400,
) -> go.Figure:
    """Line chart of several named series sharing ``x`` (NaN values are skipped).

    Long series are thinned to about ``max_points`` points so live pages stay light.
    """
    fig = go.Figure()
    x = np.asarray(x, dtype=float)
    keep = thin(len(x), max_points)
    for i, (name, ys) in enumerate(series.items()):
        ys = np.asarray(ys, dtype=float)
        if ys.size and np.all(np.isnan(ys)):
            continue
        xs_, ys_ = np.r_[x[keep], x[-1:]], np.r_[ys[keep], ys[-1:]]
        fig.add_trace(
            go.Scatter(
                x=xs_,
                y=ys_,
                mode="lines+markers" if len(x) < 3 else "lines",
                name=name,
                line=dict(color=SERIES_COLORS[i % len(SERIES_COLORS)]),
            )
        )
    fig.update_xaxes(title=xlabel)
    fig.update_yaxes(title=ylabel, type="log" if log_y else "linear")
    return _layout(fig, title, height)


def scatter_classes(X2, y, names=None, symbol="circle", opacity=1.0, show_legend=True):
    """One scatter trace per class for 2-D points ``X2 (N, 2)``."""
    traces = []
    for k in np.unique(y):
        pts = X2[y == k]
        label = names[k] if names is not None else f"class {k}"
        traces.append(
            go.Scatter(
                x=pts[:, 0],
                y=pts[:, 1],
                mode="markers",
                name=label,
                showlegend=show_legend,
                marker=dict(
                    color=CLASS_COLORS[int(k) % len(CLASS_COLORS)],
                    symbol=symbol,
                    size=7,
                    opacity=opacity,
                    line=dict(color="white", width=0.8),
                ),
            )
        )
    return traces


def decision_boundary(
    xs, ys, probs, X_train, y_train, X_test=None, y_test=None, names=None, title="", height=420
) -> go.Figure:
    """Heatmap of the model's output on a grid plus the data points.

    Parameters
    ----------
    xs, ys : (G,) grid coordinates; probs : (G, G, K) predicted probabilities
    """
    K = probs.shape[-1]
    fig = go.Figure()
    if K <= 2:
        p1 = np.round(probs[..., -1], 3)  # 3 decimals: a lighter page, the same picture
        fig.add_trace(
            go.Heatmap(
                x=xs,
                y=ys,
                z=p1,
                zmin=0,
                zmax=1,
                colorscale=BINARY_SCALE,
                opacity=0.75,
                colorbar=dict(title="P(class 1)", thickness=10),
                hoverinfo="skip",
            )
        )
    else:
        cls = probs.argmax(axis=-1)
        scale = []
        for k in range(K):
            c = CLASS_COLORS[k % len(CLASS_COLORS)]
            scale += [[k / K, c], [(k + 1) / K, c]]
        fig.add_trace(
            go.Heatmap(
                x=xs,
                y=ys,
                z=cls,
                zmin=-0.5,
                zmax=K - 0.5,
                colorscale=scale,
                opacity=0.35,
                showscale=False,
                hoverinfo="skip",
            )
        )
    for tr in scatter_classes(X_train, y_train, names):
        fig.add_trace(tr)
    if X_test is not None and len(X_test):
        for tr in scatter_classes(X_test, y_test, names, symbol="diamond-open", show_legend=False):
            fig.add_trace(tr)
    fig.update_xaxes(range=[xs[0], xs[-1]], constrain="domain")
    fig.update_yaxes(range=[ys[0], ys[-1]], scaleanchor="x")
    return _layout(fig, title, height)


def value_map(xs, ys, values, P, y, P_test=None, y_test=None, title="", label="value", height=420) -> go.Figure:
    """A regression's output ``values (G, G)`` on the orange-blue scale, the points coloured by their targets."""
    lo, hi = float(np.min(y)), float(np.max(y))
    scale = dict(colorscale=BINARY_SCALE, cmin=lo, cmax=hi)
    fig = go.Figure(
        go.Heatmap(x=xs, y=ys, z=np.round(values, 3), zmin=lo, zmax=hi, colorscale=BINARY_SCALE, opacity=0.75,
                   colorbar=dict(title=label, thickness=10), hovertemplate=f"{label} %{{z}}<extra></extra>")
    )
    for pts, vals, symbol, name in ((P, y, "circle", "training"), (P_test, y_test, "diamond", "test")):
        if pts is not None and len(pts):
            fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=f"{name} points",
                                     marker=dict(color=vals, symbol=symbol, size=7, line=dict(color="white", width=0.8),
                                                 **scale),
                                     hovertemplate=f"{label} %{{marker.color:.3f}}<extra></extra>"))
    fig.update_xaxes(range=[xs[0], xs[-1]], constrain="domain")
    fig.update_yaxes(range=[ys[0], ys[-1]], scaleanchor="x")
    return _layout(fig, title, height)


def line_fit(x, y, lines: dict, title="", height=380) -> go.Figure:
    """Scatter of (x, y) with named straight lines ``{name: (intercept, slope)}``."""
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", name="data", marker=dict(color="#888", size=6)))
    xx = np.array([np.min(x), np.max(x)])
    for i, (name, (b0, b1)) in enumerate(lines.items()):
        fig.add_trace(
            go.Scatter(
                x=xx,
                y=b0 + b1 * xx,
                mode="lines",
                name=name,
                line=dict(
                    width=3, color=[BLUE, ORANGE, GREEN][i % 3], dash="solid" if i == 0 else "dash"
                ),
            )
        )
    return _layout(fig, title, height)


def loss_surface_path(b0_grid, b1_grid, J, path, optimum=None, title="", height=380) -> go.Figure:
    """Contours of a loss over (intercept, slope) and the path gradient descent took."""
    fig = go.Figure(
        go.Contour(
            x=b0_grid,
            y=b1_grid,
            z=J,
            colorscale="Blues",
            reversescale=True,
            contours=dict(coloring="heatmap"),
            showscale=False,
            hoverinfo="skip",
        )
    )
    path = np.asarray(path)
    if len(path):
        fig.add_trace(
            go.Scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines+markers",
                name="gradient descent",
                marker=dict(size=4, color=ORANGE),
                line=dict(color=ORANGE),
            )
        )
    if optimum is not None:
        fig.add_trace(
            go.Scatter(
                x=[optimum[0]],
                y=[optimum[1]],
                mode="markers",
                name="OLS optimum",
                marker=dict(symbol="x", size=12, color="black"),
            )
        )
    fig.update_xaxes(title="intercept β₀")
    fig.update_yaxes(title="slope β₁")
    return _layout(fig, title, height)


def network_diagram(layer_sizes, weights, max_nodes=12, height=360) -> go.Figure:
    """Neurons as dots, connections coloured by sign (teal +, purple -, in the legend) and thickened by |w|."""
    shown = [min(n, max_nodes) for n in layer_sizes]
    pos = []
    for li, n in enumerate(shown):
        ys = np.linspace(-1, 1, n) * (n - 1) / max(max(shown) - 1, 1) if n > 1 else np.zeros(1)
        pos.append(np.c_[np.full(n, li), ys])
    fig = go.Figure()
    wmax = max((np.abs(W).max() for W in weights if W.size), default=1.0) or 1.0
    for sign, color, name in ((1, POSITIVE, "positive weight"), (-1, NEGATIVE, "negative weight")):
        named = False  # the legend names each sign once
        for lo, hi, width in ((0.0, 0.25, 0.5), (0.25, 0.5, 1.5), (0.5, 0.75, 3.0), (0.75, 1.01, 5.0)):
            xs, ys = [], []
            for li, W in enumerate(weights):
                Wv = W[: shown[li], : shown[li + 1]] / wmax
                ii, jj = np.nonzero((np.sign(Wv) == sign) & (np.abs(Wv) >= lo) & (np.abs(Wv) < hi))
                for i, j in zip(ii, jj):
                    xs += [pos[li][i, 0], pos[li + 1][j, 0], None]
                    ys += [pos[li][i, 1], pos[li + 1][j, 1], None]
            if xs:
                fig.add_trace(
                    go.Scatter(
                        x=xs,
                        y=ys,
                        mode="lines",
                        hoverinfo="skip",
                        name=name,
                        legendgroup=name,
                        showlegend=not named,
                        line=dict(color=color, width=width),
                        opacity=0.7,
                    )
                )
                named = True
    for li, p in enumerate(pos):
        label = f"{layer_sizes[li]}" + ("" if layer_sizes[li] <= max_nodes else f" (showing {max_nodes})")
        fig.add_trace(
            go.Scatter(
                x=p[:, 0],
                y=p[:, 1],
                mode="markers",
                showlegend=False,
                hoverinfo="text",
                text=[f"layer {li}, neuron {i}" for i in range(len(p))],
                marker=dict(size=14, color="white", line=dict(color="#333", width=1.5)),
            )
        )
        fig.add_annotation(x=li, y=-1.25, text=label, showarrow=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, range=[-1.4, 1.15])
    return _layout(fig, "", height, plot_bgcolor="white")


def tiles(images, n_cols=None, gap=1, normalise=True) -> np.ndarray:
    """Stack ``(M, h, w)`` maps into one ``(rows*h, cols*w)`` image with NaN gaps between tiles.

    Each tile is scaled to [0, 1] on its own when ``normalise``; M = n_cols**2 gives a square grid.
    """
    images = np.asarray(images, dtype=float)
    m, h, w = images.shape
    n_cols = n_cols or int(np.ceil(np.sqrt(m)))
    n_rows = int(np.ceil(m / n_cols))
    out = np.full((n_rows * (h + gap) - gap, n_cols * (w + gap) - gap), np.nan)
    for k, img in enumerate(images):
        if normalise:
            lo, hi = np.nanmin(img), np.nanmax(img)
            img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
        r, c = divmod(k, n_cols)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = img
    return out


def confusion_matrix(cm, labels, title="", height=380) -> go.Figure:
    """Heatmap of counts, true label on rows, predicted on columns."""
    fig = go.Figure(
        go.Heatmap(
            z=cm,
            x=labels,
            y=labels,
            colorscale="Blues",
            showscale=False,
            text=cm,
            texttemplate="%{text}",
            hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(title="predicted", type="category")
    fig.update_yaxes(title="true", autorange="reversed", type="category")
    return _layout(fig, title, height)


def bars(labels, values, title="", height=260, highlight=None) -> go.Figure:
    """Bar chart (e.g. class probabilities); ``highlight`` index drawn in blue."""
    colors = [BLUE if i == highlight else "#bbb" for i in range(len(values))]
    fig = go.Figure(go.Bar(x=[str(v) for v in labels], y=values, marker_color=colors))
    fig.update_xaxes(type="category")
    return _layout(fig, title, height)


def lr_range(lrs, losses, suggestion: float, height=300) -> go.Figure:
    """The learning-rate range test: smoothed loss against the rate (log scale), the suggestion marked."""
    fig = go.Figure(go.Scatter(x=lrs, y=losses, mode="lines", name="loss (smoothed)", line=dict(color=BLUE)))
    fig.add_vline(x=suggestion, line=dict(color=ORANGE, dash="dash"), annotation_text=f"suggested {suggestion:.2g}",
                  annotation_position="top left")
    fig.update_xaxes(type="log", title="learning rate")
    fig.update_yaxes(title="loss")
    return _layout(fig, "Loss as the learning rate grows", height)
