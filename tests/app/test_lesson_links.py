"""Issue 19: guided experiments, lesson links (locked settings, a title, a task, a goal), reset to defaults,
the theme and the projector view kept in the URL.  What the browser shows of them: tests/e2e/test_lessons.py."""

import json
from urllib.parse import parse_qsl, urlencode

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.app.conftest import canvas, command, frame, shown
from tests.hostile import rendered_markup
from tests.hostile.tables import payloads
from ui.settings.lesson import MAX_FIX, Lesson, lesson_form
from ui.settings.view import VIEW
from ui.setups import cnn as cs
from ui.setups import convolutions as cv
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
PAYLOADS = payloads()
EXPERIMENTS = [(page, e) for page, (_, _, exps) in PAGES.items() for e in exps]
SPIRAL_LESSON = {"lesson": "Spiral challenge", "task": "Reach 90% with at most 6 neurons.", "open": "lr,layers",
                 "fix": urlencode({"data": "spiral", "opt": "sgd"}), "lr": "0.1"}


def _page_query(at) -> dict:
    return {k: v for k, v in at.query_params.items() if k not in VIEW.settings}


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
    assert {k: _one(v) for k, v in _page_query(at).items()} == experiment.query
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
    at = app(page, {**exps[0].query, "theme": "dark"})
    assert at.session_state[f"{key}:settings"] != form.defaults
    at.sidebar.button(key=f"{key}:defaults").click().run()
    assert at.session_state[f"{key}:settings"] == form.defaults
    assert _page_query(at) == {} and _one(at.query_params["theme"]) == "dark"  # the theme is no page setting
    for setting in form:  # and every widget drawn shows it
        wkey = f"{key}_{setting.key}"
        if setting.key != "layers" and wkey in at.session_state:
            assert at.session_state[wkey] == setting.default, wkey


def test_reset_to_defaults_on_the_convolutions_page_which_has_no_live_view(app):
    at = app("convolutions", {"stride": "2", "relu": "1", "pool": "max", "theme": "dark"})
    assert at.session_state["cv:settings"]["stride"] == 2
    assert not [c for c in at.sidebar.checkbox if c.key == "view_projector"]  # nothing to project
    at.sidebar.button(key="cv:defaults").click().run()
    assert at.session_state["cv:settings"] == cv.FORM.defaults and _page_query(at) == {}


# ---------------------------------------------------------------- lesson links
def test_a_lesson_locks_what_it_says_and_the_url_cannot_unlock_it(app):
    # a learner who edits the address: data=xor, opt=adam, a fix of their own is the lesson's fix
    at = app("playground", {**SPIRAL_LESSON, "data": "xor", "opt": "adam"})
    s = at.session_state["pg:settings"]
    assert s["data"] == "spiral" and s["opt"] == "sgd" and s["lr"] == 0.1
    assert at.sidebar.selectbox(key="pg_data").disabled and at.sidebar.selectbox(key="pg_opt").disabled
    assert not at.sidebar.select_slider(key="pg_lr").disabled and not at.sidebar.slider(key="pg_layers_n").disabled
    query = {k: _one(v) for k, v in _page_query(at).items()}
    assert "data" not in query and query["open"] == "layers,lr"  # the locked values live in fix only
    assert Lesson.from_query(query, pg.FORM).fixed["data"] == "spiral"
    headers = [shown(m.body) for m in at.markdown]
    assert any("Spiral challenge" in h for h in headers) and any("at most 6 neurons" in h for h in headers)
    assert not [w for w in at.text_input if w.key == "pg:lesson_lesson"]  # no lesson maker for learners
    assert not [w for w in at.sidebar.selectbox if w.key == "pg:experiment"]  # nor experiments


def test_a_learner_cannot_change_a_locked_setting_through_the_widgets(app):
    at = app("playground", SPIRAL_LESSON)
    at.session_state["pg_data"] = "xor"  # forged widget values (a browser cannot change a disabled one)
    at.session_state["pg_opt"] = "adam"
    at.run()
    at.sidebar.select_slider(key="pg_lr").set_value(0.3).run()  # open: it changes
    s = at.session_state["pg:settings"]
    assert (s["data"], s["opt"], s["lr"]) == ("spiral", "sgd", 0.3)
    model = at.session_state["pg:run"].task.model
    assert model.optimizer == "sgd" and model.lr == 0.3
    command(at, "pg", "layers", arg={"sizes": [9, 8]})  # the diagram's +: layers are open
    assert at.session_state["pg:settings"]["layers"] == [(9, "tanh"), (8, "tanh")]


def test_hidden_locked_settings_are_not_drawn_and_start_again_restores_the_lesson(app):
    at = app("playground", {**SPIRAL_LESSON, "hide": "1"})
    keys = {w.key for w in at.sidebar.selectbox} | {w.key for w in at.sidebar.slider}
    assert "pg_data" not in keys and "pg_opt" not in keys and "pg_layers_n" in keys
    at.sidebar.select_slider(key="pg_lr").set_value(1.0).run()
    at.sidebar.button(key="pg:defaults").click().run()  # "start the lesson again"
    s = at.session_state["pg:settings"]
    assert (s["data"], s["lr"]) == ("spiral", 0.1) and at.session_state["pg:lesson"] is not None


def test_lesson_text_is_plain_and_junk_is_clamped(app):
    payload = " ".join(PAYLOADS.values())
    at = app("playground", {"lesson": payload + "\n" + "t" * 300, "task": payload, "open": "nope,lr",
                            "goal": "evil", "goal_at": "1e99", "goal_units": "-5", "hide": "maybe",
                            "fix": "%%%&&&data=" + "x" * (2 * MAX_FIX)})
    lesson = at.session_state["pg:lesson"]
    assert lesson.info["open"] == ["lr"] and lesson.info["goal"] == "none" and lesson.info["goal_at"] == 10.0
    assert lesson.info["goal_units"] == 0 and lesson.info["hide"] is False and len(lesson.info["lesson"]) <= 80
    assert at.session_state["pg:settings"]["data"] == "circle"
    for m in at.markdown:
        assert not rendered_markup(m.body), m.body


