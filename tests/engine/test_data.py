import ast
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from engine import TOY_SETS, MaxScaler, StandardScaler, load_iris, load_mnist, make_toy, train_test_split
from engine.idx import MNIST_FILES, IDXError, download_mnist, read_idx, write_idx

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


def _write_small_mnist(folder, n_train=20, n_test=10):
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, 28, 28)),
        "train_labels": rng.integers(0, 10, n_train),
        "test_images": rng.integers(0, 256, (n_test, 28, 28)),
        "test_labels": rng.integers(0, 10, n_test),
    }
    for key, name in MNIST_FILES.items():
        write_idx(folder / name, arrays[key])
    return arrays


def test_idx_roundtrip_and_folder(tmp_path):
    arrays = _write_small_mnist(tmp_path)
    assert np.array_equal(read_idx(tmp_path / MNIST_FILES["train_images"]), arrays["train_images"])
    data = load_mnist(tmp_path)
    assert data.X.shape == (30, 784) and data.y.tolist()[:20] == arrays["train_labels"].tolist()


@pytest.mark.parametrize("content", [b"", b"not idx at all", b"\x00\x00\x08\x03\x00\x00\x00\x05"])
def test_bad_idx_files(tmp_path, content):
    (tmp_path / "bad").write_bytes(content)
    with pytest.raises(IDXError):
        read_idx(tmp_path / "bad")


def test_idx_folder_missing_files(tmp_path):
    with pytest.raises(IDXError, match="has no"):
        load_mnist(tmp_path)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mnist_server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    _write_small_mnist(served)
    handler = lambda *a, **k: _Quiet(*a, directory=str(served), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", served
    server.shutdown()


def _md5s(folder):
    return {name: hashlib.md5((folder / name).read_bytes()).hexdigest() for name in MNIST_FILES.values()}


def test_download_verifies_and_caches(tmp_path, mnist_server):
    url, served = mnist_server
    seen = []
    cache = download_mnist(tmp_path / "cache", url, _md5s(served), progress=lambda f, m: seen.append(f))
    assert load_mnist(cache).X.shape == (30, 784)
    assert seen and seen[-1] == pytest.approx(1.0)
    # second call: nothing fetched again (the server is gone)
    seen.clear()
    download_mnist(
        tmp_path / "cache", "http://127.0.0.1:9/", _md5s(served), progress=lambda f, m: seen.append(m)
    )
    assert all("already" in m for m in seen)


def test_download_rejects_bad_checksum(tmp_path, mnist_server):
    url, served = mnist_server
    wrong = {name: "0" * 32 for name in MNIST_FILES.values()}
    with pytest.raises(IDXError, match="checksum"):
        download_mnist(tmp_path / "cache", url, wrong)
    assert not any((tmp_path / "cache").iterdir())


def test_download_offline_is_a_clear_error(tmp_path):
    with pytest.raises(ConnectionError, match="offline"):
        download_mnist(tmp_path / "cache", "http://127.0.0.1:9/", timeout=2)


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
