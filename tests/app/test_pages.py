"""AppTest: every page runs; live pages answer the canvas's commands (each command is one rerun)."""

import numpy as np
import pytest

from tests.app.conftest import PAGES, command, frame, metric

LIVE = {
    "linear_regression": "lin",
    "logistic_regression": "logit",
    "softmax_regression": "softmax",
    "playground": "pg",
    "mnist": "mn",
    "cnn": "cnn",
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    at = app(page)
    assert at.title and not at.exception


def test_home_links_every_page(app):
    at = app("home")
    assert "The path" in [s.value for s in at.subheader]


@pytest.mark.parametrize("page", LIVE)
def test_live_pages_step_play_pause_and_reset(app, page):
    key = LIVE[page]
    at = app(page)
    first = frame(at, key)
    assert "layout" in first and not first["playing"]
    f = command(at, key, "step")
    assert f["ack"] == 1 and not f["playing"]
    f = command(at, key, "play")
    assert f["playing"] and len(f["snaps"]) >= 1
    f = command(at, key, "pause")
    assert not f["playing"] and not at.session_state[f"{key}:run"].playing
    f = command(at, key, "reset")
    assert f["series"] != first["series"]


def test_linear_gd_converges_to_ols(app):
    at = app("linear_regression", {"speed": "100"})  # tens of gradient steps a tick
    command(at, "lin", "play")
    for _ in range(6):
        command(at, "lin", "tick")
    task = at.session_state["lin:run"].task
    assert len(task.model.history_["step"]) >= 100
    assert abs(task.line()[0] - task.ols[0]) < 0.05


def test_linear_regression_singular_is_explained(app):
    at = app("linear_regression")
    at.sidebar.checkbox(key="lin_collinear").check().run()
    assert any("No unique least-squares line" in e.value for e in at.error)
    f = command(at, "lin", "step")
    assert metric(f, "OLS slope") == "none"


def test_linear_regression_shows_its_critical_learning_rate(app):
    at = app("linear_regression")
    rate = at.session_state["lin:run"].task.critical_lr
    assert any(f"{rate:.3g}" in c.value for c in at.sidebar.caption)


def test_playground_step_and_live_settings_keep_the_weights(app):
    at = app("playground")
    assert metric(frame(at, "pg"), "epoch") == "0.0"
    f = command(at, "pg", "step")
    assert metric(f, "epoch") == "1.0"
    run = at.session_state["pg:run"]
    weights = [w.copy() for w in run.task.model.weights_]
    at.sidebar.select_slider(key="pg_lr").set_value(0.003).run()
    at.sidebar.selectbox(key="pg_opt").set_value("momentum").run()
    same = at.session_state["pg:run"]
    assert same is run and same.task.model.lr == 0.003 and same.task.model.optimizer == "momentum"
    assert all(np.array_equal(a, b) for a, b in zip(weights, same.task.model.weights_))


def test_playground_architecture_change_resets(app):
    at = app("playground")
    command(at, "pg", "step")
    at.sidebar.slider(key="pg_layers_n").set_value(3).run()
    model = at.session_state["pg:run"].task.model
    assert model.layer_sizes == [2, 8, 8, 8, 2] and model.steps_ == 0
    assert at.query_params["layers"] in ("8,8,8", ["8,8,8"])


def test_playground_bad_query_params_are_clamped(app):
    at = app(
        "playground",
        {"data": "evil", "lr": "1e99", "layers": "999,abc,-3", "acts": "relu,nope", "batch": "NaN",
         "noise": "7", "feats": "zz", "epochs": "-4"},
    )
    model = at.session_state["pg:run"].task.model
    assert model.layer_sizes == [2, 256, 1, 2]
    assert model.activation == ["relu", "tanh"] and model.lr == 10.0 and model.batch_size == 10
    assert at.session_state["pg_noise"] == 1.0 and at.session_state["pg_epochs"] == 0  # (0: no stop, issue 18)
    assert at.session_state["pg_data"] == "circle"
    command(at, "pg", "step")


def test_playground_settings_roundtrip_through_url(app):
    at = app("playground", {"data": "spiral", "layers": "6,5", "lr": "0.1", "feats": "x1,x2,x1x2"})
    model = at.session_state["pg:run"].task.model
    assert model.layer_sizes == [3, 6, 5, 2] and model.lr == 0.1
    assert at.query_params["data"] in ("spiral", ["spiral"])  # written back: the URL is shareable
    assert at.query_params["layers"] in ("6,5", ["6,5"])
    assert "opt" not in at.query_params  # defaults stay out of the address


@pytest.mark.parametrize("page,query,key", [
    ("mnist", {"lr": "0.01", "layers": "64,32", "acts": "tanh,relu"}, "mn"),
    ("logistic_regression", {"pair": "0-1", "lr": "1.0"}, "logit"),
    ("linear_regression", {"n": "50", "lr": "0.1"}, "lin"),
])
def test_every_live_page_restores_settings_from_the_url(app, page, query, key):
    at = app(page, query)
    task = at.session_state[f"{key}:run"].task
    for k, v in query.items():
        assert at.query_params[k] in (v, [v])
    if page == "mnist":
        assert task.model.layer_sizes == [784, 64, 32, 10] and task.model.activation == ["tanh", "relu"]
    else:
        assert task.model.lr == float(query["lr"])


def test_mnist_links_from_before_the_shared_optimizer_key_still_work(app):
    at = app("mnist", {"optimizer": "rmsprop"})  # the page's key was "optimizer"; all pages now say "opt"
    assert at.session_state["mn:run"].task.model.optimizer == "rmsprop"
    assert at.query_params["opt"] in ("rmsprop", ["rmsprop"]) and "optimizer" not in at.query_params


def test_playground_gradient_check_button(app):
    at = app("playground")
    btn = next(b for b in at.button if b.label == "Run gradient check")
    btn.click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert (table["ok"] == "✅").all()


def test_playground_divergence_message(app):
    at = app("playground", {"lr": "10", "opt": "momentum"})
    f = command(at, "pg", "play")
    model = at.session_state["pg:run"].task.model
    assert model.status_ == "diverged" and not f["playing"]
    assert "learning rate" in f["status"]["text"]
    assert any("diverged" in e.value and "learning rate" in e.value for e in at.error)
    assert all(np.all(np.isfinite(w)) for w in model.weights_)


def test_playground_new_data_button(app):
    at = app("playground")
    before = at.session_state["pg:run"].task.d.P_train.copy()
    next(b for b in at.sidebar.button if "New data" in b.label).click().run()
    assert at.session_state["pg_dseed"] == 1
    assert not np.array_equal(at.session_state["pg:run"].task.d.P_train, before)


@pytest.mark.parametrize("page", LIVE)
def test_paused_pages_offer_zoomable_charts(app, page):
    key = LIVE[page]
    at = app(page)
    command(at, key, "step")
    before = len(at.get("plotly_chart"))
    at.toggle(key=f"{key}:figures").set_value(True).run()
    assert len(at.get("plotly_chart")) >= before + 2 and not at.exception
    command(at, key, "play")
    assert any("Pause training" in c.value for c in at.caption)  # no plotly redraws while playing
