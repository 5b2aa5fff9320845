"""Backprop Lab's learning engine: NumPy only, written to be read.

Modules, one concept each: activations, losses, regularization, layers,
init, optimizers, mlp, serialize, regression, gradcheck, datasets, idx, toy,
preprocess.
"""

from .activations import ACTIVATIONS, get_activation
from .datasets import Dataset, load_iris, load_mnist
from .estimator import NotFittedError
from .losses import LOSSES, get_loss, one_hot
from .mlp import MLP
from .optimizers import OPTIMIZERS, get_optimizer
from .preprocess import MaxScaler, StandardScaler, train_test_split
from .regression import (
    LinearRegressionGD,
    LinearRegressionOLS,
    LogisticRegressionGD,
    SingularMatrixError,
    SoftmaxRegressionGD,
)
from .serialize import ModelFileError, load_weights, save_weights, weights_bytes
from .toy import TOY_SETS, make_toy

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "TOY_SETS",
    "Dataset",
    "LinearRegressionGD",
    "LinearRegressionOLS",
    "LogisticRegressionGD",
    "MLP",
    "MaxScaler",
    "ModelFileError",
    "NotFittedError",
    "SingularMatrixError",
    "SoftmaxRegressionGD",
    "StandardScaler",
    "get_activation",
    "get_loss",
    "get_optimizer",
    "load_iris",
    "load_mnist",
    "load_weights",
    "make_toy",
    "one_hot",
    "save_weights",
    "train_test_split",
    "weights_bytes",
]
