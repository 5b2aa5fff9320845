"""A training run described as plain data, and the functions that build it.

A recipe holds names and numbers only, so a page can make it from its settings and an exported script
can hold it as a literal.  Both build the run with these functions: a change to the data pipeline
reaches the page and the script together.  For example (the playground's spiral)::

    {
        "data": {"set": "spiral", "n": 400, "noise": 0.1, "seed": 0},  # or "iris", "mnist" (see load)
        "split": {"test_size": 0.5, "seed": 0, "stratify": True},      # None: the data's own test set
        "features": ["x1", "x2", "x1x2"],  # engine.features of 2-D points; None: the columns as they are
        "scale": "standard",               # standardised by the training rows; None: as they are
        "network": {"sizes": [3, 8, 8, 2], "activation": ["tanh", "tanh"], "output": "softmax",
                    "init": "xavier", "seed": 0},
        "training": {"optimizer": "adam", "lr": 0.03, "batch_size": 10, "l1": 0.0, "l2": 0.0},
    }

``training`` holds what a learner may change while the network trains (:func:`set_training`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .datasets import Dataset, load_iris, load_mnist
from .features import feature_map
from .mlp import MLP
from .preprocess import StandardScaler, train_test_split
from .toy import REGRESSION_SETS, TOY_SETS, make_toy

OWN_TEST_SHARE = 0.2  # data without its own test set, split by None: its last 20% is held out


@dataclass
class Data:
    """A recipe's data: the rows as loaded (``P_*``), the model's inputs made from them (``X_*``),
    the targets, the scaler fitted on the training rows (None: inputs not scaled) and the classes'
    names if the data set has them."""

    P_train: np.ndarray
    P_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    X_train: np.ndarray
    X_test: np.ndarray
    scaler: StandardScaler | None
    target_names: list = field(default_factory=list)


def load(data: dict) -> Dataset:
    """The data a recipe names: ``{"set": "iris"}``; ``{"set": "mnist"}`` (the bundled digits) or
    ``{"set": "mnist", "folder": ...}`` (the four MNIST files there); a toy set of ``engine.toy`` with
    its ``n``, ``noise`` and ``seed``.  ``"columns"``: keep only these columns."""
    name = data.get("set")
    if name == "iris":
        d = load_iris()
    elif name == "mnist":
        d = load_mnist(data.get("folder"))
    elif name in TOY_SETS or name in REGRESSION_SETS:
        d = Dataset(*make_toy(name, data["n"], data["noise"], data["seed"]))
    else:
        raise ValueError(f"Unknown data set {name!r}; choose iris, mnist or one of {', '.join(TOY_SETS)}, "
                         f"{', '.join(REGRESSION_SETS)}.")
    columns = data.get("columns")
    if columns is None:
        return d
    names = [d.feature_names[c] for c in columns] if d.feature_names else []
    return replace(d, X=d.X[:, list(columns)], feature_names=names)


def make_data(recipe: dict, dataset: Dataset | None = None) -> Data:
    """Load (or take ``dataset``: data a recipe cannot name, such as a learner's upload), split, map
    features and scale, as ``recipe`` says."""
    d = load(recipe["data"]) if dataset is None else dataset
    split = recipe.get("split")
    if split is None:
        n = d.n_train if d.n_train is not None else int(len(d.X) * (1 - OWN_TEST_SHARE))
        P_tr, P_te, y_tr, y_te = d.X[:n], d.X[n:], d.y[:n], d.y[n:]
    else:
        P_tr, P_te, y_tr, y_te = train_test_split(d.X, d.y, **split)
    X_tr, X_te, scaler = P_tr, P_te, None
    if recipe.get("features") is not None:
        X_tr, X_te = feature_map(P_tr, recipe["features"]), feature_map(P_te, recipe["features"])
    if recipe.get("scale") == "standard":
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    elif recipe.get("scale") is not None:
        raise ValueError(f"scale must be 'standard' or None; got {recipe['scale']!r}.")
    return Data(P_tr, P_te, y_tr, y_te, X_tr, X_te, scaler, list(d.target_names))


def make_model(recipe: dict, **extra) -> MLP:
    """The network of ``recipe`` with fresh weights; ``extra``: parameters that do not change what it
    learns (an epoch budget, how many rows a history point measures)."""
    network = dict(recipe["network"])
    return MLP(network.pop("sizes"), **network, **recipe["training"], **extra).initialize()


def build(recipe: dict) -> tuple[Data, MLP]:
    """The data and the untrained network of ``recipe``."""
    return make_data(recipe), make_model(recipe)


def set_training(model, training: dict) -> None:
    """Apply a recipe's ``training`` part to a network that may be training: the weights and the place
    in the shuffled epoch stay; a new optimizer starts with fresh state, the same one keeps its own."""
    changes = {k: v for k, v in training.items() if getattr(model, k, None) != v}
    if changes:
        model.set_params(**changes)
