"""The convolutional network for the 28 x 28 digits (the CNN page builds it from its settings, the benchmark
and tests use the defaults).

By default conv 8@5x5 -> ReLU -> maxpool 2 -> conv 16@3x3 -> ReLU -> maxpool 2 -> dense 10:
1x28x28 -> 8x24x24 -> 8x12x12 -> 16x10x10 -> 16x5x5 -> 400 -> 10 scores, 5,386 parameters.
"""

from __future__ import annotations

from .conv_layers import AvgPool2D, Conv2D, MaxPool2D
from .layers import Activation, Dense, Flatten
from .sequential import Sequential

DIGIT_SHAPE = (1, 28, 28)
DEFAULT_SETTINGS = dict(
    output="softmax",
    init="he",
    optimizer="adam",
    lr=0.003,
    batch_size=32,
    epochs=5,
    seed=0,
    dtype="float32",
    eval_max_rows=1000,  # history points stay cheap while playing (the bundled test split is 1000 digits)
)


POOLS = {"max": MaxPool2D, "avg": AvgPool2D}


def cnn_layers(c1: int = 8, k1: int = 5, c2: int = 16, k2: int = 3, pool: str = "max") -> list:
    """conv c1@k1 -> ReLU -> pool 2 [-> conv c2@k2 -> ReLU -> pool 2, unless c2 is 0] -> dense 10."""
    layers = [Conv2D(c1, k1), Activation("relu"), POOLS[pool](2)]
    if c2:
        layers += [Conv2D(c2, k2), Activation("relu"), POOLS[pool](2)]
    return layers + [Flatten(), Dense(10)]


def default_cnn(c1: int = 8, k1: int = 5, c2: int = 16, k2: int = 3, pool: str = "max", **settings) -> Sequential:
    """The CNN of :func:`cnn_layers`, unfitted; ``settings`` override :data:`DEFAULT_SETTINGS`."""
    return Sequential(cnn_layers(c1, k1, c2, k2, pool), DIGIT_SHAPE, **{**DEFAULT_SETTINGS, **settings})
