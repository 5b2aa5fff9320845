"""Learning gates with exactly the defaults the pages use."""

from ui.setups import mnist as ms
from ui.setups import playground as pg


def test_spiral_8_8_tanh_reaches_095_within_500_epochs():
    # 500 epochs was the playground's budget; since issue 18 it has none by default (it trains until paused)
    assert pg.FORM.defaults["epochs"] == 0
    s = pg.FORM.from_query({"data": "spiral", "epochs": "500"})
    assert s["layers"] == [(8, "tanh"), (8, "tanh")]
    task = pg.PlaygroundTask(s)
    while task.left():
        task.advance(task.step_units(), None)  # one epoch at a time, as Step does
    assert round(task.model.epoch_) == s["epochs"] and task.status()[0] == "info"
    assert max(task.model.history_["train_acc"]) >= 0.95


def test_mnist_page_defaults_reach_090_within_10_epochs():
    X_tr, X_te, y_tr, y_te = ms.bundled_split()
    assert len(X_tr) == 4000 and len(X_te) == 1000
    model = ms.make_model(ms.FORM.defaults)  # (its budget is 30 epochs since issue 18: to the plateau)
    assert model.layer_sizes == [784, 100, 10]
    model.fit(X_tr, y_tr, X_te, y_te, epochs=10)
    assert model.history_["test_acc"][-1] >= 0.90
