"""Weight files (.npz): a saved network loads back and goes on; bad and hostile files, built here, are each
refused with a plain message, nothing half-built.

(The peak-memory check of the same files is in tests/app/test_hostile_memory.py.)
"""

import io
import json
import zipfile

import numpy as np
import pytest

from engine import MLP, StandardScaler, load_iris, save_weights, train_test_split, weights_bytes
from engine.serialize import MAX_PARAMS, ModelFileError, load_weights
from tests.hostile import assert_plain_message
from tests.hostile.weights import GOOD_CONFIG, good_members, weight_files, zip_of

WEIGHTS = weight_files()


def _iris_split(seed):
    iris = load_iris()
    Xtr, Xte, ytr, yte = train_test_split(iris.X, iris.y, test_size=0.3, seed=seed)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


def test_corpus_is_big_enough():
    assert len(WEIGHTS) >= 60


@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_hostile_weight_files_are_refused_plainly(name):
    data, pattern = WEIGHTS[name]
    with pytest.raises(ModelFileError, match=pattern) as info:
        load_weights(data)
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


def test_a_weights_file_carries_its_page_settings_as_plain_text():
    model = MLP([2, 3, 2]).initialize()
    loaded = load_weights(weights_bytes(model, page="data=spiral&layers=3"))
    assert loaded.page_ == "data=spiral&layers=3"
    assert load_weights(weights_bytes(model)).page_ is None
    for bad in (["a list"], "x" * 3000):
        config = dict(GOOD_CONFIG, page=bad)
        with pytest.raises(ModelFileError, match="page settings"):
            load_weights(zip_of(good_members(config)))


def test_save_load_roundtrip(tmp_path):
    Xtr, Xte, ytr, _ = _iris_split(0)
    model = MLP([4, 6, 3], activation="tanh", epochs=2).fit(Xtr, ytr)
    save_weights(model, tmp_path / "m.npz")
    again = load_weights(tmp_path / "m.npz")
    assert np.array_equal(again.predict_proba(Xte), model.predict_proba(Xte))
    assert load_weights(weights_bytes(model)).activation == ["tanh"]
    f32 = MLP([4, 3], dtype=np.float32).initialize()  # stored as given, written as a dtype name
    assert load_weights(weights_bytes(f32)).weights_[0].dtype == np.float32


def test_a_saved_network_goes_on_where_it_stopped(monkeypatch):
    import engine.serialize

    Xtr, Xte, ytr, yte = _iris_split(0)
    model = MLP([4, 6, 3], activation="tanh", batch_size=10).initialize()
    for _ in range(4):
        model.partial_fit(Xtr, ytr, 7, Xte, yte)
    again = load_weights(weights_bytes(model))
    assert again.history_ == model.history_ and again.history_["step"] == [0, 7, 14, 21, 28]
    assert (again.steps_, again.n_seen_, again.epoch_) == (model.steps_, model.n_seen_, model.epoch_)
    again.partial_fit(Xtr, ytr, 7, Xte, yte)  # training goes on: where it resumes, then one new point
    assert again.history_["step"][-3:] == [28, 28, 35] and again.epoch_ > model.epoch_
    assert again.history_["train_loss"][-2] == pytest.approx(model.history_["train_loss"][-1])  # same data
    fresh = load_weights(weights_bytes(MLP([4, 6, 3]).initialize()))  # nothing trained, nothing carried
    assert fresh.history_["step"] == [] and fresh.steps_ == 0
    monkeypatch.setattr(engine.serialize, "MAX_HISTORY", 3)  # a long history is thinned evenly, the last kept
    assert load_weights(weights_bytes(model)).history_["step"] == [0, 14, 28]


def _npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize(
    "payload,match",
    [
        (b"", "not a Backprop Lab"),
        (b"hello world", "not a Backprop Lab"),
        (_npz(W0=np.ones((4, 3))), "settings"),
        (_npz(config=np.array('{"layer_sizes": [4, 3]}')), "settings"),
        (_npz(config=np.array(np.array([object()], dtype=object))), "not a Backprop Lab"),
    ],
)
def test_bad_weight_files(payload, match):
    with pytest.raises(ModelFileError, match=match):
        load_weights(payload)


def test_weight_file_with_wrong_shapes_or_nan():
    Xtr, _, ytr, _ = _iris_split(0)
    model = MLP([4, 6, 3]).partial_fit(Xtr, ytr, 1)
    raw = np.load(io.BytesIO(weights_bytes(model)))
    arrays = {k: raw[k] for k in raw.files}
    with pytest.raises(ModelFileError, match="shape"):
        load_weights(_npz(**{**arrays, "W0": np.ones((5, 6))}))
    with pytest.raises(ModelFileError, match="NaN"):
        load_weights(_npz(**{**arrays, "b1": np.full(3, np.nan)}))
    with pytest.raises(ModelFileError, match="unexpected"):
        load_weights(_npz(**arrays, extra=np.ones(2)))
