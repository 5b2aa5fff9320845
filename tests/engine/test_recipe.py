"""engine.recipe: a run described as plain data builds the same data and network as the steps written out."""

import numpy as np
import pytest

from engine import MLP, StandardScaler, load_iris, make_toy, train_test_split
from engine.datasets import Dataset
from engine.features import feature_map
from engine.recipe import build, load, make_data, set_training

RECIPE = {
    "data": {"set": "moons", "n": 120, "noise": 0.2, "seed": 4},
    "split": {"test_size": 0.25, "seed": 4, "stratify": True},
    "features": ["x1", "x2", "x1x2"],
    "scale": "standard",
    "network": {"sizes": [3, 5, 2], "activation": ["tanh"], "output": "softmax", "init": "he", "seed": 7},
    "training": {"optimizer": "momentum", "lr": 0.1, "batch_size": 8, "l1": 0.0, "l2": 0.01},
}


def test_a_recipe_builds_what_its_steps_build():
    data, model = build(RECIPE)
    P, y = make_toy("moons", 120, 0.2, 4)
    P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=0.25, seed=4)
    scaler = StandardScaler().fit(feature_map(P_tr, RECIPE["features"]))
    assert np.array_equal(data.P_train, P_tr) and np.array_equal(data.y_test, y_te)
    assert np.array_equal(data.X_train, scaler.transform(feature_map(P_tr, RECIPE["features"])))
    assert np.array_equal(data.X_test, scaler.transform(feature_map(P_te, RECIPE["features"])))
    same = MLP([3, 5, 2], activation=["tanh"], output="softmax", init="he", seed=7, optimizer="momentum", lr=0.1,
               batch_size=8, l2=0.01).initialize()
    assert model.get_params() == same.get_params()
    assert all(np.array_equal(p, q) for p, q in zip(model.parameters(), same.parameters()))


def test_columns_and_the_datas_own_test_set():
    iris = load({"set": "iris", "columns": [3, 0]})
    assert np.array_equal(iris.X, load_iris().X[:, [3, 0]]) and iris.target_names == load_iris().target_names
    assert iris.feature_names == [load_iris().feature_names[i] for i in (3, 0)]
    d = make_data({"data": {"set": "iris"}, "split": None}, Dataset(np.arange(20.0)[:, None], np.arange(20), n_train=15))
    assert len(d.X_train) == 15 and d.scaler is None and d.X_test is d.P_test
    d = make_data({"data": {"set": "iris"}, "split": None}, Dataset(np.zeros((10, 2)), np.zeros(10, int)))
    assert len(d.X_test) == 2  # no test set of its own: the last 20%
    assert make_data({"data": {"set": "iris"}, "split": {"test_size": 0.2}}).target_names == load_iris().target_names


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="Unknown data set"):
        load({"set": "__import__('os')"})
    with pytest.raises(ValueError, match="scale"):
        make_data({**RECIPE, "scale": "minmax"})


def test_set_training_keeps_the_optimizer_state_unless_the_optimizer_changes():
    data, model = build(RECIPE)
    model.partial_fit(data.X_train, data.y_train, 5)
    state = model.optimizer_
    set_training(model, {**RECIPE["training"], "lr": 0.05, "batch_size": 4})
    assert model.optimizer_ is state and model.optimizer_.lr == 0.05 and model.batch_size == 4
    set_training(model, {**RECIPE["training"], "optimizer": "adam"})
    assert model.optimizer_ is not state and model.optimizer == "adam" and model.lr == 0.1
