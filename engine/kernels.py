"""Named 3x3 filters and a seeded bank of random {-1, 0, 1} filters."""

from __future__ import annotations

import numpy as np

from .validation import check_array, check_number, check_seed

PRESETS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "emboss": [[2, 0, 0], [0, -1, 0], [0, 0, -1]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "laplace": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "blur": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
    "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "left edge": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "right edge": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
    "top edge": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "bottom edge": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    "diagonal \\": [[2, -1, -1], [-1, 2, -1], [-1, -1, 2]],
    "diagonal /": [[-1, -1, 2], [-1, 2, -1], [2, -1, -1]],
}


def preset(name: str) -> np.ndarray:
    """A named 3x3 kernel as float64."""
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(f"Unknown filter {name!r}; choose one of {', '.join(PRESETS)}.")
    return np.array(PRESETS[name], dtype=np.float64)


def as_bank(kernel2d: np.ndarray, depth: int = 1, mix=None) -> np.ndarray:
    """One 2-D kernel as a bank ``(1, depth, kh, kw)``: one slice per input channel, the kernel times
    that channel's weight in ``mix`` (default ``1/depth`` each: a depth-3 copy averages the RGB
    responses, so it sees brightness; other weights make a colour filter)."""
    k = check_array("kernel2d", kernel2d, 2, "(kh, kw)").astype(np.float64)
    depth = check_number("depth", depth, 1, integer=True)
    mix = np.full(depth, 1 / depth) if mix is None else check_array("mix", mix, 1, "(depth,)").astype(np.float64)
    if len(mix) != depth:
        raise ValueError(f"mix needs one weight per channel ({depth}), not {len(mix)}.")
    return k[None, None] * mix[None, :, None, None]


def random_bank(n: int = 64, size: int = 3, depth: int = 1, seed: int = 0) -> np.ndarray:
    """``n`` random filters ``(n, depth, size, size)`` with entries drawn from {-1, 0, 1}."""
    n = check_number("n", n, 1, 4096, integer=True)
    size = check_number("size", size, 1, 64, integer=True)
    depth = check_number("depth", depth, 1, 4096, integer=True)
    rng = np.random.default_rng(check_seed(seed))
    return rng.integers(-1, 2, size=(n, depth, size, size)).astype(np.float64)
