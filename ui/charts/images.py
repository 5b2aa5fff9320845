"""Pure builders for image views: arrays to display-ready images and plotly grids with hover."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from .plots import tiles

TILE_PX = 64  # the longest side of a feature map in a grid


def normalise(img: np.ndarray) -> np.ndarray:
    """Scale any real array to [0, 1] (min-max per image; a flat image becomes 0)."""
    img = np.asarray(img, dtype=np.float64)
    lo, hi = np.nanmin(img), np.nanmax(img)
    return (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)


def for_display(planes: np.ndarray) -> np.ndarray:
    """``(C, H, W)`` in any range -> ``(H, W)`` or ``(H, W, 3)`` in [0, 1] for st.image."""
    planes = np.asarray(planes)
    if planes.shape[0] == 3:
        return normalise(planes.transpose(1, 2, 0))
    return normalise(planes[0])


def _png_uri(gray01: np.ndarray) -> str:
    arr = np.nan_to_num(gray01, nan=1.0)
    buf = io.BytesIO()
    Image.fromarray((np.clip(arr, 0, 1) * 255).astype(np.uint8), "L").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def downsample(maps: np.ndarray, max_side: int) -> np.ndarray:
    """Take every k-th pixel of ``(M, h, w)`` maps so that the longest side is <= max_side."""
    step = int(np.ceil(max(maps.shape[1:]) / max_side))
    return maps[:, ::step, ::step]


def feature_grid(
    maps: np.ndarray, kernels: np.ndarray | None = None, tile_px: int = TILE_PX, title: str = "", height: int = 560
) -> go.Figure:
    """Feature maps ``(M, h, w)`` as one square grid image, each map normalised on its own.

    Hovering a tile shows its filter (``kernels[m]`` summed over depth) when given.
    """
    small = downsample(np.asarray(maps, dtype=np.float64), tile_px)
    m, h, w = small.shape
    n_cols = int(np.ceil(np.sqrt(m)))
    grid = tiles(small, n_cols=n_cols, gap=2)
    fig = go.Figure(go.Image(source=_png_uri(grid), hoverinfo="skip"))
    cx = [(k % n_cols) * (w + 2) + w / 2 for k in range(m)]
    cy = [(k // n_cols) * (h + 2) + h / 2 for k in range(m)]
    if kernels is not None:
        ks = np.asarray(kernels).sum(axis=1) if np.asarray(kernels).ndim == 4 else np.asarray(kernels)
        text = [
            f"map {k}<br>filter:<br>"
            + "<br>".join(
                " ".join(f"{v:+.0f}" if float(v).is_integer() else f"{v:+.2f}" for v in row) for row in ks[k]
            )
            for k in range(m)
        ]
    else:
        text = [f"map {k}" for k in range(m)]
    fig.add_trace(
        go.Scatter(
            x=cx,
            y=cy,
            mode="markers",
            hovertext=text,
            hoverinfo="text",
            showlegend=False,
            marker=dict(symbol="square", size=max(6, min(w, 40)), opacity=0),
        )
    )
    fig.update_xaxes(visible=False, range=[-0.5, grid.shape[1] - 0.5])
    fig.update_yaxes(visible=False, range=[grid.shape[0] - 0.5, -0.5], scaleanchor="x")
    fig.update_layout(
        title=title, height=height, margin=dict(l=0, r=0, t=30 if title else 0, b=0), plot_bgcolor="white"
    )
    return fig
