"""Learning gates with exactly the defaults the pages use."""

from ui import mnist_setup as ms
from ui import playground_setup as pg


def test_spiral_8_8_tanh_reaches_095_within_the_default_budget():
    s = pg.from_query({"data": "spiral"})
    assert s["layers"] == [8, 8] and s["acts"] == ["tanh", "tanh"]
    data = pg.make_data(s)
    model = pg.make_model(s, data.X_train.shape[1], 2)
    model.partial_fit(data.X_train, data.y_train, 0, data.X_test, data.y_test)
    while model.epoch_ < s["epochs"] - 1e-9 and model.status_ != "diverged":
        pg.tick(model, data, s, budget=None)
    assert round(model.epoch_) == s["epochs"]
    assert max(model.history_["train_acc"]) >= 0.95


def test_mnist_page_defaults_reach_090_within_10_epochs():
    X_tr, X_te, y_tr, y_te = ms.bundled_split()
    assert len(X_tr) == 4000 and len(X_te) == 1000
    model = ms.make_model(ms.DEFAULTS)
    assert model.layer_sizes == [784, 100, 10] and model.epochs <= 10
    model.fit(X_tr, y_tr, X_te, y_te)
    assert model.history_["test_acc"][-1] >= 0.90
