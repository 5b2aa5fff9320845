"""Losses as small objects with a value and a delta (Nielsen's network2 style).

``value(a, y)`` is the mean loss over the ``N`` rows; ``grad(a, y)`` is dL/da;
``delta(z, a, y, activation)`` is dL/dz of the output layer.  Each loss paired
with its natural readout (MSE with the identity, binary cross-entropy with sigmoid,
categorical cross-entropy with softmax) has the same fused delta ``(a - y) / N``.
Targets ``y`` are one-hot, shape ``(N, K)``, or for regression the values ``(N, K)``.
"""

from __future__ import annotations

import numpy as np

from .activations import ActivationFunction, Linear, Sigmoid, Softmax, row_max, row_sum
from .validation import check_labels, check_number, from_registry


def one_hot(y, k: int, dtype=np.float64) -> np.ndarray:
    """Integer labels ``(N,)`` in ``0..k-1`` -> one-hot rows ``(N, k)``."""
    k = check_number("k", k, 1, integer=True)
    y = check_labels(y, k=k)
    Y = np.zeros((len(y), k), dtype=dtype)
    Y[np.arange(len(y)), y] = 1
    return Y


_CLIP_EPS: dict = {}  # dtype -> its clip (np.finfo is slow next to a small batch's loss)


def clip_eps(dtype) -> float:
    """How far from 0 and 1 probabilities are clipped before a log.

    1e-12 in float64; in float32 ``1 - 1e-12`` rounds to 1 and ``log(1 - a)`` would be
    ``-inf``, so the clip grows to float32's resolution near 1.
    """
    if dtype not in _CLIP_EPS:
        _CLIP_EPS[dtype] = max(1e-12, float(np.finfo(dtype).eps))
    return _CLIP_EPS[dtype]


class Loss:
    name = "loss"
    formula = ""
    # how the training loop reads a monitored batch's loss: "outputs" (value) or "logits"
    # (value_from_logits), whichever costs less for this loss (the same number but for value's clip)
    watch_from = "outputs"

    def value(self, a: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def grad(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dL/da, shape ``(N, K)``."""
        raise NotImplementedError

    def delta(self, z, a, y, activation: ActivationFunction) -> np.ndarray:
        """dL/dz of the output layer, shape ``(N, K)``."""
        return activation.backward(self.grad(a, y), z, a)

    def value_from_logits(self, z, a, y, activation: ActivationFunction) -> float:
        """Loss computed stably from the output pre-activations where possible."""
        return self.value(a, y)


class MSE(Loss):
    name = "mse"
    formula = r"L = \frac{1}{2N}\sum_n \lVert a_n - y_n \rVert^2"

    def value(self, a, y):
        d = a - y
        return float(0.5 * np.vdot(d, d) / len(a))  # (a dot product: the squares summed in one operation)

    def grad(self, a, y):
        return (a - y) / len(a)

    def delta(self, z, a, y, activation):
        if isinstance(activation, Linear):
            return (a - y) / len(a)  # regression's readout: the identity's derivative is 1
        return super().delta(z, a, y, activation)


class BinaryCrossEntropy(Loss):
    name = "bce"
    formula = r"L = -\frac{1}{N}\sum_n \sum_k y_{nk}\ln a_{nk} + (1-y_{nk})\ln(1-a_{nk})"
    watch_from = "logits"  # with a sigmoid: three array operations, where value's clip and two logs take seven

    def value(self, a, y):
        eps = clip_eps(a.dtype)
        a = a.clip(eps, 1 - eps)
        # the two sums as dot products (and the array's own clip): half the time of the elementwise terms
        # added and summed, on the small batches the training loop monitors
        return float(-(np.vdot(y, np.log(a)) + np.vdot(1 - y, np.log(1 - a))) / len(a))

    def grad(self, a, y):
        eps = clip_eps(a.dtype)
        a = np.clip(a, eps, 1 - eps)
        return (a - y) / (a * (1 - a)) / len(a)

    def delta(self, z, a, y, activation):
        if isinstance(activation, Sigmoid):
            return (a - y) / len(a)  # fused: sigma' cancels
        return super().delta(z, a, y, activation)

    def value_from_logits(self, z, a, y, activation):
        if isinstance(activation, Sigmoid):
            # -[y ln s(z) + (1-y) ln(1-s(z))] = softplus(z) - y z, no clipping needed
            return float(np.add.reduce(np.logaddexp(0, z), None) - np.vdot(y, z)) / len(z)
        return self.value(a, y)


class CategoricalCrossEntropy(Loss):
    name = "cce"
    formula = r"L = -\frac{1}{N}\sum_n \sum_k y_{nk} \ln p_{nk}"

    def value(self, a, y):
        return float(-np.vdot(y, np.log(a.clip(clip_eps(a.dtype), 1.0))) / len(a))

    def grad(self, a, y):
        return -y / np.clip(a, clip_eps(a.dtype), 1.0) / len(a)

    def delta(self, z, a, y, activation):
        if isinstance(activation, Softmax):
            return (a - y) / len(a)  # fused softmax + cross-entropy
        return super().delta(z, a, y, activation)

    def value_from_logits(self, z, a, y, activation):
        if isinstance(activation, Softmax):
            zmax = row_max(z)
            log_p = z - zmax - np.log(row_sum(np.exp(z - zmax)))
            return float(-np.sum(y * log_p) / len(z))
        return self.value(a, y)


LOSSES = {cls.name: cls for cls in (MSE, BinaryCrossEntropy, CategoricalCrossEntropy)}
READOUT_LOSS = {"softmax": "cce", "sigmoid": "bce", "linear": "mse"}  # each readout's natural loss


def get_loss(name: str | Loss) -> Loss:
    """Return a loss object from its name (``"mse"``, ``"bce"``, ``"cce"``)."""
    found = from_registry("loss", LOSSES, name, Loss)
    return found if isinstance(found, Loss) else found()
