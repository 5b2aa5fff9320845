"""One output pixel's arithmetic on the convolutions page: a zoomed, clickable block of the output, and the
window x kernel = products tables (``engine.conv.conv_pixel``, ``engine.pooling.pool_pixel``).

Pure builders (no streamlit): the block is a plotly heatmap under an invisible marker per pixel, so hovering
names the pixel and its window and a click selects it (a heatmap alone cannot be selected); the tables are
Markdown, narrow enough for a phone a table at a time.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

BLOCK = 13  # pixels a side of the zoomed block: each one big enough to point at on a phone
SCALE = [[0, "#2166ac"], [0.5, "#f7f7f7"], [1, "#b2182b"]]


def block(shape: tuple, row: int, col: int, side: int = BLOCK) -> tuple[slice, slice]:
    """The rows and columns of a ``side x side`` block of a ``shape (H, W)`` map around ``(row, col)``."""
    def span(n, centre):
        start = min(max(centre - side // 2, 0), max(n - side, 0))
        return slice(start, min(n, start + side))

    return span(shape[0], row), span(shape[1], col)


def pixel_picker(values: np.ndarray, row: int, col: int, window, title: str = "", height: int = 340) -> go.Figure:
    """A block of the 2-D map ``values`` around ``(row, col)`` (outlined) as a heatmap; hovering a pixel
    shows its value and the input rows and columns its window covers (``window(i, j)`` gives that text),
    clicking selects it (a points selection: x is its column, y its row)."""
    rows, cols = block(values.shape, row, col)
    z = np.asarray(values[rows, cols], dtype=np.float64)
    ys, xs = np.mgrid[rows, cols]
    lim = float(np.nanmax(np.abs(z))) or 1.0
    fig = go.Figure(go.Heatmap(z=z, x=np.arange(cols.start, cols.stop), y=np.arange(rows.start, rows.stop),
                               colorscale=SCALE, zmin=-lim, zmax=lim, hoverinfo="skip", showscale=False))
    hover = [f"output pixel ({i}, {j}) = {values[i, j]:.4f}<br>{window(i, j)}<br>click for its arithmetic"
             for i, j in zip(ys.ravel(), xs.ravel())]
    fig.add_trace(go.Scatter(x=xs.ravel(), y=ys.ravel(), mode="markers", hovertext=hover, hoverinfo="text",
                             marker=dict(size=18, symbol="square", opacity=0.01, color="#000"),
                             selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01)),
                             showlegend=False, name="pixels"))
    fig.add_shape(type="rect", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                  line=dict(color="#ffb000", width=3))
    fig.update_xaxes(showgrid=False, zeroline=False, title="column", constrain="domain")
    fig.update_yaxes(showgrid=False, zeroline=False, title="row", autorange="reversed", scaleanchor="x")
    fig.update_layout(title=dict(text=title, x=0, xanchor="left"), height=height, clickmode="event+select",
                      dragmode=False, hovermode="closest", margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    return fig


def picked(selection) -> tuple[int, int] | None:
    """The ``(row, col)`` a click on :func:`pixel_picker` selected, or None."""
    points = (selection or {}).get("selection", {}).get("points", [])
    if not points:
        return None
    return int(round(points[0]["y"])), int(round(points[0]["x"]))


def grid_markdown(values: np.ndarray, mark=None, digits: int = 4) -> str:
    """A 2-D array as a Markdown table (no header row shown but its column numbers); ``mark``: the
    ``(i, j)`` cell to put in bold."""
    values = np.asarray(values, dtype=np.float64)
    head = "| " + " | ".join(str(j) for j in range(values.shape[1])) + " |\n"
    rule = "|" + "---:|" * values.shape[1] + "\n"
    body = ""
    for i, row in enumerate(values):
        cells = [f"**{v:.{digits}f}**" if (i, j) == mark else f"{v:.{digits}f}" for j, v in enumerate(row)]
        body += "| " + " | ".join(cells) + " |\n"
    return head + rule + body


def window_text(i: int, j: int, f: int, stride: int, pad_before: int) -> str:
    """Where the window of output pixel ``(i, j)`` lies on the input (padding pixels lie outside it)."""
    r, c = i * stride - pad_before, j * stride - pad_before
    return f"its window: input rows {r} to {r + f - 1}, columns {c} to {c + f - 1}"
