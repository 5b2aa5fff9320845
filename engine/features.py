"""Hand-made input features for 2-D data (as in TensorFlow Playground).

``FEATURES`` maps a name to ``(label, function of x1, x2)``; :func:`feature_map`
turns ``(N, 2)`` points into ``(N, F)`` columns, one per chosen feature.
"""

from __future__ import annotations

import numpy as np

from .validation import check_array

FEATURES = {
    "x1": ("x₁", lambda a, b: a),
    "x2": ("x₂", lambda a, b: b),
    "x1sq": ("x₁²", lambda a, b: a * a),
    "x2sq": ("x₂²", lambda a, b: b * b),
    "x1x2": ("x₁·x₂", lambda a, b: a * b),
    "sinx1": ("sin x₁", lambda a, b: np.sin(a)),
    "sinx2": ("sin x₂", lambda a, b: np.sin(b)),
}


def feature_map(X2: np.ndarray, names) -> np.ndarray:
    """Columns ``(N, len(names))`` of the chosen features of points ``X2 (N, 2)``."""
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise TypeError("names must be a list of feature names, e.g. ['x1', 'x2'].")
    if not names:
        raise ValueError("Choose at least one input feature.")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"Unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}.")
    X2 = check_array("X2", X2, 2, "(N, 2)").astype(np.float64)
    if X2.shape[1] != 2:
        raise ValueError(f"X2 must have the form (N, 2); got shape {X2.shape}.")
    return np.column_stack([FEATURES[n][1](X2[:, 0], X2[:, 1]) for n in names])
