"""Softmax regression on all three iris species: linear regions, cross-entropy per step."""

import streamlit as st

from engine import SoftmaxRegressionGD
from ui import live
from ui import regression_setup as rs
from ui.settings_ui import Bound
from ui.widgets import show_code

KEY = "softmax"

st.title("🎨 Softmax regression: one line per class")
st.markdown(
    "Each species gets its own linear score $z_k = \\beta_k^\\top a$; softmax turns the three scores into "
    "probabilities. The regions where one score wins are separated by straight lines — a network with "
    "no hidden layer cannot do better than that."
)

form = Bound(rs.SOFTMAX_FORM, KEY)
with st.sidebar:
    st.header("Data")
    for key in ("fx", "fy", "l2"):
        form.widget(key)
    st.header("Gradient descent")
    form.widget("lr")
    form.widget("speed")
s = form.values
if st.session_state.get(f"{KEY}_fx") == st.session_state.get(f"{KEY}_fy"):
    st.sidebar.warning("Pick two different features; the next one is used for the y-axis.")

run = live.run(KEY, lambda: rs.SoftmaxTask(s), rs.SOFTMAX_FORM.reset_key(s))
run.task.apply(s)
live.view(KEY, run)

st.subheader("The math")
st.latex(SoftmaxRegressionGD.formula)
show_code(SoftmaxRegressionGD._grad, SoftmaxRegressionGD.partial_fit)
