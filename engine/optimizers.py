"""Optimizers: small objects with ``step(params, grads)`` that update in place.

``params`` and ``grads`` are equal-length lists of arrays; state (velocity,
squared-gradient averages) is kept per position.  ``lr`` may be changed
between steps without losing that state, and every rule multiplies by ``lr``
when it steps (none keeps it inside its state), so a new rate sets the size of
the very next step.
"""

from __future__ import annotations

import numpy as np

from .validation import check_number, from_registry


def _decay(name: str, value) -> float:
    """A running average's weight on the past: from 0 up to, not including, 1 (at 1 nothing new
    enters it; Adam's bias correction divides by zero)."""
    value = check_number(name, value, 0, 1)
    if value == 1:
        raise ValueError(f"{name} must be below 1; got 1.")
    return value


class Optimizer:
    name = "optimizer"
    formula = ""

    def __init__(self, lr: float = 0.1):
        self.lr = check_number("lr", lr, 0, low_open=True)
        self.t = 0  # number of steps taken

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def _slot(self, store: dict, i: int, p: np.ndarray) -> np.ndarray:
        if i not in store:
            store[i] = np.zeros_like(p)
        return store[i]

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    name = "sgd"
    formula = r"\theta \leftarrow \theta - \eta\, g"

    def _update(self, i, p, g):
        p -= self.lr * g

    def step(self, params, grads):
        # same as the base class, without a method call per array (the hot path)
        self.t += 1
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum(Optimizer):
    """Heavy ball, as PyTorch's SGD with momentum: the velocity sums past gradients, the rate scales it
    at each step.  (Writing ``v = mu v - lr g`` instead gives the same steps at a fixed rate, but after
    a change the old rate lives on in ``v`` for about ``1 / (1 - mu)`` steps.)"""

    name = "momentum"
    formula = r"\begin{aligned}v &\leftarrow \mu v + g \\ \theta &\leftarrow \theta - \eta\, v\end{aligned}"

    def __init__(self, lr: float = 0.1, mu: float = 0.9):
        super().__init__(lr)
        self.mu = _decay("mu", mu)
        self.v: dict[int, np.ndarray] = {}

    def _update(self, i, p, g):
        v = self._slot(self.v, i, p)
        v *= self.mu
        v += g
        p -= self.lr * v


class RMSprop(Optimizer):
    name = "rmsprop"
    formula = (  # a line a step, aligned: side by side they are wider than a phone
        r"\begin{aligned}s &\leftarrow \rho s + (1-\rho) g^2 \\"
        r"\theta &\leftarrow \theta - \eta\, g / (\sqrt{s} + \epsilon)\end{aligned}"
    )

    def __init__(self, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8):
        super().__init__(lr)
        self.rho, self.eps = _decay("rho", rho), check_number("eps", eps, 0, low_open=True)
        self.s: dict[int, np.ndarray] = {}

    def _update(self, i, p, g):
        s = self._slot(self.s, i, p)
        s *= self.rho
        s += (1 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    name = "adam"
    formula = (  # a line a step, aligned: side by side they are wider than a phone
        r"\begin{aligned}m &\leftarrow \beta_1 m + (1-\beta_1) g \\ v &\leftarrow \beta_2 v + (1-\beta_2) g^2 \\"
        r"\theta &\leftarrow \theta - \eta\,\hat m / (\sqrt{\hat v} + \epsilon)\end{aligned}"
    )

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2 = _decay("beta1", beta1), _decay("beta2", beta2)
        self.eps = check_number("eps", eps, 0, low_open=True)
        self.m: dict[int, np.ndarray] = {}
        self.v: dict[int, np.ndarray] = {}

    def _update(self, i, p, g):
        m, v = self._slot(self.m, i, p), self._slot(self.v, i, p)
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1**self.t)  # bias correction
        v_hat = v / (1 - self.beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, RMSprop, Adam)}


def get_optimizer(name: str | Optimizer, lr: float | None = None) -> Optimizer:
    """Return a fresh optimizer from its name, or pass an optimizer object through."""
    found = from_registry("optimizer", OPTIMIZERS, name, Optimizer)
    if isinstance(found, Optimizer):
        return found
    return found() if lr is None else found(lr=lr)
