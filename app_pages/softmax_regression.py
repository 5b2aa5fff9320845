"""Softmax regression on all three iris species: linear regions, cross-entropy per step."""

import numpy as np
import streamlit as st

from engine import MaxScaler, SoftmaxRegressionGD
from engine.preprocess import mesh_grid
from ui import charts
from ui.iris_controls import feature_pickers, gd_controls, iris
from ui.widgets import TICK_SECONDS, pause, run_controls, show_code, take_step

KEY = "softmax"
state = st.session_state
data = iris()

st.title("🎨 Softmax regression: one line per class")
st.markdown(
    "Each species gets its own linear score $z_k = \\beta_k^\\top a$; softmax turns the three scores into "
    "probabilities. The regions where one score wins are separated by straight lines — a network with "
    "no hidden layer cannot do better than that."
)

with st.sidebar:
    st.header("Data")
    fx, fy = feature_pickers((2, 3))
    l2 = st.slider("L2 penalty λ", 0.0, 1.0, 0.0, 0.01, help="Shrinks the weights (not the intercepts).")
    st.header("Gradient descent")
    lr, steps_per_tick = gd_controls(3.0)

X = MaxScaler().fit_transform(data.X[:, [fx, fy]])
y = data.y

playing, reset = run_controls(KEY)
settings = (fx, fy)
if reset or state.get(f"{KEY}:settings") != settings:
    state[f"{KEY}:model"] = SoftmaxRegressionGD(lr=lr).partial_fit(X, y, 0)
    state[f"{KEY}:settings"] = settings
model: SoftmaxRegressionGD = state[f"{KEY}:model"]
model.lr, model.l2 = lr, l2


@st.fragment(run_every=TICK_SECONDS if playing else None)
def live():
    if playing or take_step(KEY):
        model.partial_fit(X, y, steps_per_tick)
    if model.status_ == "diverged":
        st.error("Gradient descent diverged. Lower the learning rate and Reset.")
        pause(KEY)
        return
    xs, ys, pts = mesh_grid(X, 100)
    probs = model.predict_proba(pts).reshape(len(ys), len(xs), -1)
    left, right = st.columns([3, 2])
    left.plotly_chart(
        charts.decision_boundary(
            xs, ys, probs, X, y, names=data.target_names, title="Predicted species regions"
        ),
        key="regions",
    )
    h = model.history_
    with right:
        c1, c2 = st.columns(2)
        c1.metric("step", len(h["step"]))
        c2.metric("accuracy", f"{np.mean(model.predict(X) == y):.1%}")
        st.plotly_chart(
            charts.curves(
                h["step"], {"cross-entropy": h["objective"]}, title="Cross-entropy per step", xlabel="step"
            ),
            key="ce",
        )


live()

st.subheader("The math")
st.latex(SoftmaxRegressionGD.formula)
show_code(SoftmaxRegressionGD._grad, SoftmaxRegressionGD.partial_fit)
