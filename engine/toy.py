"""2D toy data sets (as in TensorFlow Playground).  Each returns ``X (n, 2)`` and ``y (n,)``.

Classification (:data:`TOY_SETS`): ``y`` in {0, 1}; points lie roughly in [-6, 6]^2 and
``noise`` in [0, 1] blurs the classes.  Regression (:data:`REGRESSION_SETS`): ``y`` is a
number from about -1 to 1 at points uniform on [-6, 6]^2, with Gaussian scatter of standard
deviation ``noise / 2`` added (noise 1 buries the shape).
"""

from __future__ import annotations

import numpy as np

from .validation import check_number, check_seed


def _setup(n, noise, seed):
    """Checked ``n`` (both classes need points), ``noise`` and a generator from ``seed``."""
    n = check_number("n", n, 2, 1_000_000, integer=True)
    return n, check_number("noise", noise, 0), np.random.default_rng(check_seed(seed))


def circle(n=400, noise=0.1, seed=0):
    """Inner disc (class 1) inside a ring (class 0)."""
    n, noise, rng = _setup(n, noise, seed)
    half = n // 2
    r = np.concatenate([rng.uniform(0, 2.5, half), rng.uniform(3.5, 5, n - half)])
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.c_[r * np.cos(t), r * np.sin(t)] + rng.normal(0, noise * 5 / 2, (n, 2))
    y = np.r_[np.ones(half, int), np.zeros(n - half, int)]
    return X, y


def xor(n=400, noise=0.1, seed=0):
    """Quadrants: class 1 where x1 * x2 > 0."""
    n, noise, rng = _setup(n, noise, seed)
    X = rng.uniform(-5, 5, (n, 2))
    X += np.sign(X) * 0.3  # keep points off the axes
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X + rng.normal(0, noise * 5 / 2, (n, 2)), y


def gaussian(n=400, noise=0.1, seed=0):
    """Two Gaussian blobs at (2, 2) and (-2, -2)."""
    n, noise, rng = _setup(n, noise, seed)
    half = n // 2
    spread = 0.5 + noise * 3
    X = np.r_[rng.normal(2, spread, (half, 2)), rng.normal(-2, spread, (n - half, 2))]
    return X, np.r_[np.ones(half, int), np.zeros(n - half, int)]


def spiral(n=400, noise=0.1, seed=0):
    """Two interleaved spirals."""
    n, noise, rng = _setup(n, noise, seed)
    half = n // 2
    parts = []
    for k, count in enumerate((half, n - half)):
        t = np.linspace(0, 1, count)
        r = 5 * t
        angle = 1.75 * t * 2 * np.pi + k * np.pi
        parts.append(np.c_[r * np.sin(angle), r * np.cos(angle)])
    X = np.r_[parts[0], parts[1]] + rng.normal(0, noise, (n, 2))
    return X, np.r_[np.ones(half, int), np.zeros(n - half, int)]


def moons(n=400, noise=0.1, seed=0):
    """Two interleaving half circles."""
    n, noise, rng = _setup(n, noise, seed)
    half = n // 2
    t1, t2 = np.linspace(0, np.pi, half), np.linspace(0, np.pi, n - half)
    upper = np.c_[np.cos(t1), np.sin(t1)]
    lower = np.c_[1 - np.cos(t2), 0.5 - np.sin(t2)]
    X = (np.r_[upper, lower] - [0.5, 0.25]) * 3 + rng.normal(0, noise * 1.5, (n, 2))
    return X, np.r_[np.zeros(half, int), np.ones(n - half, int)]


def _regression_set(n, noise, seed, target):
    """Points uniform on [-6, 6]^2 and ``target(x1, x2)`` with scatter of std ``noise / 2``."""
    n, noise, rng = _setup(n, noise, seed)
    X = rng.uniform(-6, 6, (n, 2))
    return X, target(X[:, 0], X[:, 1]) + rng.normal(0, noise / 2, n)


def plane(n=400, noise=0.1, seed=0):
    """Regression: a tilted plane, ``y = (x1 + x2) / 12`` (from -1 to 1)."""
    return _regression_set(n, noise, seed, lambda a, b: (a + b) / 12)


BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))  # x1, x2, sign


def bumps(a, b):
    """Six Gaussian bumps of width 1 in a checkerboard of signs (TensorFlow Playground's layout)."""
    return sum(sign * np.exp(-((a - cx) ** 2 + (b - cy) ** 2) / 2) for cx, cy, sign in BUMPS)


def multi_gaussian(n=400, noise=0.1, seed=0):
    """Regression: ``y`` is a sum of six Gaussian bumps, peaks at +1 and -1 in a checkerboard."""
    return _regression_set(n, noise, seed, bumps)


TOY_SETS = {f.__name__: f for f in (circle, xor, gaussian, spiral, moons)}
REGRESSION_SETS = {f.__name__: f for f in (plane, multi_gaussian)}


def make_toy(name: str, n=400, noise=0.1, seed=0):
    """Generate a toy set by name (classification or regression); ``noise`` is clamped to [0, 1]
    and ``n`` to [10, 5000]."""
    sets = {**TOY_SETS, **REGRESSION_SETS}
    if not isinstance(name, str) or name not in sets:
        raise ValueError(f"Unknown data set {name!r}; choose one of {', '.join(sets)}.")
    n, noise = check_number("n", n), check_number("noise", noise)
    return sets[name](int(np.clip(n, 10, 5000)), float(np.clip(noise, 0, 1)), seed)


def make_line(n=100, intercept=3.0, slope=1.0, noise=0.5, seed=0, x_max=2.0):
    """Points on ``y = intercept + slope * x + noise``, x uniform on [0, x_max].

    Returns
    -------
    x : (n,), y : (n,)
    """
    n = int(np.clip(check_number("n", n), 2, 10_000))
    intercept, slope = check_number("intercept", intercept), check_number("slope", slope)
    noise, x_max = check_number("noise", noise, 0), check_number("x_max", x_max, 1e-9)
    rng = np.random.default_rng(check_seed(seed))
    x = rng.uniform(0, x_max, n)
    return x, intercept + slope * x + rng.normal(0, noise, n)
