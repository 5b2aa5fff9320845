"""The default convolutional network for the 28 x 28 digits (shared by the CNN page and the benchmark).

conv 8@5x5 -> ReLU -> maxpool 2 -> conv 16@3x3 -> ReLU -> maxpool 2 -> dense 10:
1x28x28 -> 8x24x24 -> 8x12x12 -> 16x10x10 -> 16x5x5 -> 400 -> 10 scores, 5,386 parameters.
"""

from __future__ import annotations

from .conv_layers import Conv2D, MaxPool2D
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


def default_cnn_layers() -> list:
    return [
        Conv2D(8, 5),
        Activation("relu"),
        MaxPool2D(2),
        Conv2D(16, 3),
        Activation("relu"),
        MaxPool2D(2),
        Flatten(),
        Dense(10),
    ]


def default_cnn(**settings) -> Sequential:
    """The default CNN, unfitted; ``settings`` override :data:`DEFAULT_SETTINGS`."""
    return Sequential(default_cnn_layers(), DIGIT_SHAPE, **{**DEFAULT_SETTINGS, **settings})
