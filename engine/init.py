"""Weight initialisation schemes.  Each returns ``(W, b)`` with ``W`` of shape ``(n_in, n_out)``.

* ``gaussian``  - W, b ~ N(0, 1), as in Nielsen's first network (large weights).
* ``gaussian_scaled`` - W ~ N(0, 1/n_in), b ~ N(0, 1) (Nielsen's network2 default).
* ``xavier``    - W ~ U(-r, r), r = sqrt(6 / (n_in + n_out)), b = 0 (Glorot).
* ``he``        - W ~ N(0, 2/n_in), b = 0 (for ReLU layers).
"""

from __future__ import annotations

import numpy as np

SCHEMES = ("gaussian", "gaussian_scaled", "xavier", "he")


def init_layer(n_in: int, n_out: int, scheme: str, rng: np.random.Generator, dtype=np.float64):
    """Initial weights ``(n_in, n_out)`` and biases ``(n_out,)`` for one dense layer."""
    if scheme == "gaussian":
        W, b = rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)
    elif scheme == "gaussian_scaled":
        W, b = rng.standard_normal((n_in, n_out)) / np.sqrt(n_in), rng.standard_normal(n_out)
    elif scheme == "xavier":
        r = np.sqrt(6.0 / (n_in + n_out))
        W, b = rng.uniform(-r, r, (n_in, n_out)), np.zeros(n_out)
    elif scheme == "he":
        W, b = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in), np.zeros(n_out)
    else:
        raise ValueError(f"Unknown init scheme {scheme!r}; choose one of {', '.join(SCHEMES)}.")
    return W.astype(dtype), b.astype(dtype)
