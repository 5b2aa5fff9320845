"""Logistic regression on two iris species: a boundary line and the log-likelihood per step."""

import numpy as np
import streamlit as st

from engine import LogisticRegressionGD, MaxScaler
from engine.preprocess import mesh_grid
from ui import charts
from ui.iris_controls import feature_pickers, gd_controls, iris
from ui.widgets import TICK_SECONDS, pause, run_controls, show_code, take_step

KEY = "logit"
state = st.session_state
data = iris()

st.title("🔀 Logistic regression: a line that outputs probabilities")
st.markdown(
    "Score each flower with a straight line, $z = \\beta_0 + \\beta_1 x_1 + \\beta_2 x_2$, and squash it "
    "through the sigmoid to get $P(\\text{class 1})$. Gradient ascent climbs the log-likelihood; the "
    "boundary $z = 0$ is where the model is 50/50."
)

with st.sidebar:
    st.header("Data")
    pair = st.selectbox(
        "two species",
        [(1, 2), (0, 1), (0, 2)],
        0,
        format_func=lambda p: f"{data.target_names[p[0]]} vs {data.target_names[p[1]]}",
        help="Versicolor vs virginica overlap, so the best line still makes mistakes.",
    )
    fx, fy = feature_pickers((0, 2))
    st.header("Gradient ascent")
    lr, steps_per_tick = gd_controls(3.0)  # 10 and above zig-zag at first: worth trying

keep = np.isin(data.y, pair)
X = MaxScaler().fit_transform(data.X[keep][:, [fx, fy]])
y = (data.y[keep] == pair[1]).astype(int)
names = [data.target_names[pair[0]], data.target_names[pair[1]]]

playing, reset = run_controls(KEY)
settings = (pair, fx, fy)
if reset or state.get(f"{KEY}:settings") != settings:
    state[f"{KEY}:model"] = LogisticRegressionGD(lr=lr).partial_fit(X, y, 0)
    state[f"{KEY}:settings"] = settings
model: LogisticRegressionGD = state[f"{KEY}:model"]
model.lr = lr


@st.fragment(run_every=TICK_SECONDS if playing else None)
def live():
    if playing or take_step(KEY):
        model.partial_fit(X, y, steps_per_tick)
    if model.status_ == "diverged":
        st.error(
            "Gradient ascent diverged (the log-likelihood became infinite). Lower the learning rate and Reset."
        )
        pause(KEY)
        return
    xs, ys, pts = mesh_grid(X, 100)
    p1 = model.predict_proba(pts).reshape(len(ys), len(xs))
    probs = np.stack([1 - p1, p1], axis=-1)
    left, right = st.columns([3, 2])
    left.plotly_chart(
        charts.decision_boundary(xs, ys, probs, X, y, names=names, title="P(class 1) and the 50% boundary"),
        key="boundary",
    )
    h = model.history_
    with right:
        acc = float(np.mean(model.predict(X) == y))
        c1, c2, c3 = st.columns(3)
        c1.metric("step", len(h["step"]))
        c2.metric("log-likelihood", f"{model.log_likelihood(X, y):.3f}")
        c3.metric("accuracy", f"{acc:.1%}")
        st.plotly_chart(
            charts.curves(
                h["step"],
                {"mean log-likelihood": h["objective"]},
                title="Log-likelihood per step",
                xlabel="step",
            ),
            key="ll",
        )
        b = model.beta_
        st.latex(rf"z = {b[0]:.2f} {b[1]:+.2f}\,x_1 {b[2]:+.2f}\,x_2")


live()

st.subheader("The math")
st.latex(r"P(y=1\mid x) = \sigma(\beta^\top a) = \frac{1}{1+e^{-\beta^\top a}},\quad a = (1, x_1, x_2)")
st.latex(LogisticRegressionGD.formula)
st.latex(r"\beta \leftarrow \beta + \frac{\eta}{N}\,\nabla \ell(\beta)")
show_code(LogisticRegressionGD._grad, LogisticRegressionGD.partial_fit)