def test_the_goal_says_when_it_is_met_and_at_which_epoch(app):
    at = app("playground", {"open": "lr", "goal": "test_acc", "goal_at": "0.6"})
    assert any("Goal: test accuracy at least 60.0%" in c.body for c in at.caption)
    for _ in range(20):
        command(at, "pg", "step")
        if at.success:
            break
    task = at.session_state["pg:run"].task
    met = next(e for e, a in zip(task.model.history_["epoch"], task.model.history_["test_acc"]) if a >= 0.6)
    assert f"at epoch {met:g}" in at.success[0].body and "Goal met" in at.success[0].body


def test_a_goal_costs_no_more_than_the_same_settings_by_hand(app):
    by_hand = app("playground", {"data": "spiral", "lr": "0.1"})
    lesson = app("playground", {"open": "lr", "fix": "data=spiral", "lr": "0.1", "goal": "test_acc",
                                "goal_at": "0.99", "goal_epochs": "5000", "goal_units": "4"})
    assert lesson.session_state["pg:settings"] == by_hand.session_state["pg:settings"]
    assert lesson.session_state["pg:reset_key"] == by_hand.session_state["pg:reset_key"]
    command(lesson, "pg", "step")
    assert any("16 hidden neurons: too many" in c.body for c in lesson.caption)


def test_the_lesson_maker_writes_a_link_that_opens_the_same_lesson(app):
    at = app("playground", {"data": "spiral", "lr": "0.1", "layers": "4"})
    assert not [w for w in at.text_input if w.key == "pg:lesson_lesson"]  # drawn only when asked for
    at.toggle(key="pg:lesson_maker").set_value(True).run()
    at.text_input(key="pg:lesson_lesson").set_value("Spiral").run()
    at.session_state["pg:lesson_open"] = ["lr", "speed"]  # (the pills: AppTest has no handle on them)
    at.run()
    at.selectbox(key="pg:lesson_goal").set_value("test_acc").run()
    link = next(c.value for c in at.code if "lesson=" in c.value)
    query = dict(parse_qsl(link.split("?", 1)[1]))
    assert query["lesson"] == "Spiral" and query["goal"] == "test_acc" and query["open"] == "lr,speed"
    learner = app("playground", query)
    assert learner.session_state["pg:settings"] == at.session_state["pg:settings"]
    assert learner.sidebar.selectbox(key="pg_data").disabled and learner.sidebar.slider(key="pg_layers_n").disabled


def test_a_regression_page_offers_a_lesson_without_a_goal():
    assert "goal" not in lesson_form(rs.LINEAR_FORM).settings and "goal" in lesson_form(ms.FORM).settings
    assert "goal_units" in lesson_form(pg.FORM).settings and "goal_units" not in lesson_form(cs.FORM).settings


# ---------------------------------------------------------------- the theme
def test_the_theme_stays_in_the_url(app):
    at = app("playground", {"theme": "dark", "data": "xor"})
    assert at.sidebar.radio(key="view_theme").value == "dark"
    theme = next(e for e in at.get("bidi_component") if e.proto.id.endswith("theme"))
    assert theme.proto.json == '"dark"'  # what the page's few lines of JavaScript follow
    at.sidebar.selectbox(key="pg_data").set_value("spiral").run()  # the page writes its settings ...
    q = {k: _one(v) for k, v in at.query_params.items()}
    assert q == {"theme": "dark", "data": "spiral"}  # ... and leaves the theme
    at.sidebar.radio(key="view_theme").set_value("light").run()
    assert {k: _one(v) for k, v in at.query_params.items()} == {"theme": "light", "data": "spiral"}
    at.sidebar.radio(key="view_theme").set_value("auto").run()
    assert {k: _one(v) for k, v in at.query_params.items()} == {"data": "spiral"}
    home = app("home", {"theme": "dark"})  # a page without settings keeps it too
    assert home.sidebar.radio(key="view_theme").value == "dark" and _one(home.query_params["theme"]) == "dark"


# ---------------------------------------------------------------- the projector view
def test_the_projector_view_is_a_flag_in_the_url_the_canvas_can_ask_for(app):
    at = app("playground", {"projector": "1", "theme": "dark"})
    assert at.sidebar.checkbox(key="view_projector").value
    at.sidebar.selectbox(key="pg_data").set_value("spiral").run()
    assert {k: _one(v) for k, v in at.query_params.items()} == {"projector": "1", "theme": "dark", "data": "spiral"}
    _trigger(at, "pg", "view", {"projector": False})  # Esc, f or the canvas's ✕ button
    assert not at.sidebar.checkbox(key="view_projector").value
    assert {k: _one(v) for k, v in at.query_params.items()} == {"theme": "dark", "data": "spiral"}
    _trigger(at, "pg", "view", {"projector": "yes"})  # junk asks nothing
    assert "projector" not in at.query_params
    at.sidebar.checkbox(key="view_projector").check().run()
    assert _one(at.query_params["projector"]) == "1"


def _trigger(at, key: str, event: str, value) -> None:
    """The canvas of page ``key`` sends ``value`` as its trigger ``event``, as the browser does."""
    trigger = WidgetState(id=_make_trigger_id(canvas(at, key).proto.id, "events"),
                          json_trigger_value=json.dumps([{"event": event, "value": value}]))
    states = at._tree.get_widget_states()
    states.widgets.append(trigger)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
