"""Linear regression: the closed-form OLS solution vs gradient descent, animated."""

import numpy as np
import streamlit as st

from engine.regression import LinearRegressionGD, LinearRegressionOLS, SingularMatrixError, mse_surface
from engine.toy import make_line
from ui import charts
from ui.widgets import TICK_SECONDS, pause, run_controls, show_code, take_step

KEY = "lin"
state = st.session_state

st.title("📈 Linear regression: closed form vs gradient descent")
st.markdown(
    "Ordinary least squares has an exact answer, $\\hat\\beta = (X^\\top X)^{-1}X^\\top y$. "
    "Gradient descent finds the same line by walking downhill on the squared error, one step at a time. "
    "Press **Play** and watch the dashed line and its coefficients converge to the OLS values."
)

with st.sidebar:
    st.header("Data")
    n = st.slider("points", 10, 500, 100, help="How many (x, y) points to draw.")
    b0_true = st.slider("true intercept", -5.0, 5.0, 3.0, 0.5)
    b1_true = st.slider("true slope", -3.0, 3.0, 1.0, 0.25)
    noise = st.slider("noise (std)", 0.0, 2.0, 0.5, 0.05, help="Standard deviation of the vertical scatter.")
    seed = st.number_input("seed", 0, 10_000, 0, help="Same seed, same points.")
    collinear = st.checkbox(
        "add a copy of x as a second feature (2x)",
        help="Makes X'X singular: OLS has no unique answer. See what gradient descent does.",
    )
    st.header("Gradient descent")
    lr = st.select_slider(
        "learning rate η",
        [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0],
        0.3,
        help="Step size. Above about 1.5 these data make the steps overshoot and diverge.",
    )
    steps_per_tick = st.slider(
        "steps per tick", 1, 50, 2, help="Gradient steps taken each time the view updates."
    )

x, y = make_line(n, b0_true, b1_true, noise, int(seed))
X = np.c_[x, 2 * x] if collinear else x[:, None]

settings = (n, b0_true, b1_true, noise, int(seed), collinear)
playing, reset = run_controls(KEY)
if reset or state.get(f"{KEY}:settings") != settings:
    state[f"{KEY}:model"] = LinearRegressionGD(lr=lr).partial_fit(X, y, 0)
    state[f"{KEY}:settings"] = settings
model: LinearRegressionGD = state[f"{KEY}:model"]
model.lr = lr  # changing the learning rate keeps the current coefficients

try:
    ols = LinearRegressionOLS().fit(X, y)
    ols_line = (ols.intercept_, float(ols.coef_[0]))
except SingularMatrixError as exc:
    ols = None
    st.error(f"**No unique least-squares line.** {exc}")
    with st.expander("Why is X'X singular here?", expanded=True):
        st.markdown(
            "With columns $x$ and $2x$, any $\\beta_1 + 2\\beta_2 = c$ gives exactly the same predictions, "
            "so infinitely many coefficient vectors fit equally well and $X^\\top X$ has no inverse "
            "(its determinant is 0). Gradient descent still runs: starting from zero it drifts to the "
            "solution with the smallest coefficients, but no formula can pick *the* answer."
        )


@st.fragment(run_every=TICK_SECONDS if playing else None)
def live():
    if playing or take_step(KEY):
        model.partial_fit(X, y, steps_per_tick)
    if model.status_ == "diverged" or not np.all(np.abs(model.beta_) < 1e6):
        st.error(
            f"Gradient descent diverged: the steps overshoot and grow. Lower the learning rate "
            f"(now {model.lr}) and press Reset."
        )
        pause(KEY)
        return
    b0 = float(model.beta_[0])
    b1 = float(model.beta_[1] if not collinear else model.beta_[1:] @ [1, 2])
    steps = len(model.history_["step"])
    lines = {"OLS (closed form)": ols_line} if ols is not None else {}
    lines[f"gradient descent, step {steps}"] = (b0, b1)
    left, right = st.columns(2)
    left.plotly_chart(charts.line_fit(x, y, lines, title="Data and fitted lines"), key="fit")
    if not collinear:
        cx, cy = ols_line if ols is not None else (b0, b1)
        b0s, b1s = np.linspace(cx - 4, cx + 4, 60), np.linspace(cy - 4, cy + 4, 60)
        path = np.array(model.history_["beta"] + [model.beta_])[:, :2]
        right.plotly_chart(
            charts.loss_surface_path(
                b0s,
                b1s,
                mse_surface(x, y, b0s, b1s),
                path,
                optimum=ols_line if ols is not None else None,
                title="Loss surface J(β₀, β₁) and the descent path",
            ),
            key="surface",
        )
    else:
        right.plotly_chart(
            charts.curves(
                model.history_["step"],
                {"J": model.history_["objective"]},
                title="Loss per step",
                xlabel="step",
                log_y=True,
            ),
            key="loss_c",
        )
    rows = {"": ["intercept β₀", "slope on x"], "gradient descent": [b0, b1]}
    if ols is not None:
        rows["OLS"] = list(ols_line)
        rows["difference"] = [abs(b0 - ols_line[0]), abs(b1 - ols_line[1])]
    st.dataframe(rows, hide_index=True)
    if model.history_["objective"] and not collinear:
        st.plotly_chart(
            charts.curves(
                model.history_["step"],
                {"J(β) = MSE/2": model.history_["objective"]},
                title="Loss per step",
                xlabel="step",
                log_y=True,
                height=220,
            ),
            key="loss",
        )


live()

st.subheader("The math")
st.latex(LinearRegressionOLS.formula)
st.latex(LinearRegressionGD.formula)
st.latex(r"\beta \leftarrow \beta - \eta\,\nabla J(\beta)")
show_code(LinearRegressionOLS.fit, LinearRegressionGD._grad, LinearRegressionGD.partial_fit)
