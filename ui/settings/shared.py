"""Settings that more than one page offers, declared once: key, label and help live here.

A page puts them in its ``Form`` as they are, or with its own default or range, e.g.
``LR.with_(default=0.001, options=ladder(LR_LADDER, 0.0001, 1.0))``.  ``live`` says that a change
applies to the running model; ``param`` is the engine's name for what it sets there.
"""

from __future__ import annotations

from engine.init import SCHEMES
from engine.optimizers import OPTIMIZERS
from ui.settings.form import BATCH_LADDER, LR_LADDER, Choice, Layers, Number, ladder

# ---------------------------------------------------------------- the network
LAYERS = Layers("layers", [(8, "tanh"), (8, "tanh")], "hidden layers",
                "Neurons and activation of each hidden layer; with none the network is a linear model (softmax "
                "regression for classes).", activations=("tanh", "relu", "sigmoid", "leaky_relu", "linear"),
                max_layers=6, max_units=256)
READOUT = Choice("readout", "softmax", "readout", "Softmax + cross-entropy, or one sigmoid per class + binary "
                 "cross-entropy.", options=("softmax", "sigmoid"))
INIT = Choice("init", "xavier", "initialisation",
              "gaussian = N(0,1) (large), gaussian_scaled = N(0,1/n), xavier, he (for ReLU).", options=SCHEMES)
SEED = Number("seed", 0, "weight seed", "Same seed, same starting weights and the same order of mini-batches.",
              lo=0, hi=10_000, widget="number")

# ---------------------------------------------------------------- training (changes keep the weights)
# MNIST's links said "optimizer" before the pages shared this key
OPTIMIZER = Choice("opt", "adam", "optimizer", "Changing it keeps the weights.", options=tuple(OPTIMIZERS),
                   live=True, param="optimizer", aliases=("optimizer",))
LR = Choice("lr", 0.03, "learning rate η", "Step size of each gradient step. Changing it keeps the weights.",
            options=ladder(LR_LADDER, 0.0001, 10.0), widget="slider", live=True, param="lr")
BATCH = Choice("batch", 10, "batch size", "Examples per gradient step.", options=ladder(BATCH_LADDER, 1, 100),
               widget="slider", live=True, param="batch_size")
L2 = Number("l2", 0.0, "L2 penalty λ", "A penalty on large weights: λ/(2n)·ΣW² is added to the loss (n training "
            "examples; the biases are free).", lo=0.0, hi=100.0,
            step=0.1, widget="number", live=True, param="l2")
EPOCHS = Number("epochs", 0, "stop after (epochs)", "Training pauses when it reaches this epoch, and Play trains "
                "on from there. 0: no stop, it trains until you pause.", lo=0, hi=5000, widget="number", live=True)
SPEED = Number("speed", 25, "speed (epochs per second)", "How fast training runs while playing; the server may "
               "slow it down when many learners share it.", lo=1, hi=200, live=True)

# ---------------------------------------------------------------- iris
IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")


def iris_axes(fx: int, fy: int) -> tuple[Choice, Choice]:
    """The two iris measurements a page draws across (``fx``) and up (``fy``), with these defaults."""
    common = dict(options=(0, 1, 2, 3), labels=dict(enumerate(IRIS_FEATURES)))
    return (
        Choice("fx", fx, "x-axis feature", "The iris measurement drawn across.", **common),
        Choice("fy", fy, "y-axis feature", "The iris measurement drawn up.", **common),
    )


def two_features(values: dict) -> dict:
    """A Form rule: one feature against itself draws a line, not a plane; take the next one for y."""
    if values["fx"] == values["fy"]:
        values["fy"] = (values["fx"] + 1) % 4
    return values
