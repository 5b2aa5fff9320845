"""All of a network's parameters in one array, and all of their gradients in another.

Each layer keeps its own ``params`` and ``grads`` (``W``, ``b``: what learners read and change), but
as views into two flat arrays: the optimizer then updates the whole network with one array
operation per line of its rule, where one per parameter array cost a small network more than the
forward and backward passes together.  The rules are elementwise, so the numbers are the same.

Dense layers write their gradients straight into their views (``Layer.grad_buffers``); any other
layer's are copied in after its backward pass (:meth:`FlatParameters.gather`).
"""

from __future__ import annotations

import math

import numpy as np


class FlatParameters:
    """The flat arrays behind the parameters of ``layers`` (those with ``params``), built from their
    current values; the layers' ``params`` become views into ``params``, their ``grad_buffers`` views
    into ``grads``.  ``into``: the two flat arrays to use (a row each of the arrays that networks
    trained together share: :mod:`engine.together`), else new ones."""

    def __init__(self, layers: list, dtype, into: tuple[np.ndarray, np.ndarray] | None = None):
        arrays = [p for layer in layers for p in layer.params]
        sizes = [p.size for p in arrays]
        self.starts = np.cumsum([0, *sizes[:-1]])  # where each array begins
        if into is None:
            self.params = np.empty(sum(sizes), dtype=dtype)
            self.grads = np.zeros_like(self.params)
        else:
            self.params, self.grads = into
        self.layers = layers
        self.views, self.grad_views = [], []
        for start, size, p in zip(self.starts, sizes, arrays):
            view = self.params[start : start + size].reshape(p.shape)
            view[...] = p
            self.views.append(view)
            self.grad_views.append(self.grads[start : start + size].reshape(p.shape))
        self.attach()
        # each layer's weights (params[0]): their places among the arrays, and their gradient views
        self.weight_slots = np.cumsum([0, *(len(layer.params) for layer in layers)])[:-1].astype(np.intp)
        self.weight_grads = [self.grad_views[i] for i in self.weight_slots]
        # the layers whose gradients gather copies in (their backward does not write into grad_buffers)
        self.copied = [(k, layer) for k, layer in zip(self.weight_slots, layers) if not layer.writes_grad_buffers]

    def attach(self) -> FlatParameters:
        """Make the layers' ``params`` and ``grad_buffers`` views into these arrays (again: a network
        trained together with others lends its layers to their shared arrays meanwhile)."""
        k = 0
        for layer in self.layers:
            n = len(layer.params)
            layer.params, layer.grad_buffers = self.views[k : k + n], self.grad_views[k : k + n]
            k += n
        return self

    def attached(self, layers: list) -> FlatParameters:
        """These flat arrays while ``layers`` still hold their views, else new ones (a layer's arrays
        were swapped: a network put together by hand, weights loaded by assignment)."""
        arrays = [p for layer in layers for p in layer.params]
        if len(arrays) == len(self.views) and all(a is b for a, b in zip(arrays, self.views)):
            return self
        return FlatParameters(layers, self.params.dtype)

    def gather(self) -> None:
        """Copy into ``grads`` the gradients a layer's backward pass left elsewhere (a convolution's)."""
        for k, layer in self.copied:
            for view, g in zip(self.grad_views[k:], layer.grads):
                view[...] = g

    def weight_grad_norms(self) -> list[float]:
        """‖∂L/∂W‖ of each layer's weights (a dot product each: no squares to hold)."""
        return [math.sqrt(np.vdot(g, g)) for g in self.weight_grads]

    def norm(self) -> float:
        """The norm of all parameters together."""
        return math.sqrt(np.vdot(self.params, self.params))
