"""AppTest: the backprop page steps through one training step, keeps its settings in the URL and
scores a prediction."""

import pytest

from engine.backprop_trace import PHASES
from ui.charts import backprop as charts
from ui.setups import backprop as bp


def heading(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Step "))


def test_defaults_run_and_open_on_the_first_forward_step(app):
    at = app("backprop")
    assert "Step 1 of 48 · forward pass" in heading(at)
    assert r"z_{1} &= 1\cdot0.8 + 1\cdot0.2" in at.latex[0].value  # the walk-through's first sum
    assert any("computed here" in c.value and "x.dot(W) + b" in c.value for c in at.code)
    assert len(at.get("plotly_chart")) == 7  # the network and the CNN's six maps


def test_stepping_moves_through_the_phases_in_order(app):
    at = app("backprop")
    walk = at.session_state["bp:walk"][1]
    seen = []
    for phase in PHASES:
        k = walk.trace.index(phase)
        at.slider(key="bp_step").set_value(k + 1).run()
        assert not at.exception
        seen.append(heading(at))
        assert f"Step {k + 1} of" in seen[-1]
    assert [h.split("·")[1].split(":")[0].strip() for h in seen] == [
        "forward pass", "the loss", "backward pass", "the update", "forward again"]
    at.button[1].click().run()  # next
    last = len(walk.trace.steps)  # steps count from 1
    assert at.session_state["bp_step"] == last  # the last step: next stays there
    at.button[0].click().run()  # previous
    assert at.session_state["bp_step"] == last - 1
    assert at.query_params["step"] == str(last - 1)


def test_the_output_delta_step_shows_the_walkthroughs_numbers_and_code(app):
    at = app("backprop")
    walk = at.session_state["bp:walk"][1]
    k = next(i for i, s in enumerate(walk.trace.steps) if s.kind == "delta")
    at.slider(key="bp_step").set_value(k + 1).run()
    assert r"0.774\cdot 0.175" in at.latex[0].value and "0.135" in at.latex[0].value
    assert any("activation.backward(self.grad(a, y), z, a)  # ◀ computed here" in c.value for c in at.code)
    at.slider(key="bp_step").set_value(k + 2).run()  # dL/dW: its numerical check beside it
    assert any(m.value.startswith("**Numerical check:**") for m in at.markdown)


def test_url_settings_are_restored(app):
    at = app("backprop", {"layers": "2,4", "acts": "tanh,relu", "loss": "bce", "batch": "3", "step": "7",
                          "start": "seed", "seed": "5"})
    s = at.session_state["bp:settings"]
    assert s["layers"] == [(2, "tanh"), (4, "relu")] and s["loss"] == "bce" and s["batch"] == 3
    walk = at.session_state["bp:walk"][1]
    assert walk.sizes == [2, 2, 4, 1] and len(walk.trace.X) == 3
    assert at.session_state["bp_step"] == 7 and "Step 7 of" in heading(at)


def test_junk_in_the_url_is_clamped(app):
    at = app("backprop", {"layers": "9,0,3,4", "acts": "relu,bogus", "loss": "zzz", "batch": "99", "lr": "abc",
                          "step": "5000", "ex": "-3", "rows": "<b>x</b>;;1 2", "data": "typed", "weights": "1e999 x"})
    s = at.session_state["bp:settings"]
    assert s["layers"] == [(4, "relu"), (1, "sigmoid"), (3, "sigmoid")]  # 3 layers of at most 4 units
    assert s["loss"] == "mse" and s["batch"] == 4 and s["lr"] == bp.FORM["lr"].default and s["ex"] == 1
    walk = at.session_state["bp:walk"][1]
    assert at.session_state["bp_step"] == len(walk.trace.steps)  # past the end: the last step
    assert any("No typed example could be read" in i.value for i in at.info)


def test_predict_mode_hides_the_number_and_scores_an_answer(app):
    at = app("backprop")
    walk = at.session_state["bp:walk"][1]
    k = next(i for i, s in enumerate(walk.trace.steps) if s.kind == "delta")
    at.slider(key="bp_step").set_value(k + 1).run()
    at.checkbox(key="bp_predict").check().run()
    assert at.latex[0].value.rstrip("$\n").endswith(r"= ?\end{aligned}")
    at.number_input(key="bp_guess").set_value(0.13)  # in a form: sent with its button
    next(b for b in at.button if b.label == "check").click().run()
    assert not at.exception
    said = at.success[0].value
    assert "You said 0.13" in said and "0.1353" in said and "close" in said
    assert "0.135" in at.latex[0].value  # revealed


@pytest.mark.parametrize("guess, verdict", [(0.1353, "spot on"), (-0.13, "the sign is wrong"),
                                            (0.2, "the right sign, but off")])
def test_scores(guess, verdict):
    assert bp.score(guess, 0.13529621)[0] == verdict


@pytest.mark.parametrize("query", [
    {},
    {"layers": "4,2", "acts": "relu,tanh", "loss": "cce", "batch": "4", "start": "seed"},
    {"layers": "3,3,3", "acts": "leaky_relu,linear,sigmoid", "loss": "bce", "data": "toy", "batch": "3"},
    {"layers": "2", "acts": "tanh", "data": "typed", "rows": "1 2 0; -1 0.5 1", "batch": "2", "start": "typed",
     "weights": "0.1 -0.2 0.3 0.4 0 0 0.5 -0.6 0.1"},
])
def test_every_number_shown_is_the_engines(query):
    """The result of each step's formula and the number on the diagram are the trace's, which the engine
    tests hold equal to the engine's layers."""
    walk = bp.build(bp.FORM.from_query(query))
    for i, step in enumerate(walk.trace.steps):
        for ex in range(len(walk.trace.X)):
            last = bp.formula(walk, i, ex)[-1]
            assert last.rsplit("= ", 1)[1].split(r" \;")[0] == bp.num(step.number(ex), True), (step.name, last)
            if step.unit is None or ex != i % len(walk.trace.X):  # the diagram: one example a step (plotly is slow)
                continue
            texts = [t for trace in charts.diagram(walk, i, ex).data if trace.text is not None for t in trace.text]
            assert any(t.endswith(f"{step.number(ex) + 0.0:.3g}") for t in texts), step.name


def test_a_relu_kink_explains_a_failing_numerical_check(app):
    # XOR's (0, 0) with zero biases: z = 0 exactly, on ReLU's kink
    query = {"layers": "3", "acts": "relu", "batch": "4", "start": "seed"}
    walk = bp.build(bp.FORM.from_query(query))
    k = next(i for i in range(len(walk.trace.steps)) if (bp.numeric_check(walk, i) or (0, 0, 0))[2] > 1e-4)
    at = app("backprop", {**query, "step": str(k + 1)})
    assert any("kink" in c.value for c in at.caption)
