"""Issue 19: guided experiments, reset to defaults."""

import pytest

from tests.app.conftest import command, frame, shown
from ui.setups import cnn as cs
from ui.setups import experiments as ex
from ui.setups import mnist as ms
from ui.setups import playground as pg
from ui.setups import regression as rs

PAGES = {  # page -> (its form, its key, its experiments)
    "playground": (pg.FORM, "pg", ex.PLAYGROUND),
    "mnist": (ms.FORM, "mn", ex.MNIST),
    "cnn": (cs.FORM, "cnn", ex.CNN),
    "linear_regression": (rs.LINEAR_FORM, "lin", ex.LINEAR),
    "logistic_regression": (rs.LOGISTIC_FORM, "logit", ex.LOGISTIC),
    "softmax_regression": (rs.SOFTMAX_FORM, "softmax", ex.SOFTMAX),
}
EXPERIMENTS = [(page, e) for page, (_, _, exps) in PAGES.items() for e in exps]


def _one(v):
    return v[-1] if isinstance(v, list) else v


# ---------------------------------------------------------------- guided experiments
@pytest.mark.parametrize("page,experiment", EXPERIMENTS, ids=[f"{p}-{e.name}" for p, e in EXPERIMENTS])
def test_each_experiment_is_a_url_of_valid_settings_and_its_page_runs_with_it(app, page, experiment):
    form, key, _ = PAGES[page]
    values = form.from_query(experiment.query)
    assert form.to_query(values) == experiment.query  # every parameter taken as written: nothing clamped
    assert all(values[k] != s.default for k, s in form.settings.items() if k in experiment.query)
    at = app(page)
    at.sidebar.selectbox(key=f"{key}:experiment").set_value(experiment.name).run()  # chosen in the sidebar
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[f"{key}:settings"] == values  # applied as its URL would be
    assert {k: _one(v) for k, v in at.query_params.items()} == experiment.query
    assert any(experiment.watch in shown(i.body) for i in at.sidebar.info)
    command(at, key, "step")


def test_mnist_without_a_hidden_layer_shows_each_digits_template(app):
    at = app("mnist", ex.MNIST[0].query)
    f = frame(at, "mn")
    tiles = next(p for p in f["layout"]["panels"] if p["id"] == "weights")
    assert tiles["count"] == 10 and tiles["itemName"] == "digit"
    assert f["snaps"][-1]["panels"]["weights"]["images"].shape == (10, 28, 28)


# ---------------------------------------------------------------- reset to defaults


@pytest.mark.parametrize("page", PAGES)
def test_reset_to_defaults_restores_every_setting_and_the_url(app, page):
    form, key, exps = PAGES[page]
    at = app(page, exps[0].query)
    assert at.session_state[f"{key}:settings"] != form.defaults
    at.sidebar.button(key=f"{key}:defaults").click().run()
    assert at.session_state[f"{key}:settings"] == form.defaults
    assert not at.query_params
    for setting in form:  # and every widget drawn shows it
        wkey = f"{key}_{setting.key}"
        if setting.key != "layers" and wkey in at.session_state:
            assert at.session_state[wkey] == setting.default, wkey
