"""Logistic regression on two iris species: a boundary line and the log-likelihood per step."""

import streamlit as st

from engine import LogisticRegressionGD
from engine.sequential import Sequential
from ui.inputs.csv_input import classes_source
from ui.live import canvas
from ui.settings.widgets import Bound
from ui.setups import experiments
from ui.setups import regression as rs
from ui.shell.show_code import show_code

KEY = "logit"

st.title("🔀 Logistic regression: a line that outputs probabilities")
st.markdown(
    "Score each flower with a straight line, $z = \\beta_0 + \\beta_1 x_1 + \\beta_2 x_2$, and squash it "
    "through the sigmoid to get $P(\\text{class 1})$. Gradient ascent climbs the log-likelihood; the "
    "boundary $z = 0$ is where the model is 50/50."
)

form = Bound(rs.LOGISTIC_FORM, KEY, experiments.LOGISTIC)
with st.sidebar:
    st.header("Data")
    csv, csv_key = classes_source(form, KEY, classes=2, iris_keys=("pair", "fx", "fy"))
    st.header("Gradient ascent")
    form.widget("lr")
    form.widget("speed")
s = form.values

run = canvas.run(KEY, lambda: rs.LogisticTask(s, csv), form, csv_key)
canvas.view(KEY, run)

st.subheader("The math")
st.latex(  # two lines, aligned: in one they are wider than a phone
    r"\begin{aligned}P(y=1\mid x) &= \sigma(\beta^\top a) = \frac{1}{1+e^{-\beta^\top a}} \\"
    r"a &= (1, x_1, x_2)\end{aligned}"
)
st.latex(LogisticRegressionGD.formula)
st.latex(r"\beta \leftarrow \beta + \frac{\eta}{N}\,\nabla \ell(\beta)")
st.markdown(rs.one_unit("a sigmoid", "descends on the binary cross-entropy, which is −ℓ/N"))
show_code(LogisticRegressionGD._network, LogisticRegressionGD.partial_fit, Sequential._train)
