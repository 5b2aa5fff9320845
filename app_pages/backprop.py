"""Backprop, step by step: one training step of a small network, number by number, on the diagram,
in the formula and in the engine's code; then a tiny CNN's backward pass."""

import streamlit as st

from engine.backprop_trace import relative_error
from engine.conv import conv_backward
from engine.pooling import pool_backward
from ui.charts import backprop as charts
from ui.settings.widgets import Bound
from ui.setups import backprop as bp
from ui.shell.show_code import show_code
from ui.shell.text import plain

KEY = "bp"

st.title("🔗 Backprop, step by step")
st.markdown(
    "One training step of a small network, every number of it: forward layer by layer, the loss, the error "
    "flowing back (each neuron's **δ**), the weight changes, and the loss again. Every number is the one the "
    "engine's own layers compute; the diagram, the formula and the engine code below move together."
)

form = Bound(bp.FORM, KEY)
typed = {"rows": form.value("data") == "typed", "weights": form.value("start") == "typed"}  # shown when chosen
with st.sidebar:
    for header, keys in bp.SIDEBAR.items():
        st.header(header)
        for key in keys:
            if typed.get(key, True):
                form.widget(key)
s = form.values

walk_key = tuple((k, str(s[k])) for k in ("layers", "loss", "data", "batch", "rows", "start", "seed", "weights", "lr"))
if st.session_state.get(f"{KEY}:walk", (None,))[0] != walk_key:
    st.session_state[f"{KEY}:walk"] = (walk_key, bp.build(s))
walk = st.session_state[f"{KEY}:walk"][1]
steps = walk.trace.steps
for note in walk.notes:
    st.info(note)

# ---------------------------------------------------------------- the stepper
last = len(steps)  # steps count from 1, as the learner reads them
if st.session_state.get(f"{KEY}_step", s["step"]) > last:
    st.session_state[f"{KEY}_step"] = last
st.session_state.setdefault(f"{KEY}_step", min(s["step"], last))


def move(by: int) -> None:
    st.session_state[f"{KEY}_step"] = min(max(st.session_state[f"{KEY}_step"] + by, 1), last)


back, ahead, predict = st.columns([1, 1, 2], vertical_alignment="center")
back.button("◀ previous", on_click=move, args=(-1,), shortcut="Left", help="One step back (the ← key).",
            use_container_width=True)
ahead.button("next ▶", on_click=move, args=(1,), shortcut="Right", help="One step on (the → key).",
             use_container_width=True)
with predict:
    form.widget("predict", where=st)
st.slider("step", 1, last, key=f"{KEY}_step", help=bp.FORM["step"].help)
k = st.session_state[f"{KEY}_step"] - 1
step = steps[k]
n = len(walk.trace.X)
ex = 0
if n > 1:
    if st.session_state.get(f"{KEY}_ex", 1) > n:
        st.session_state[f"{KEY}_ex"] = n
    st.session_state.setdefault(f"{KEY}_ex", min(s["ex"], n))
    ex = st.radio("example shown", range(1, n + 1), key=f"{KEY}_ex", horizontal=True, help=bp.FORM["ex"].help) - 1

revealed = st.session_state.setdefault(f"{KEY}:guesses", {})
guess_key = (walk_key, k, ex)
hidden = s["predict"] and guess_key not in revealed

phase_names = {"forward": "forward pass", "loss": "the loss", "backward": "backward pass", "update": "the update",
               "after": "forward again"}
st.markdown(f"**Step {k + 1} of {len(steps)} · {phase_names[step.phase]}:** {step.name}",
            help=f"{bp.MEANING[step.kind]} Computed by `{step.code.name}`.")

picture, words = st.columns([3, 2])
with picture:
    st.plotly_chart(charts.diagram(walk, k, ex, hidden), key=f"{KEY}_diagram", config={"displayModeBar": False})
