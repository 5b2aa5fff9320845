"""Hostile weight and IDX files, built here: each is refused with a plain message, nothing half-built.

(The peak-memory check of the same files is in tests/app/test_hostile_memory.py.)
"""

import io
import json
import zipfile

import numpy as np
import pytest

from engine import MLP, load_mnist, weights_bytes
from engine.idx import IDXError, load_idx_files, load_idx_folder, parse_idx, read_idx, write_idx
from engine.serialize import MAX_PARAMS, ModelFileError, load_weights
from tests.hostile import assert_plain_message
from tests.hostile.idx import idx_bytes, idx_cases, mnist_files
from tests.hostile.weights import GOOD_CONFIG, good_members, weight_files, zip_of

WEIGHTS = weight_files()
IDX = idx_cases()


def test_corpus_is_big_enough():
    assert len(WEIGHTS) >= 60 and len(IDX) >= 25


@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_hostile_weight_files_are_refused_plainly(name):
    data, pattern = WEIGHTS[name]
    with pytest.raises(ModelFileError, match=pattern) as info:
        load_weights(data)
    assert_plain_message(str(info.value))


@pytest.mark.parametrize("name", sorted(IDX))
def test_hostile_idx_sets_are_refused_plainly(name):
    files, pattern = IDX[name]
    with pytest.raises(IDXError, match=pattern) as info:
        load_idx_files(files)
    assert_plain_message(str(info.value))


def test_weight_messages_do_not_echo_file_content():
    data, _ = WEIGHTS["markdown_activation"]
    with pytest.raises(ModelFileError) as info:
        load_weights(data)
    assert "evil" not in str(info.value) and "[" not in str(info.value)


@pytest.mark.parametrize(
    "sizes,dtype",
    [([784, 512, 512, 512, 512, 10], np.float32), ([7, 256, 256, 256, 256, 256, 256, 2], np.float64)],
)
def test_the_largest_networks_of_the_pages_load(sizes, dtype):
    model = MLP(sizes, activation="relu", dtype=np.dtype(dtype).name).initialize()
    again = load_weights(weights_bytes(model))
    assert again.layer_sizes == sizes and again.weights_[0].dtype == dtype
    X = np.random.default_rng(0).normal(size=(3, sizes[0]))
    assert np.allclose(again.predict_proba(X), model.predict_proba(X))


def test_caps_are_parameters():
    model = MLP([784, 600, 10]).initialize()
    data = weights_bytes(model)
    assert load_weights(data).layer_sizes == [784, 600, 10]
    with pytest.raises(ModelFileError, match="1 to 512"):
        load_weights(data, max_units=512)
    with pytest.raises(ModelFileError, match="at most 100,000"):
        load_weights(data, max_params=100_000)
    with pytest.raises(ModelFileError, match="larger than 1 MB"):
        load_weights(data, max_bytes=1_000_000)
    deep = weights_bytes(MLP([4, 3, 3, 3, 3, 3, 2]).initialize())
    with pytest.raises(ModelFileError, match="4 hidden layers"):
        load_weights(deep, max_hidden=4)
    assert MAX_PARAMS >= (784 + 1) * 512 + 3 * 513 * 512 + 513 * 10  # the MNIST page's largest


def test_odd_but_valid_files_load():
    """Compressed archives, Fortran-order and float32 arrays in a float64 model, big-endian floats."""
    members = good_members()
    members["W0.npy"] = _npy(np.asfortranarray(np.ones((4, 5))))
    members["W1.npy"] = _npy(np.ones((5, 3), np.float32))
    members["b0.npy"] = _npy(np.ones(5, ">f8"))
    model = load_weights(zip_of(members, zipfile.ZIP_DEFLATED))
    assert model.weights_[0].dtype == np.float64 and model.weights_[0].flags.writeable
    assert np.array_equal(model.weights_[0], np.ones((4, 5))) and model.biases_[0].tolist() == [1.0] * 5
    assert model.predict(np.zeros((2, 4))).shape == (2,)


def _npy(arr):
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_every_setting_is_kept():
    config = dict(GOOD_CONFIG, activation=["tanh"], optimizer="adam", lr=0.003, l2=0.01, seed=7, epochs=0)
    model = load_weights(zip_of(good_members(config)))
    for key in ("activation", "optimizer", "lr", "l2", "seed", "epochs", "layer_sizes"):
        assert getattr(model, key) == config[key]
    assert json.loads(json.dumps(model.layer_sizes)) == [4, 5, 3]


# ------------------------------------------------------------------ IDX


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


def test_a_weights_file_carries_its_page_settings_as_plain_text():
    model = MLP([2, 3, 2]).initialize()
    loaded = load_weights(weights_bytes(model, page="data=spiral&layers=3"))
    assert loaded.page_ == "data=spiral&layers=3"
    assert load_weights(weights_bytes(model)).page_ is None
    for bad in (["a list"], "x" * 3000):
        config = dict(GOOD_CONFIG, page=bad)
        with pytest.raises(ModelFileError, match="page settings"):
            load_weights(zip_of(good_members(config)))
