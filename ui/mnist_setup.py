"""MNIST page settings and helpers (no streamlit): defaults, model building, views' data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from engine import MLP, load_mnist, train_test_split

DEFAULTS = dict(
    hidden=[100],
    activation="relu",
    readout="softmax",
    optimizer="adam",
    lr=0.001,
    batch=32,
    l2=0.0,
    epochs=10,
    seed=0,
)
LR_CHOICES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
BATCH_CHOICES = [8, 16, 32, 64, 128, 256]
EVAL_ROWS = 5000  # history points use at most this many rows (full MNIST stays responsive)
CACHE_DIR = Path(os.environ.get("BACKPROP_LAB_CACHE", Path.home() / ".cache" / "backprop-lab")) / "mnist"


def parse_hidden(text: str, max_layers: int = 4, max_units: int = 512) -> list[int]:
    """'100' or '128, 64' -> [128, 64]; raises ValueError with a plain message."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        raise ValueError("Hidden layers: whole numbers separated by commas, e.g. 100 or 128, 64.") from None
    if len(sizes) > max_layers or any(not 1 <= n <= max_units for n in sizes):
        raise ValueError(f"Hidden layers: at most {max_layers} layers of 1 to {max_units} neurons.")
    return sizes


def bundled_split(seed: int = 0):
    """The bundled 5000 digits split 80/20 (stratified): X_train, X_test, y_train, y_test."""
    d = load_mnist()
    return train_test_split(d.X, d.y, test_size=0.2, seed=seed)


def full_split(folder):
    """Standard MNIST: the first 60000 rows train, the last 10000 test."""
    d = load_mnist(folder)
    n_train = len(d.X) - 10_000 if len(d.X) > 10_000 else int(len(d.X) * 0.8)
    return d.X[:n_train], d.X[n_train:], d.y[:n_train], d.y[n_train:]


def make_model(s: dict) -> MLP:
    """The network of the page's settings (float32: fast; fresh weights from ``seed``)."""
    return MLP(
        [784, *s["hidden"], 10],
        activation=s["activation"],
        output=s["readout"],
        init="he" if s["activation"] in ("relu", "leaky_relu") else "xavier",
        optimizer=s["optimizer"],
        lr=s["lr"],
        batch_size=s["batch"],
        l2=s["l2"],
        epochs=s["epochs"],
        seed=s["seed"],
        dtype="float32",
        eval_max_rows=EVAL_ROWS,
    ).initialize()


def confusion(y_true, y_pred, k: int = 10) -> np.ndarray:
    """Counts ``(k, k)``: rows true label, columns predicted."""
    cm = np.zeros((k, k), dtype=int)
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return cm


def top_k(probs: np.ndarray, k: int = 3):
    """Indices and values of the k largest probabilities of one row."""
    idx = np.argsort(probs)[::-1][:k]
    return idx, probs[idx]
