"""Activation functions: value and derivative side by side.

Every activation function maps pre-activations ``z`` of shape ``(N, D)`` to
activations ``a`` of the same shape.  ``backward(da, z, a)`` turns the
upstream gradient dL/da into dL/dz; for the elementwise functions that is
``da * derivative(z)``, for softmax the product with its Jacobian.  The layer
that applies one inside a network is :class:`engine.layers.Activation`.
"""

from __future__ import annotations

import numpy as np

from .validation import from_registry

# Across each row of a narrow (N, K) array numpy's reductions run an inner loop of K per row: with
# thousands of rows and a few classes that is 20-40x slower than K - 1 passes down the columns
# (a picture's 6 400 points: 0.29 ms for one row-wise max, against 0.01 ms)
NARROW = 16  # columns: up to these, row maxima are taken a column at a time
MANY_ROWS = 64  # rows: below these numpy's own reduction is as fast (its call costs the same)


def row_max(z: np.ndarray) -> np.ndarray:
    """``z.max(axis=1, keepdims=True)``, fast for many rows of a few columns."""
    if z.shape[0] < MANY_ROWS or z.shape[1] > NARROW:
        return z.max(axis=1, keepdims=True)
    return _down_the_columns(np.maximum, z)


def row_sum(z: np.ndarray) -> np.ndarray:
    """``z.sum(axis=1, keepdims=True)``, fast for many rows of a few columns: up to 7, where numpy
    adds them one by one too, so the sums are the same to the bit (from 8 it adds them pairwise)."""
    if z.shape[0] < MANY_ROWS or z.shape[1] >= 8:
        return z.sum(axis=1, keepdims=True)
    return _down_the_columns(np.add, z)


def _down_the_columns(ufunc, z: np.ndarray) -> np.ndarray:
    """``ufunc`` of each row's values, first to last, a column at a time: ``(N, 1)``."""
    out = z[:, :1].copy()
    for j in range(1, z.shape[1]):
        ufunc(out[:, 0], z[:, j], out=out[:, 0])
    return out


class ActivationFunction:
    """Base class. Subclasses define ``value`` and ``derivative``."""

    name = "activation"
    formula = ""

    def value(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """Elementwise da/dz, shape ``(N, D)``."""
        raise NotImplementedError

    def backward(self, da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """dL/dz from dL/da, shapes ``(N, D)``."""
        return da * self.derivative(z)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(ActivationFunction):
    name = "sigmoid"
    formula = r"\sigma(z) = \frac{1}{1 + e^{-z}},\quad \sigma'(z) = \sigma(z)(1 - \sigma(z))"

    def value(self, z):
        # 1 / (1 + e^-z) = e^-ln(1 + e^-z), with ln(1 + e^-z) by np.logaddexp(0, -z): nothing overflows for
        # large |z|, and it is four array operations where the formula with its two cases took seven
        return np.exp(-np.logaddexp(0, -z))

    def derivative(self, z):
        s = self.value(z)
        return s * (1.0 - s)

    def backward(self, da, z, a):
        return da * a * (1.0 - a)


class Tanh(ActivationFunction):
    name = "tanh"
    formula = r"\tanh(z),\quad \tanh'(z) = 1 - \tanh^2(z)"

    def value(self, z):
        return np.tanh(z)

    def derivative(self, z):
        return 1.0 - np.tanh(z) ** 2

    def backward(self, da, z, a):
        return da * (1.0 - a * a)


class ReLU(ActivationFunction):
    name = "relu"
    formula = r"\max(0, z),\quad \mathrm{relu}'(z) = [z > 0]"

    def value(self, z):
        return np.maximum(z, 0)

    def derivative(self, z):
        return (z > 0).astype(z.dtype)

    def backward(self, da, z, a):
        return da * (z > 0)


class LeakyReLU(ActivationFunction):
    name = "leaky_relu"
    formula = r"\max(\alpha z, z),\quad \text{derivative } 1 \text{ or } \alpha"

    def __init__(self, alpha: float = 0.01):
        self.alpha = float(alpha)

    def value(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Linear(ActivationFunction):
    name = "linear"
    formula = r"z,\quad \text{derivative } 1"

    def value(self, z):
        return z

    def derivative(self, z):
        return np.ones_like(z)

    def backward(self, da, z, a):
        return da


class Softmax(ActivationFunction):
    """Row-wise softmax.  Its derivative is a Jacobian, ``diag(p) - p p^T``, so ``backward``
    applies it as a product rather than elementwise."""

    name = "softmax"
    formula = r"\mathrm{softmax}(z)_k = \frac{e^{z_k - \max z}}{\sum_j e^{z_j - \max z}}"

    def value(self, z):
        e = np.exp(z - row_max(z))
        e /= row_sum(e)
        return e

    def derivative(self, z):
        """Diagonal of the Jacobian, p(1 - p) (useful for display only)."""
        p = self.value(z)
        return p * (1.0 - p)

    def backward(self, da, z, a):
        return a * (da - row_sum(da * a))


ACTIVATIONS = {cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, Linear, Softmax)}


def get_activation(name: str | ActivationFunction) -> ActivationFunction:
    """Return an activation function from its name (``"relu"``) or pass one through."""
    found = from_registry("activation", ACTIVATIONS, name, ActivationFunction)
    return found if isinstance(found, ActivationFunction) else found()