with words:
    lines = bp.formula(walk, k, ex)
    if hidden:
        lines[-1] = lines[-1].split("=")[0] + "= ?"
    st.latex(bp.aligned(lines))
    check = bp.numeric_check(walk, k)
    if check and not hidden:
        analytic, numeric, rel = check
        st.markdown(f"**Numerical check:** backprop {analytic:.6g}, finite difference {numeric:.6g}, relative "
                    f"error {rel:.1e}", help="The loss computed with this weight nudged up and down by 1e-5: "
                    "(L(w + h) - L(w - h)) / 2h. Backprop is right when the two agree to about 1e-7.")
        if rel > 1e-4:
            st.caption("They disagree: a neuron's z sits exactly on a kink of its activation (ReLU at z = 0), "
                       "where the slope jumps. Backprop takes one side's slope, the finite difference averages both.")
    if step.phase == "after":
        st.metric("loss after the step", f"{walk.trace.loss_after:.4f}",
                  delta=f"{walk.trace.loss_after - walk.trace.loss:+.4f}", delta_color="inverse",
                  help="The same examples through the new weights, beside the loss before the step.")
    if s["predict"]:
        truth = step.number(ex)
        if hidden:
            with st.form(f"{KEY}_predict_form", border=False):
                guess = st.number_input("your prediction", value=None, format="%.4f", key=f"{KEY}_guess",
                                        help="Work it out from the numbers above, then check.")
                if st.form_submit_button("check") and guess is not None:
                    revealed[guess_key] = float(guess)
                    st.rerun()
        else:
            verdict, off = bp.score(revealed[guess_key], truth)
            st.success(f"You said {revealed[guess_key]:.4g}; the engine computed {truth:.4g}: {verdict} "
                       f"({off:.0%} off).")

code = step.code
marked = [line + ("  # ◀ computed here" if i in code.marked else "") for i, line in enumerate(code.lines)]
first = code.first_line + code.marked[0]
st.caption(f"The engine code that computed it: `{code.name}`, {code.name.split('.')[1]}.py line {first}")
st.code("\n".join(marked), language="python")

# ---------------------------------------------------------------- the CNN
st.subheader("A CNN's backward pass on a tiny image")
st.markdown(
    "A 6×6 image, one 3×3 filter, 2×2 max pooling and one sigmoid unit reading the four pooled numbers. "
    "Backward, each pooled number's gradient goes to the one pixel of its window that won (the pool's "
    "**switches**, ringed); every other pixel of the feature map gets 0. The filter's gradient is then a sum "
    "over the 16 positions it slid over: the input window there times the feature map's gradient there."
)
form.widget("cseed", where=st)
cnn = bp.cnn(s)
form.widget("pos", where=st)
r, c = divmod(s["pos"], 4)
CHART = {"config": {"displayModeBar": False}}
forward_row, pooled_row, backward_row = st.columns(2), st.columns(2), st.columns(2)  # a phone reads them in order
forward_row[0].plotly_chart(charts.grid(cnn.image, "input, the window at this position", boxes=[(r, c, 3)]),
                            key=f"{KEY}_image", **CHART)
forward_row[1].plotly_chart(charts.grid(cnn.conv, "feature map F (switches ringed)", rings=cnn.switches,
                                        boxes=[(r, c, 1)], what="filter output"), key=f"{KEY}_fmap", **CHART)
pooled_row[0].plotly_chart(charts.grid(cnn.pooled, "pooled P: each window's maximum", what="pooled", height=200),
                           key=f"{KEY}_pooled", **CHART)
pooled_row[1].plotly_chart(charts.grid(cnn.d_pooled, "∂L/∂P, from the readout", "backward", what="gradient",
                                       height=200), key=f"{KEY}_dpooled", **CHART)
backward_row[0].plotly_chart(charts.grid(cnn.d_conv, "∂L/∂F, routed by the switches", "backward",
                                         rings=cnn.switches, boxes=[(r, c, 1)], what="gradient"),
                             key=f"{KEY}_dfmap", **CHART)
backward_row[1].plotly_chart(charts.grid(cnn.running[r, c], f"∂L/∂K summed up to position {s['pos']}", "backward",
                                         what="gradient so far"), key=f"{KEY}_dfilter", **CHART)
st.latex(r"\begin{aligned}\frac{\partial L}{\partial F_{rc}} &= \frac{\partial L}{\partial P_{ij}}"
         r"\;\text{at the switch of window } ij \\ &= 0 \;\text{everywhere else}\end{aligned}")
st.latex(rf"\begin{{aligned}}\frac{{\partial L}}{{\partial K}} &= \sum_{{r,c}} X_{{r:r+3,\,c:c+3}}\,"
         rf"\frac{{\partial L}}{{\partial F_{{rc}}}} \\ \text{{here}} &= X_{{{r}:{r + 3},\,{c}:{c + 3}}}\cdot "
         rf"{bp.num(cnn.d_conv[r, c])}\end{{aligned}}")
worst = max(relative_error(a, b) for a, b in zip(cnn.numeric_kernel.ravel(), cnn.d_kernel.ravel()))
st.markdown(f"After all 16 positions the sum is the engine's filter gradient; finite differences agree to a "
            f"relative error of {worst:.1e}.")
show_code(pool_backward, conv_backward, title="The engine code of this backward pass")
if s["data"] == "typed":
    st.caption("Typed examples: " + plain(s["rows"]))
