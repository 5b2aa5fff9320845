"""Settings declared once (ui.settings.form): URL parsing, clamping, round trip and reset keys, for every page."""

import numpy as np
import pytest

from ui.settings import shared
from ui.settings.form import BATCH_LADDER, LR_LADDER, Choice, Flag, Form, Layers, Number, Subset, ladder
from ui.setups import cnn as cs
from ui.setups import mnist as ms
from ui.setups import playground as pg
from ui.setups import regression as rs

FORMS = {
    "playground": pg.FORM,
    "mnist": ms.FORM,
    "linear": rs.LINEAR_FORM,
    "logistic": rs.LOGISTIC_FORM,
    "softmax": rs.SOFTMAX_FORM,
    "cnn": cs.FORM,
}
JUNK = ["", "nan", "inf", "-inf", "-1", "1e308", "-1e308", "x" * 500, "8,8,8,8,8,8,8,8", ",,,", "relu",
        "0.5", "🧠", "1,abc", "3.7", "true", "0", "|", "10|relu"]


def _valid(form: Form, values: dict) -> None:
    assert set(values) == set(form.settings)
    for key, s in form.settings.items():
        v = values[key]
        if isinstance(s, Number):
            assert s.lo <= v <= s.hi and type(v) is type(s.default)
        elif isinstance(s, Choice):
            assert v in s.options
        elif isinstance(s, Layers):
            assert len(v) <= s.max_layers
            assert all(1 <= n <= s.max_units and a in s.activations for n, a in v)


@pytest.mark.parametrize("name", FORMS)
def test_any_query_gives_valid_settings_and_round_trips(name):
    form = FORMS[name]
    rng = np.random.default_rng(0)
    keys = [*form.settings, "layers", "acts", "extra"]
    for _ in range(300):
        query = {k: str(rng.choice(JUNK)) for k in rng.choice(keys, size=5)}
        values = form.from_query(query)
        _valid(form, values)
        assert form.from_query(form.to_query(values)) == values  # what the page writes back reads the same


@pytest.mark.parametrize("name", FORMS)
def test_defaults_leave_the_url_empty(name):
    form = FORMS[name]
    assert form.from_query({}) == form.defaults
    assert form.to_query(form.defaults) == {}


def test_numbers_are_clamped_and_ladders_take_the_nearest_rung():
    s = pg.FORM.from_query({"noise": "7", "epochs": "-4", "n": "33.4", "lr": "0.05", "batch": "NaN"})
    assert s["noise"] == 1.0 and s["epochs"] == 0 and s["n"] == 33  # (issue 18: epochs from 0, no stop)
    assert s["lr"] == 0.03  # log-nearest of 0.03 and 0.1
    assert s["batch"] == 10  # junk: the default
    assert pg.FORM.from_query({"lr": "1e99"})["lr"] == 10.0


def test_layers_parse_sizes_and_activations_together():
    s = pg.FORM.from_query({"layers": "999,abc,-3", "acts": "relu,nope"})
    assert s["layers"] == [(256, "relu"), (1, "tanh")]  # an unknown activation: the page's first choice
    assert pg.FORM.from_query({"layers": "6,5"})["layers"] == [(6, "tanh"), (5, "tanh")]
    assert pg.FORM.from_query({"layers": ""})["layers"] == []  # no hidden layer: softmax regression
    assert pg.FORM.to_query({**pg.FORM.defaults, "layers": [(3, "relu")]}) == {"layers": "3", "acts": "relu"}


def test_rules_between_settings_hold_after_parsing():
    s = pg.FORM.from_query({"fx": "1", "fy": "1"})
    assert s["fx"] == 1 and s["fy"] == 2
    assert rs.SOFTMAX_FORM.from_query({"fx": "3", "fy": "3"})["fy"] == 0


