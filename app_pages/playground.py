"""Neural-network playground: pick data and a network, press Play, watch it learn."""

import streamlit as st

from engine import ModelFileError, one_hot, weights_bytes
from engine.gradcheck import check_model
from engine.layers import Activation, Dense
from engine.optimizers import OPTIMIZERS
from engine.regularization import L1_FORMULA, L2_FORMULA
from engine.sequential import Sequential
from engine.toy import REGRESSION_SETS
from ui.export.downloads import downloads, loaded_note
from ui.export.scripts import history_csv
from ui.inputs import weights
from ui.inputs.csv_data import CsvError
from ui.inputs.csv_input import csv_columns, csv_table, data_file, keep_saved, saved_data
from ui.live import canvas
from ui.settings.lr_hint import lr_hint
from ui.settings.widgets import Bound
from ui.setups import experiments
from ui.setups import playground as pg
from ui.shell.show_code import show_code

KEY = "pg"
state = st.session_state

st.title("🕸️ Network playground")
st.caption(
    "Change the data, the inputs or the network, press **Play** (or the space bar), and watch a neural "
    "network learn. Orange and blue are the two classes (or, in a regression, low and high values); the "
    "background is what the network predicts. Hands on: click an edge to type its weight, pick a class over "
    "the plane and click to add points, and − / + to change the layers."
)

form = Bound(pg.FORM, KEY, experiments.PLAYGROUND)
with st.sidebar:
    st.header("Data")
    form.widget("problem")
    regression = form.value("problem") == "regression"
    kinds = [d for d in pg.DATASETS if d == "csv" or (d in REGRESSION_SETS) == regression]
    if form.value("data") not in kinds:  # the problem changed: its first data set
        form.set("data", kinds[0])
    form.widget("data", options=kinds)
    data_name = form.value("data")
    csv = csv_key = None
    if data_name == "csv":
        table, digest = csv_table(KEY)
        if table is not None:
            csv, csv_key = csv_columns(table, digest, KEY, kind="regression" if regression else "classification")
        if csv is None:
            st.caption(f"Until then the playground uses the {kinds[0]} set.")
    elif data_name == "iris":
        form.widget("fx")
        form.widget("fy")
        if form.value("fx") == form.value("fy"):
            st.warning("Pick two different features; the next one is used for the y-axis.")
    else:
        form.widget("noise")
        form.widget("n")
    form.widget("test")
    if data_name != "csv":
        c1, c2 = st.columns(2, vertical_alignment="bottom")
        form.widget("dseed", c1)

        def new_data():
            form.set("dseed", (form.value("dseed") + 1) % 10_001)

        c2.button("🎲 New data", on_click=new_data, help="Draw new points (the next data seed); resets the network.")
    st.header("Inputs")
    form.widget("feats")
    st.header("Network")
    form.widget("layers")
    if not regression:
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
if s["data"] == "csv" and csv is None:  # no usable file yet: the problem's first set stands in
    s = {**s, "data": kinds[0]}

run = canvas.run(KEY, lambda: pg.PlaygroundTask(s, csv), form, csv_key)
task: pg.PlaygroundTask = run.task
canvas.view(KEY, run, form)  # the diagram's +/- buttons change the form's layers


lr_hint(KEY, task.model, task.d.X_train, task.d.y_train, pg.FORM["lr"].options)
with st.expander("💾 Save, export and load"):
    st.caption(
        "Save this network with the page's settings and load it later to come back to exactly this page; "
        "export the run as a Python script that rebuilds the same data, network and training with the engine "
        "(running it prints the test score the page shows), or the loss and accuracy history as CSV."
    )
    file = data_file(KEY) if task.csv is not None else None  # the learner's CSV goes in the file too
    page_query = pg.saved_page(s, task.csv, file[0] if file else "")
    downloads(
        KEY,
        "playground",
        lambda: weights_bytes(run.task.model, page=page_query, data=file[1]() if file else None),
        lambda: run.task.script(),
        lambda: history_csv(run.task.model.history_, run.task.d.regression),
        task.export_problem(),
    )
    up = st.file_uploader("Load a saved network (.npz)", type=["npz"], key=f"{KEY}:load", help=weights.FORMAT_HELP)
    if up is not None and state.get(f"{KEY}:loaded") != up.file_id:
        state[f"{KEY}:loaded"] = up.file_id
        try:
            loaded = weights.load_upload(up.getvalue(), max_hidden=6, max_units=256)
            saved = pg.saved_csv(loaded)
            loaded_csv, loaded_key = (None, None) if saved is None else saved_data(
                saved["data"], saved["x1"], saved["x2"], saved["target"], saved["kind"])
            values = pg.restore(loaded, loaded_csv)
        except (ModelFileError, CsvError) as exc:
            state.pop(f"{KEY}:load_note", None)
            st.error(f"{exc} Your current network is unchanged.")
        else:
            note = f"{loaded_note(loaded)} The page's settings are the file's."  # (before the task adds to it)
            if canvas.replace(KEY, lambda: pg.PlaygroundTask(values, loaded_csv, model=loaded), pg.FORM, values,
                              loaded_key):
                state[f"{KEY}:load_note"] = note
                if saved is not None:  # the sidebar's CSV is the file's from the next run on
                    keep_saved(KEY, saved["name"], saved["data"], saved["x1"], saved["x2"], saved["target"])
                form.load(values)
                st.rerun()
            state.pop(f"{KEY}:load_note", None)
    if up is not None and state.get(f"{KEY}:loaded") == up.file_id and f"{KEY}:load_note" in state:
        st.caption(state[f"{KEY}:load_note"])

with st.expander("✅ Check the gradients of this network"):
    st.caption(
        "Compares backpropagation with centred finite differences on 20 random entries per array, "
        "using 8 training points. Relative errors below 1e-6 mean backprop is right."
    )
    if st.button("Run gradient check"):
        model, d = task.model, task.d
        Y = d.y_train[:8, None] if d.regression else one_hot(d.y_train[:8], model.layer_sizes[-1])
        rows = check_model(model, d.X_train[:8], Y)
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
# one line a step, aligned: a row of these is wider than a phone
st.latex(r"a^{(l)} = f\big(a^{(l-1)} W^{(l)} + b^{(l)}\big)")
st.latex(
    r"\begin{aligned}"
    r"\delta^{(L)} &= \frac{p - y}{N} \\"
    r"\delta^{(l)} &= \big(\delta^{(l+1)} W^{(l+1)\top}\big)\odot f'(z^{(l)}) \\"
    r"\frac{\partial L}{\partial W^{(l)}} &= a^{(l-1)\top}\delta^{(l)} \\"
    r"\frac{\partial L}{\partial b^{(l)}} &= \textstyle\sum_n \delta^{(l)}_n"
    r"\end{aligned}"
)
step = OPTIMIZERS[s["opt"]]
st.latex(step.formula)
st.caption(
    f"The {step.name} step for each weight θ with its gradient g. The learning rate η multiplies the step "
    "when it is taken, never the stored state, so a new rate changes the very next step."
)
st.caption("With an L2 or L1 penalty λ (n training points):")
st.latex(r"\text{L2: }\begin{aligned}" + L2_FORMULA + r"\end{aligned}")
st.latex(r"\text{L1: }\begin{aligned}" + L1_FORMULA + r"\end{aligned}")
show_code(Dense, Activation, Sequential.forward, Sequential.backward, Sequential.partial_fit, Sequential._train)
