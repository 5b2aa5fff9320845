"""Weight initialisation schemes.  Each returns ``(W, b)``.

``n_in`` and ``n_out`` are the fan-in and fan-out: the inputs feeding one output
and the outputs fed by one input (for a convolution, ``C kh kw`` and ``K kh kw``).

* ``gaussian``  - W, b ~ N(0, 1), as in Nielsen's first network (large weights).
* ``gaussian_scaled`` - W ~ N(0, 1/n_in), b ~ N(0, 1) (Nielsen's network2 default).
* ``xavier``    - W ~ U(-r, r), r = sqrt(6 / (n_in + n_out)), b = 0 (Glorot).
* ``he``        - W ~ N(0, 2/n_in), b = 0 (for ReLU layers).
"""

from __future__ import annotations

import numpy as np

SCHEMES = ("gaussian", "gaussian_scaled", "xavier", "he")


def init_layer(
    n_in: int, n_out: int, scheme: str, rng: np.random.Generator, dtype=np.float64, shape=None, n_bias=None
):
    """Initial weights and biases: ``(n_in, n_out)`` and ``(n_out,)`` for a dense layer,
    or ``shape`` and ``(n_bias,)`` for others (a convolution's ``(K, C, kh, kw)`` and ``(K,)``)."""
    shape = (n_in, n_out) if shape is None else shape
    n_bias = n_out if n_bias is None else n_bias
    if scheme == "gaussian":
        W, b = rng.standard_normal(shape), rng.standard_normal(n_bias)
    elif scheme == "gaussian_scaled":
        W, b = rng.standard_normal(shape) / np.sqrt(n_in), rng.standard_normal(n_bias)
    elif scheme == "xavier":
        r = np.sqrt(6.0 / (n_in + n_out))
        W, b = rng.uniform(-r, r, shape), np.zeros(n_bias)
    elif scheme == "he":
        W, b = rng.standard_normal(shape) * np.sqrt(2.0 / n_in), np.zeros(n_bias)
    else:
        raise ValueError(f"Unknown init scheme {scheme!r}; choose one of {', '.join(SCHEMES)}.")
    return W.astype(dtype), b.astype(dtype)
