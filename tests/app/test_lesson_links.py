"""Issue 19: reset to defaults."""

import pytest

from ui.setups import cnn as cs
from ui.setups import mnist as ms
from ui.setups import playground as pg
from ui.setups import regression as rs

PAGES = {  # page -> (its form, its key, settings that are not its defaults)
    "playground": (pg.FORM, "pg", {"data": "spiral", "lr": "0.1", "layers": "3", "acts": "relu"}),
    "mnist": (ms.FORM, "mn", {"layers": "", "acts": "", "lr": "0.003"}),
    "cnn": (cs.FORM, "cnn", {"c1": "6", "k1": "7", "c2": "0"}),
    "linear_regression": (rs.LINEAR_FORM, "lin", {"lr": "2.0", "n": "50"}),
    "logistic_regression": (rs.LOGISTIC_FORM, "logit", {"pair": "0-1"}),
    "softmax_regression": (rs.SOFTMAX_FORM, "softmax", {"l2": "50.0"}),
}


@pytest.mark.parametrize("page", PAGES)
def test_reset_to_defaults_restores_every_setting_and_the_url(app, page):
    form, key, query = PAGES[page]
    at = app(page, query)
    assert at.session_state[f"{key}:settings"] != form.defaults
    at.sidebar.button(key=f"{key}:defaults").click().run()
    assert at.session_state[f"{key}:settings"] == form.defaults
    assert not at.query_params
    for setting in form:  # and every widget drawn shows it
        wkey = f"{key}_{setting.key}"
        if setting.key != "layers" and wkey in at.session_state:
            assert at.session_state[wkey] == setting.default, wkey
