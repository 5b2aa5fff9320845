"""MNIST IDX files: read what was written, folders and uploads alike, downloads verified, hostile sets refused plainly."""

import hashlib
import http.server
import threading

import numpy as np
import pytest

from engine import load_mnist
from engine.idx import (
    MNIST_FILES,
    IDXError,
    download_mnist,
    load_idx_files,
    load_idx_folder,
    parse_idx,
    read_idx,
    write_idx,
)
from tests.hostile import assert_plain_message
from tests.hostile.idx import idx_bytes, idx_cases, mnist_files

IDX = idx_cases()


def test_corpus_is_big_enough():
    assert len(IDX) >= 25


@pytest.mark.parametrize("name", sorted(IDX))
def test_hostile_idx_sets_are_refused_plainly(name):
    files, pattern = IDX[name]
    with pytest.raises(IDXError, match=pattern) as info:
        load_idx_files(files)
    assert_plain_message(str(info.value))


def test_idx_upload_loader_matches_folder_loader(tmp_path):
    files = mnist_files(gz=False)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    from_files = load_idx_files(files)
    from_folder = load_idx_folder(tmp_path)
    assert from_files[0].shape == (30, 28, 28) and from_files[1].shape == (30,)
    assert all(np.array_equal(a, b) for a, b in zip(from_files, from_folder))
    data = load_mnist(files=mnist_files())  # gzipped, any order of the dict
    assert data.X.shape == (30, 784) and data.X.dtype == np.float32 and "30 digits" in data.description
    assert data.n_train == 20
    with pytest.raises(ValueError, match="not both"):
        load_mnist(tmp_path, files=files)


def test_idx_names_with_unzipped_and_dotted_variants():
    files = {
        "train-images.idx3-ubyte": idx_bytes(np.zeros((3, 28, 28))),
        "train-labels.idx1-ubyte": idx_bytes(np.arange(3)),
        "T10K-IMAGES-IDX3-UBYTE.GZ": idx_bytes(np.zeros((2, 28, 28)), gz=True),
        "t10k_labels_idx1_ubyte": idx_bytes(np.arange(2)),
    }
    images, labels, n_train = load_idx_files(files)
    assert images.shape == (5, 28, 28) and labels.tolist() == [0, 1, 2, 0, 1] and n_train == 3


def test_folder_messages_never_show_the_folder(tmp_path):
    secret = tmp_path / "secret-folder"
    with pytest.raises(IDXError) as info:
        load_idx_folder(secret)
    assert "secret" not in str(info.value)
    secret.mkdir()
    write_idx(secret / "train-images-idx3-ubyte.gz", np.zeros((2, 28, 28)))
    with pytest.raises(IDXError, match="has no train-labels") as info:
        load_idx_folder(secret)
    assert "secret" not in str(info.value) and str(tmp_path) not in str(info.value)
    for name, data in mnist_files(labels=np.full(20, 12)).items():
        (secret / name).write_bytes(data)
    with pytest.raises(IDXError, match="label 12") as info:
        load_idx_folder(secret)
    assert_plain_message(str(info.value))


def test_parse_idx_reads_what_write_idx_wrote(tmp_path):
    arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", arr)
    assert np.array_equal(parse_idx((tmp_path / "a.gz").read_bytes(), "a.gz"), arr)
    assert np.array_equal(parse_idx(idx_bytes(arr)), arr)
    (tmp_path / "a.gz").write_bytes(bytes(2_000_000))
    with pytest.raises(IDXError, match="^a.gz is larger than 1 MB"):
        read_idx(tmp_path / "a.gz", max_bytes=1_000_000)


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
