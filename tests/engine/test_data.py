"""Data: the bundled iris and digits, the toy sets, splits and scalers; and the engine imports NumPy only."""

import ast
from pathlib import Path

import numpy as np
import pytest

from engine import TOY_SETS, MaxScaler, StandardScaler, load_iris, load_mnist, make_toy, train_test_split

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def test_engine_imports_numpy_only():
    allowed = {
        "numpy",
        "__future__",
        "csv",
        "dataclasses",
        "pathlib",
        "json",
        "io",
        "zipfile",
        "time",
        "zlib",
        "typing",
        "gzip",
        "hashlib",
        "shutil",
        "urllib",
        "inspect",
        "math",
        "weakref",
        "collections",
    }
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_iris():
    iris = load_iris()
    assert iris.X.shape == (150, 4) and np.bincount(iris.y).tolist() == [50, 50, 50]
    assert iris.target_names == ["setosa", "versicolor", "virginica"]
    assert iris.X[0].tolist() == [5.1, 3.5, 1.4, 0.2]


def test_bundled_mnist():
    mnist = load_mnist()
    assert mnist.X.shape == (5000, 784) and mnist.X.dtype == np.float32
    assert 0 <= mnist.X.min() and mnist.X.max() <= 1
    assert np.bincount(mnist.y).tolist() == [500] * 10
    assert load_mnist(flatten=False, scale=False).X.shape == (5000, 28, 28)


@pytest.mark.parametrize("name", sorted(TOY_SETS))
def test_toy_sets(name):
    X, y = make_toy(name, n=300, noise=0.2, seed=3)
    assert X.shape == (300, 2) and set(np.unique(y)) == {0, 1}
    assert np.abs(X).max() < 12
    X2, _ = make_toy(name, n=300, noise=0.2, seed=3)
    assert np.array_equal(X, X2)
    with pytest.raises(ValueError):
        make_toy("donut")


def test_split_and_scalers():
    iris = load_iris()
    Xtr, Xte, ytr, yte = train_test_split(iris.X, iris.y, test_size=0.3, seed=0)
    assert len(Xte) == 45 and np.bincount(yte).tolist() == [15, 15, 15]
    assert np.allclose(MaxScaler().fit_transform(Xtr).max(axis=0), 1)
    Z = StandardScaler().fit_transform(Xtr)
    assert np.allclose(Z.mean(axis=0), 0) and np.allclose(Z.std(axis=0), 1)
