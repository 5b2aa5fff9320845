"""Softmax regression on all three iris species: linear regions, the loss per step."""

import streamlit as st

from engine import SoftmaxRegressionGD
from engine.sequential import Sequential
from ui.inputs.csv_input import classes_source
from ui.live import canvas
from ui.settings.widgets import Bound
from ui.setups import experiments
from ui.setups import regression as rs
from ui.shell.show_code import show_code

KEY = "softmax"

st.title("🎨 Softmax regression: one line per class")
st.markdown(
    "Each species gets its own linear score $z_k = \\beta_k^\\top a$; softmax turns the three scores into "
    "probabilities. The regions where one score wins are separated by straight lines — a network with "
    "no hidden layer cannot do better than that."
)

form = Bound(rs.SOFTMAX_FORM, KEY, experiments.SOFTMAX)
with st.sidebar:
    st.header("Data")
    csv, csv_key = classes_source(form, KEY)
    form.widget("l2")
    st.header("Gradient descent")
    form.widget("lr")
    form.widget("speed")
s = form.values

run = canvas.run(KEY, lambda: rs.SoftmaxTask(s, csv), form, csv_key)
canvas.view(KEY, run)

st.subheader("The math")
st.latex(SoftmaxRegressionGD.formula)
st.markdown(rs.one_unit("a softmax", "descends on J", units="one unit per class"))
show_code(SoftmaxRegressionGD._network, SoftmaxRegressionGD.partial_fit, Sequential._train)
