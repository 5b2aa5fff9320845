"""Neural-network playground: pick data and a network, press Play, watch it learn."""

import streamlit as st

from engine import one_hot
from engine.gradcheck import check_model
from engine.layers import Activation, Dense
from engine.sequential import Sequential
from ui import live
from ui import playground_setup as pg
from ui.settings_ui import Bound
from ui.widgets import show_code

KEY = "pg"
state = st.session_state

st.title("🕸️ Network playground")
st.caption(
    "Change the data, the inputs or the network, press **Play** (or the space bar), and watch a neural "
    "network learn. Orange and blue are the two classes; the background is what the network predicts."
)

form = Bound(pg.FORM, KEY)
with st.sidebar:
    st.header("Data")
    form.widget("data")
    if state.get(f"{KEY}_data", form.stored["data"]) == "iris":
        form.widget("fx")
        form.widget("fy")
        if state.get(f"{KEY}_fx") == state.get(f"{KEY}_fy"):
            st.warning("Pick two different features; the next one is used for the y-axis.")
    else:
        form.widget("noise")
        form.widget("n")
    form.widget("test")
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    form.widget("dseed", c1)

    def new_data():
        state[f"{KEY}_dseed"] = (state.get(f"{KEY}_dseed", 0) + 1) % 10_001

    c2.button("🎲 New data", on_click=new_data, help="Draw new points (the next data seed); resets the network.")
    st.header("Inputs")
    form.widget("feats")
    st.header("Network")
    form.widget("layers")
    form.widget("readout")
    form.widget("init")
    st.header("Training")
    form.widget("opt")
    form.widget("lr")
    form.widget("batch")
    c1, c2 = st.columns(2)
    form.widget("reg", c1)
    form.widget("rate", c2)
    form.widget("seed")
    form.widget("epochs")
    form.widget("speed")
s = form.values

run = live.run(KEY, lambda: pg.PlaygroundTask(s), pg.FORM.reset_key(s))
task: pg.PlaygroundTask = run.task
task.apply(s)


live.view(KEY, run)

with st.expander("✅ Check the gradients of this network"):
    st.caption(
        "Compares backpropagation with centred finite differences on 20 random entries per array, "
        "using 8 training points. Relative errors below 1e-6 mean backprop is right."
    )
    if st.button("Run gradient check"):
        model = task.model
        rows = check_model(model, task.d.X_train[:8], one_hot(task.d.y_train[:8], model.layer_sizes[-1]))
        st.dataframe(
            {
                "array": [r[0] for r in rows],
                "shape": [str(r[1]) for r in rows],
                "max relative error": [f"{r[2]:.2e}" for r in rows],
                "ok": ["✅" if r[2] < 1e-6 else "⚠️" for r in rows],
            },
            hide_index=True,
        )

st.subheader("The math")
st.latex(
    r"a^{(l)} = f\big(a^{(l-1)} W^{(l)} + b^{(l)}\big),\qquad"
    r"\delta^{(L)} = \frac{p - y}{N},\qquad \delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)\top}\big)\odot f'(z^{(l)})"
)
st.latex(
    r"\frac{\partial L}{\partial W^{(l)}} = a^{(l-1)\top}\delta^{(l)},\qquad"
    r"\frac{\partial L}{\partial b^{(l)}} = \textstyle\sum_n \delta^{(l)}_n"
)
show_code(Dense, Activation, Sequential.forward, Sequential.backward, Sequential.partial_fit)
