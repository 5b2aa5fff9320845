"""Linear regression: the closed-form OLS solution vs gradient descent, animated."""

import streamlit as st

from engine.regression import LinearRegressionGD, LinearRegressionOLS
from engine.sequential import Sequential
from ui.inputs.csv_input import xy_source
from ui.live import canvas
from ui.settings.widgets import Bound
from ui.setups import experiments
from ui.setups import regression as rs
from ui.shell.show_code import show_code

KEY = "lin"

st.title("📈 Linear regression: closed form vs gradient descent")
st.markdown(
    "Ordinary least squares has an exact answer, $\\hat\\beta = (X^\\top X)^{-1}X^\\top y$. "
    "Gradient descent finds the same line by walking downhill on the squared error, one step at a time. "
    "Press **Play** and watch the dashed line and its coefficients converge to the OLS values."
)

form = Bound(rs.LINEAR_FORM, KEY, experiments.LINEAR)
with st.sidebar:
    st.header("Data")
    xy, xy_key = xy_source(form, KEY, ("n", "b0", "b1", "noise", "seed"))
    form.widget("collinear")
    st.header("Gradient descent")
    form.widget("lr")
    form.widget("speed")
s = form.values

run = canvas.run(KEY, lambda: rs.LinearTask(s, xy), form, xy_key)
task: rs.LinearTask = run.task
st.sidebar.caption(
    f"For these data gradient descent converges for η below **{task.critical_lr:.3g}** "
    "(2 / the largest eigenvalue of AᵀA/N) and diverges above it."
)

if task.singular:
    st.error(f"**No unique least-squares line.** {task.singular}")
    with st.expander("Why is X'X singular here?", expanded=True):
        st.markdown(
            "With columns $x$ and $2x$, any $\\beta_1 + 2\\beta_2 = c$ gives exactly the same predictions, "
            "so infinitely many coefficient vectors fit equally well and $X^\\top X$ has no inverse "
            "(its determinant is 0). Gradient descent still runs: starting from zero it drifts to the "
            "solution with the smallest coefficients, but no formula can pick *the* answer."
        )

canvas.view(KEY, run)

st.subheader("The math")
st.latex(LinearRegressionOLS.formula)
st.latex(LinearRegressionGD.formula)
st.latex(r"\beta \leftarrow \beta - \eta\,\nabla J(\beta)")
st.markdown(rs.one_unit("the identity", "descends on J"))
show_code(LinearRegressionOLS.fit, LinearRegressionGD._network, LinearRegressionGD.partial_fit, Sequential._train)
