"""AppTest: every page runs; each at.run() is one tick of a page's live fragment."""

import numpy as np
import pytest

from tests.app.conftest import PAGES


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    at = app(page)
    assert at.title and not at.exception


def test_home_links_every_page(app):
    at = app("home")
    assert "The path" in [s.value for s in at.subheader]


@pytest.mark.parametrize(
    "page,key",
    [("linear_regression", "lin"), ("logistic_regression", "logit"), ("softmax_regression", "softmax")],
)
def test_regression_step_and_reset(app, page, key):
    at = app(page)
    at.button(key=f"{key}:step_btn").click().run()
    at.button(key=f"{key}:step_btn").click().run()
    model = at.session_state[f"{key}:model"]
    assert len(model.history_["step"]) > 0
    at.button(key=f"{key}:reset_btn").click().run()
    assert len(at.session_state[f"{key}:model"].history_["step"]) == 0
    assert not at.exception


def test_linear_regression_singular_is_explained(app):
    at = app("linear_regression")
    at.sidebar.checkbox[0].check().run()
    assert any("No unique least-squares line" in e.value for e in at.error)
    at.button(key="lin:step_btn").click().run()
    assert not at.exception


def test_linear_gd_converges_to_ols(app):
    at = app("linear_regression")
    for _ in range(40):
        at.button(key="lin:step_btn").click().run()
    model = at.session_state["lin:model"]
    from engine.regression import LinearRegressionOLS
    from engine.toy import make_line

    x, y = make_line(100, 3.0, 1.0, 0.5, 0)
    ols = LinearRegressionOLS().fit(x[:, None], y)
    assert abs(model.intercept_ - ols.intercept_) < 0.05


def test_playground_step_reset_and_live_lr(app):
    at = app("playground")
    assert metric(at, "epoch") == "0.0"
    at.button(key="pg:step_btn").click().run()
    model = at.session_state["pg:model"]
    assert float(metric(at, "epoch")) == pytest.approx(5.0)
    assert len(model.history_["step"]) == 2
    weights = [w.copy() for w in model.weights_]
    at.sidebar.select_slider(key="pg_lr").set_value(0.003).run()
    same = at.session_state["pg:model"]
    assert same is model and same.lr == 0.003
    assert all(np.array_equal(a, b) for a, b in zip(weights, same.weights_))
    at.sidebar.selectbox(key="pg_opt").set_value("momentum").run()
    assert at.session_state["pg:model"] is model
    at.button(key="pg:reset_btn").click().run()
    fresh = at.session_state["pg:model"]
    assert fresh is not model and fresh.steps_ == 0 and len(fresh.history_["step"]) == 1
    assert metric(at, "epoch") == "0.0"


def test_playground_architecture_change_resets(app):
    at = app("playground")
    at.button(key="pg:step_btn").click().run()
    at.sidebar.slider(key="pg_nlayers").set_value(3).run()
    model = at.session_state["pg:model"]
    assert model.layer_sizes == [2, 8, 8, 4, 2] and model.steps_ == 0


def test_playground_bad_query_params_are_clamped(app):
    at = app(
        "playground",
        {
            "data": "evil",
            "lr": "1e99",
            "layers": "999,abc,-3",
            "acts": "relu,nope",
            "batch": "NaN",
            "noise": "7",
            "feats": "zz",
            "epochs": "-4",
        },
    )
    model = at.session_state["pg:model"]
    assert model.layer_sizes == [2, 256, 1, 2]
    assert model.activation == ["relu", "tanh"] and model.lr == 10.0 and model.batch_size == 10
    assert at.session_state["pg_noise"] == 1.0 and at.session_state["pg_epochs"] == 1
    assert at.session_state["pg_data"] == "circle"
    at.button(key="pg:step_btn").click().run()
    assert not at.exception


def test_playground_settings_roundtrip_through_url(app):
    at = app("playground", {"data": "spiral", "layers": "6,5", "lr": "0.1", "feats": "x1,x2,x1x2"})
    model = at.session_state["pg:model"]
    assert model.layer_sizes == [3, 6, 5, 2] and model.lr == 0.1
    assert at.query_params["data"] in ("spiral", ["spiral"])  # written back: the URL is shareable
    assert at.query_params["layers"] in ("6,5", ["6,5"])


def test_playground_gradient_check_button(app):
    at = app("playground")
    btn = next(b for b in at.button if b.label == "Run gradient check")
    btn.click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert (table["ok"] == "✅").all()


def test_playground_divergence_message(app):
    at = app("playground", {"lr": "10", "opt": "momentum"})
    at.button(key="pg:step_btn").click().run()
    model = at.session_state["pg:model"]
    assert model.status_ == "diverged"
    assert any("diverged" in e.value and "learning rate" in e.value for e in at.error)
    assert all(np.all(np.isfinite(w)) for w in model.weights_)
    assert at.session_state["pg:playing"] is False


def test_playground_play_ticks_each_run_and_pause_stops(app):
    at = app("playground")
    at.button_group(key="pg:mode").set_value("▶ Play").run()
    first = at.session_state["pg:model"].epoch_
    at.run()  # one more tick of the live fragment
    assert at.session_state["pg:model"].epoch_ > first > 0
    at.button_group(key="pg:mode").set_value("⏸ Pause").run()
    stopped = at.session_state["pg:model"].epoch_
    at.run()
    assert at.session_state["pg:model"].epoch_ == stopped


def test_step_while_playing_pauses(app):
    at = app("playground")
    at.button_group(key="pg:mode").set_value("▶ Play").run()
    at.button(key="pg:step_btn").click().run()
    assert at.session_state["pg:mode"] == "⏸ Pause" and at.session_state["pg:playing"] is False


def test_playground_new_data_button(app):
    at = app("playground")
    before = at.session_state["pg:data"].P_train.copy()
    next(b for b in at.sidebar.button if "New data" in b.label).click().run()
    assert at.session_state["pg_dseed"] == 1
    assert not np.array_equal(at.session_state["pg:data"].P_train, before)
    assert not at.exception
