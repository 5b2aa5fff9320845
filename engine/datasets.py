"""Bundled data sets: iris and a 5000-digit MNIST subset (see assets/NOTICE)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from .validation import check_flag

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@dataclass
class Dataset:
    """Features ``X`` ``(N, D)``, integer labels ``y`` ``(N,)`` and their names."""

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    description: str = ""
    n_train: int | None = None  # rows before this one are the source's own training split


def load_iris(path: str | Path | None = None) -> Dataset:
    """Fisher's iris: 150 rows, 4 measurements in cm, 3 species (labels 0, 1, 2)."""
    path = Path(path) if path else ASSETS / "iris.csv"
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    header, rows = (rows[0], rows[1:]) if rows else ([], [])
    try:
        X = np.array([[float(v) for v in r[:-1]] for r in rows])
    except ValueError:
        X = None
    if X is None or X.ndim != 2 or X.shape != (len(rows), len(header) - 1) or X.shape[1] < 1:
        raise ValueError(
            f"{path.name} is not a CSV of a header, then numbers and a species name on each row."
        )
    species = sorted({r[-1] for r in rows}, key=[r[-1] for r in rows].index)
    y = np.array([species.index(r[-1]) for r in rows])
    return Dataset(X, y, header[:-1], species, "Fisher's iris (1936), 150 flowers, 3 species")


def load_mnist(
    folder: str | Path | None = None,
    flatten: bool = True,
    scale: bool = True,
    files: Mapping[str, bytes] | None = None,
) -> Dataset:
    """MNIST digits.

    Parameters
    ----------
    folder : path or None
        None loads the bundled 5000-digit subset (500 per digit).  A folder
        loads the standard IDX files in it (``train-images-idx3-ubyte[.gz]``
        and friends; train and test sets are concatenated, train first).
    flatten : bool
        Rows of 784 pixels ``(N, 784)`` instead of images ``(N, 28, 28)``.
    scale : bool
        Pixels as floats in [0, 1] instead of uint8 0-255.
    files : {name: bytes} or None
        The four IDX files as bytes (e.g. uploads) instead of a folder.
    """
    if folder is not None and files is not None:
        raise ValueError("Give a folder or the files, not both.")
    if folder is not None and not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be a path; got {type(folder).__name__}.")
    check_flag("flatten", flatten)
    check_flag("scale", scale)
    if files is not None:
        from .idx import load_idx_files

        images, labels, n_train = load_idx_files(files)
    elif folder is not None:
        from .idx import load_idx_folder

        images, labels, n_train = load_idx_folder(folder)
    else:
        with np.load(ASSETS / "mnist_5k.npz", allow_pickle=False) as d:
            images, labels, n_train = d["images"], d["labels"], None
    desc = (
        "MNIST subset: 5000 digits, 500 per class (bundled)"
        if folder is None and files is None
        else f"MNIST from IDX files: {len(images)} digits"
    )
    X = images.reshape(len(images), -1) if flatten else images
    X = X.astype(np.float32) / 255.0 if scale else X
    return Dataset(
        X, labels.astype(np.int64), [f"px{i}" for i in range(784)], [str(d) for d in range(10)], desc, n_train
    )
