"""Backprop Lab's learning engine: NumPy only, written to be read.

Modules, one concept each: estimator (the sklearn contract), validation (argument
checks at the entry points), activations, losses, regularization (the one L1/L2 penalty),
init, layers, conv and pooling (their forward and backward kernels), conv_layers,
optimizers, sequential (the one training loop), watch (its guard and rollback),
evaluation (in chunks), network_checks (a network's argument checks), lr_finder, mlp,
cnn, serialize, regression (one Dense layer trained by that loop; OLS), metrics,
gradcheck, kernels, digits, datasets, idx, toy, features, preprocess, recipe (a run as
plain data).
"""

from .activations import ACTIVATIONS, get_activation
from .cnn import default_cnn
from .conv_layers import AvgPool2D, Conv2D, MaxPool2D
from .datasets import Dataset, load_iris, load_mnist
from .estimator import NotFittedError
from .layers import Activation, Dense, Dropout, Flatten
from .losses import LOSSES, get_loss, one_hot
from .lr_finder import lr_range_test
from .metrics import r2_score
from .mlp import MLP
from .optimizers import OPTIMIZERS, get_optimizer
from .preprocess import MaxScaler, StandardScaler, train_test_split
from .regression import (
    LinearRegressionGD,
    LinearRegressionOLS,
    LogisticRegressionGD,
    SingularMatrixError,
    SoftmaxRegressionGD,
    critical_learning_rate,
)
from .sequential import Sequential
from .serialize import ModelFileError, load_weights, save_weights, weights_bytes
from .toy import REGRESSION_SETS, TOY_SETS, make_toy

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "REGRESSION_SETS",
    "TOY_SETS",
    "Activation",
    "AvgPool2D",
    "Conv2D",
    "Dataset",
    "Dense",
    "Dropout",
    "Flatten",
    "LinearRegressionGD",
    "LinearRegressionOLS",
    "LogisticRegressionGD",
    "MLP",
    "MaxPool2D",
    "MaxScaler",
    "ModelFileError",
    "NotFittedError",
    "Sequential",
    "SingularMatrixError",
    "SoftmaxRegressionGD",
    "StandardScaler",
    "critical_learning_rate",
    "default_cnn",
    "get_activation",
    "get_loss",
    "get_optimizer",
    "load_iris",
    "load_mnist",
    "load_weights",
    "lr_range_test",
    "make_toy",
    "one_hot",
    "r2_score",
    "save_weights",
    "train_test_split",
    "weights_bytes",
]
