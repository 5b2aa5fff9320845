"""A multi-layer perceptron: a :class:`~engine.sequential.Sequential` of Dense layers.

>>> from engine import MLP, load_iris
>>> data = load_iris()
>>> model = MLP([4, 40, 3], activation="sigmoid", lr=0.5, epochs=30).fit(data.X, data.y)
>>> model.score(data.X, data.y)  # doctest: +SKIP

Shapes: ``X`` is ``(N, layer_sizes[0])``; ``y`` holds integer labels
``0..K-1`` with ``K = layer_sizes[-1]`` (with ``output="linear"``, a regression:
the values, ``(N,)`` for one output or ``(N, K)``).  Weights ``weights_[l]`` are
``(n_l, n_{l+1})`` and biases ``biases_[l]`` are ``(n_{l+1},)``.
"""

from __future__ import annotations

import numpy as np

from .layers import Activation, Dense
from .sequential import Sequential
from .validation import check_number


class MLP(Sequential):
    """Fully connected network: hidden layers with any activation, sigmoid or softmax readout
    (or a linear one with MSE: regression).

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_inputs, hidden..., n_classes]`` (or ``n_outputs`` for regression); at least two entries.
    activation : str or list of str
        Hidden-layer activation, one name for all or one per hidden layer.
    **settings
        :class:`~engine.sequential.Sequential`'s (``output``, ``init``, ``optimizer``, ``lr``,
        ``batch_size``, ``epochs``, ``l1``, ``l2``, ``seed``, ...); its ``layers`` and
        ``input_shape`` are the ones ``layer_sizes`` and ``activation`` declare.

    Learned: ``weights_`` and ``biases_``, lists of the Dense layers' arrays (the live parameters:
    changing them in place changes the model), and Sequential's.
    """

    def __init__(self, layer_sizes, activation="sigmoid", **settings):
        super().__init__(layers=None, input_shape=None, **settings)  # declared by _declare instead
        self.layer_sizes = layer_sizes
        self.activation = activation

    @classmethod
    def _signature(cls):
        """``layer_sizes``, ``activation``, then Sequential's settings: what get_params, clone and
        save_weights read."""
        shared = Sequential._signature()
        return {**super()._signature(), **{k: p for k, p in shared.items() if k not in ("layers", "input_shape")}}

    def _declare(self):
        sizes = self.layer_sizes
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"layer_sizes needs at least an input and an output size, e.g. [4, 8, 3]; got {sizes!r}.")
        sizes = [check_number("layer_sizes", n, 1, integer=True) for n in sizes]
        n_hidden = len(sizes) - 2
        if not isinstance(self.activation, (str, list, tuple)):
            raise TypeError(f"activation must be a name or a list of names; got {self.activation!r}.")
        acts = [self.activation] * n_hidden if isinstance(self.activation, str) else list(self.activation)
        if len(acts) != n_hidden:
            raise ValueError(f"Got {len(acts)} activations for {n_hidden} hidden layers.")
        layers = []
        for n, act in zip(sizes[1:-1], acts):
            layers += [Dense(n), Activation(act)]
        return layers + [Dense(sizes[-1])], (sizes[0],)

    # The pages read ``activation`` as one name per hidden layer, as the MLP always gave it: a single
    # name is stored as given (the estimator contract) and read back repeated.
    @property
    def activation(self):
        """Hidden-layer activations, one name per hidden layer."""
        act = self._activation
        if isinstance(act, str) and isinstance(self.layer_sizes, (list, tuple)):
            return [act] * max(len(self.layer_sizes) - 2, 0)
        return list(act) if isinstance(act, tuple) else act

    @activation.setter
    def activation(self, value):
        self._activation = value

    def initialize(self):
        super().initialize()
        self._dense = [x for x in self.layers_ if isinstance(x, Dense)]
        return self

    @property
    def weights_(self) -> list[np.ndarray]:
        """The Dense layers' weights ``(n_l, n_{l+1})``: the live arrays (change them in place, or
        assign a list of arrays of the same shapes to copy values in)."""
        self._check_fitted()
        return [x.W for x in self._dense]

    @weights_.setter
    def weights_(self, arrays):
        _copy_into(self.weights_, arrays, "weights_")

    @property
    def biases_(self) -> list[np.ndarray]:
        """The Dense layers' biases ``(n_{l+1},)``, live like :attr:`weights_`."""
        self._check_fitted()
        return [x.b for x in self._dense]

    @biases_.setter
    def biases_(self, arrays):
        _copy_into(self.biases_, arrays, "biases_")

    def layer_outputs(self, X, columns: int | None = None) -> list[np.ndarray]:
        """Every layer's output for ``X``: hidden activations first, the readout last (with ``columns``,
        only each hidden layer's first ``columns``)."""
        return super().layer_outputs(X, columns)[1::2]


def _copy_into(live: list[np.ndarray], arrays, name: str) -> None:
    """Copy ``arrays`` into the live parameter arrays (so the layers and the optimizer keep theirs)."""
    arrays = list(arrays)
    shapes = [np.shape(a) for a in arrays]
    if shapes != [p.shape for p in live]:
        raise ValueError(f"{name} must be {len(live)} arrays of shapes {[p.shape for p in live]}; got {shapes}.")
    for p, a in zip(live, arrays):
        p[...] = a