def test_reset_key_changes_only_for_settings_that_need_a_fresh_model():
    form = pg.FORM
    base = form.defaults
    assert form.reset_key({**base, "lr": 0.3, "opt": "sgd", "epochs": 9, "speed": 3}) == form.reset_key(base)
    assert form.reset_key({**base, "data": "xor"}) != form.reset_key(base)
    assert form.reset_key({**base, "layers": [(8, "relu")]}) != form.reset_key(base)


def test_one_ladder_each():
    assert ladder(LR_LADDER, 0.001, 1.0)[0] == 0.001 and ladder(LR_LADDER, 0.001, 1.0)[-1] == 1.0
    lr_options = [f["lr"].options for f in FORMS.values()]
    batch_options = [f["batch"].options for f in FORMS.values() if "batch" in f.settings]
    assert all(set(o) <= set(LR_LADDER) for o in lr_options)
    assert all(set(o) <= set(BATCH_LADDER) for o in batch_options)


def test_every_setting_has_a_label_and_help():
    for form in FORMS.values():
        for s in form:
            assert s.label and s.help, s.key


def test_links_with_a_former_key_still_work():
    # MNIST's optimizer was "optimizer" in the URL until the pages shared one declaration ("opt")
    assert ms.FORM.from_query({"optimizer": "sgd"})["opt"] == "sgd"
    assert cs.FORM.from_query({"optimizer": "rmsprop"})["opt"] == "rmsprop"
    assert pg.FORM.from_query({"opt": "momentum", "optimizer": "sgd"})["opt"] == "momentum"  # the key comes first
    assert ms.FORM.from_query({"optimizer": "lbfgs"})["opt"] == "adam"  # junk under the old key: the default
    assert ms.FORM.to_query({**ms.FORM.defaults, "opt": "sgd"}) == {"opt": "sgd"}  # written back under the key


SHARED = [v for v in vars(shared).values() if isinstance(v, (Choice, Number, Layers))]


def test_shared_settings_keep_their_key_label_and_help_on_every_page():
    by_key = {s.key: s for s in SHARED}
    seen = set()
    for name, form in FORMS.items():
        for s in form:
            # a regression's "seed" draws its points and its "speed" counts steps: other settings
            if s.key in by_key and (name in ("playground", "mnist", "cnn") or s.key in ("lr", "l2")):
                one = by_key[s.key]
                assert (s.label, s.live, s.param, s.aliases) == (one.label, one.live, one.param, one.aliases), s.key
                assert s.help.startswith(one.help), s.key  # a page may add a note
                seen.add(s.key)
    assert {"opt", "lr", "batch", "l2", "layers", "readout", "init", "seed", "epochs", "speed"} <= seen
    with pytest.raises(TypeError, match="label"):
        shared.LR.with_(label="step size")
    assert shared.LR.with_(default=0.3).default == 0.3 and shared.LR.default == 0.03


def _other_value(s, value):
    """A valid value of setting ``s`` other than ``value``."""
    if isinstance(s, Layers):
        return [(3, s.activations[-1])]
    if isinstance(s, Flag):
        return not value
    if isinstance(s, Subset):
        return [o for o in s.options if o not in value][:1]
    if isinstance(s, Choice):
        return next(o for o in s.options if o not in (value, "csv"))
    return s.hi if value != s.hi else s.lo


@pytest.mark.parametrize("setup,base", [(pg, {"reg": "l2"}), (ms, {})])
def test_live_settings_are_the_training_part_of_the_recipe(setup, base):
    """A change of a live setting reaches the running model through the recipe's training part only;
    any other change makes a different network or data (the page resets)."""
    base = setup.FORM.clean({**setup.FORM.defaults, **base})
    before = setup.recipe(base)
    for s in setup.FORM:
        after = setup.recipe(setup.FORM.clean({**base, s.key: _other_value(s, base[s.key])}))
        if s.live:
            assert {**after, "training": None} == {**before, "training": None}, s.key
            assert after["training"] != before["training"] or s.key in ("epochs", "speed"), s.key
        else:
            assert after["training"] == before["training"], s.key
