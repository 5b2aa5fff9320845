"""Neural-network playground: pick data and a network, press Play, watch it learn."""

import numpy as np
import streamlit as st

from engine import one_hot
from engine.features import FEATURES
from engine.gradcheck import check_model
from engine.init import SCHEMES
from engine.mlp import MLP
from engine.optimizers import OPTIMIZERS
from ui import charts
from ui import playground_setup as pg
from ui.iris_controls import iris
from ui.widgets import TICK_SECONDS, pause, run_controls, show_code, take_step

KEY = "pg"
state = st.session_state

# ---- first visit in this session: take the settings from the URL (validated and clamped)
if f"{KEY}:init" not in state:
    s0 = pg.from_query(st.query_params.to_dict())
    for k in pg.SCALAR_KEYS:
        state[f"pg_{k}"] = s0[k]
    for f in FEATURES:
        state[f"pg_feat_{f}"] = f in s0["feats"]
    state["pg_nlayers"] = len(s0["layers"])
    for i, (n, a) in enumerate(zip(s0["layers"], s0["acts"])):
        state[f"pg_neurons_{i}"], state[f"pg_act_{i}"] = n, a
    state[f"{KEY}:init"] = True

st.title("🕸️ Network playground")
st.caption(
    "Change the data, the inputs or the network, press **Play**, and watch a neural network learn. "
    "Orange and blue are the two classes; the background is what the network predicts."
)

with st.sidebar:
    st.header("Data")
    data_name = st.selectbox(
        "data set", pg.DATASETS, key="pg_data", help="Toy 2-D sets, or iris with two measurements you choose."
    )
    if data_name == "iris":
        names = [n.replace("_", " ") for n in iris().feature_names]
        st.selectbox("x-axis feature", range(4), key="pg_fx", format_func=lambda i: names[i])
        st.selectbox("y-axis feature", range(4), key="pg_fy", format_func=lambda i: names[i])
    else:
        st.slider(
            "noise", 0.0, 1.0, key="pg_noise", step=0.05, help="How much the classes blur into each other."
        )
        st.slider("points", 20, 2000, key="pg_n", step=20)
    st.slider("test share", 0.1, 0.9, key="pg_test", step=0.05, help="Share of points held out for testing.")
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    c1.number_input("data seed", 0, 10_000, key="pg_dseed", help="Same seed, same points and split.")

    def regenerate():
        state["pg_dseed"] = (state.get("pg_dseed", 0) + 1) % 10_001

    c2.button(
        "🎲 New data", on_click=regenerate, help="Draw new points (next data seed); resets the network."
    )
    st.header("Inputs")
    cols = st.columns(4)
    for i, (f, (label, _)) in enumerate(FEATURES.items()):
        cols[i % 4].checkbox(label, key=f"pg_feat_{f}")
    st.header("Network")
    nlayers = st.slider("hidden layers", 0, pg.MAX_LAYERS, key="pg_nlayers")
    for i in range(nlayers):
        c1, c2 = st.columns(2)
        state.setdefault(f"pg_neurons_{i}", 4)
        state.setdefault(f"pg_act_{i}", "tanh")
        c1.number_input(f"layer {i + 1} neurons", 1, pg.MAX_NEURONS, key=f"pg_neurons_{i}")
        c2.selectbox(f"layer {i + 1} activation", pg.HIDDEN_ACTIVATIONS, key=f"pg_act_{i}")
    st.selectbox(
        "readout",
        ["softmax", "sigmoid"],
        key="pg_readout",
        help="Softmax + cross-entropy, or one sigmoid per class + binary cross-entropy.",
    )
    st.selectbox(
        "initialisation",
        list(SCHEMES),
        key="pg_init",
        help="gaussian = N(0,1) (large), gaussian_scaled = N(0,1/n), xavier, he (for ReLU).",
    )
    st.header("Training")
    st.selectbox("optimizer", list(OPTIMIZERS), key="pg_opt", help="Changing it keeps the weights.")
    st.select_slider("learning rate", pg.LR_CHOICES, key="pg_lr", help="Changing it keeps the weights.")
    st.select_slider("batch size", pg.BATCH_CHOICES, key="pg_batch")
    c1, c2 = st.columns(2)
    c1.selectbox("regularisation", ["none", "l1", "l2"], key="pg_reg")
    c2.number_input("rate λ", 0.0, 10.0, key="pg_rate", step=0.001, format="%.4f")
    st.number_input("weight seed", 0, 10_000, key="pg_seed", help="Same seed, same starting weights.")
    st.number_input("epoch budget", 1, 5000, key="pg_epochs", help="Training pauses after this many epochs.")
    st.slider("epochs per tick", 1, 50, key="pg_speed", help="How much training happens between redraws.")

s = {k: state.get(f"pg_{k}", pg.DEFAULTS[k]) for k in pg.SCALAR_KEYS}
s["feats"] = [f for f in FEATURES if state.get(f"pg_feat_{f}")] or ["x1", "x2"]
s["layers"] = [int(state[f"pg_neurons_{i}"]) for i in range(nlayers)]
s["acts"] = [state[f"pg_act_{i}"] for i in range(nlayers)]
if s["data"] == "iris" and s["fx"] == s["fy"]:
    st.sidebar.warning("Pick two different features.")
    s["fy"] = (s["fx"] + 1) % 4
s = pg.from_query(pg.to_query(s))  # one validation path for URL and widgets
st.query_params.from_dict(pg.to_query(s))  # shareable: the address bar holds the settings

playing, reset = run_controls(KEY)
if reset or state.get(f"{KEY}:reset_key") != pg.reset_key(s):
    data = pg.make_data(s)
    state[f"{KEY}:data"] = data
    state[f"{KEY}:model"] = pg.make_model(s, data.X_train.shape[1], len(data.class_names))
    state[f"{KEY}:reset_key"] = pg.reset_key(s)
data: pg.PlaygroundData = state[f"{KEY}:data"]
model: MLP = state[f"{KEY}:model"]
pg.apply_live_settings(model, s)
show_test = st.toggle("show test points", value=True)


@st.fragment(run_every=TICK_SECONDS if playing else None)
def live():
    if not model.history_["step"]:
        model.partial_fit(data.X_train, data.y_train, 0, data.X_test, data.y_test)  # the starting point
    if playing or take_step(KEY):
        pg.tick(model, data, s)
    h = model.history_
    c = st.columns(5)
    c[0].metric("epoch", f"{model.epoch_:.1f}")
    c[1].metric("train loss", f"{h['train_loss'][-1]:.4f}" if h["train_loss"] else "–")
    c[2].metric("test loss", f"{h['test_loss'][-1]:.4f}" if h["test_loss"] else "–")
    c[3].metric("train accuracy", f"{h['train_acc'][-1]:.1%}" if h["train_acc"] else "–")
    c[4].metric("test accuracy", f"{h['test_acc'][-1]:.1%}" if h["test_acc"] else "–")
    if model.status_ == "diverged":
        st.error(model.message_)
        pause(KEY)
    elif model.epoch_ >= s["epochs"] - 1e-9:
        st.info(f"Reached the epoch budget ({s['epochs']}). Raise it in the sidebar to keep training.")
        pause(KEY)
    xs, ys, probs, grid_inputs = pg.boundary(model, data)
    left, right = st.columns([3, 2])
    left.plotly_chart(
        charts.decision_boundary(
            xs,
            ys,
            probs,
            data.P_train,
            data.y_train,
            data.P_test if show_test else None,
            data.y_test,
            names=data.class_names,
            title="Decision boundary (◇ = test points)",
        )
        .update_xaxes(title=data.axis_names[0])
        .update_yaxes(title=data.axis_names[1]),
        key="boundary",
    )
    with right:
        st.plotly_chart(
            charts.curves(
                h["epoch"],
                {"train loss": h["train_loss"], "test loss": h["test_loss"]},
                title="Loss",
                log_y=True,
                height=220,
            ),
            key="loss",
        )
        st.plotly_chart(
            charts.curves(
                h["epoch"], {"train": h["train_acc"], "test": h["test_acc"]}, title="Accuracy", height=200
            ),
            key="acc",
        )
    # the diagnostic charts are redrawn every 3rd tick while playing: the browser keeps up
    ticks = state[f"{KEY}:ticks"] = state.get(f"{KEY}:ticks", 0) + 1
    if not playing or ticks % 3 == 1 or f"{KEY}:diag" not in state:
        state[f"{KEY}:diag"] = diagnostic_figures(model, grid_inputs, len(xs))
    figs = state[f"{KEY}:diag"]
    c1, c2 = st.columns(2)
    for col, name in ((c1, "grads"), (c2, "dead")):
        if figs[name] is not None:
            col.plotly_chart(figs[name], key=name)
    if figs["dead"] is None and figs["grads"] is not None:
        c2.caption("Dead-unit tracking applies to ReLU layers; this network has none.")
    c1, c2 = st.columns([3, 2])
    c1.plotly_chart(figs["net"], key="net")
    c1.caption(
        "Edges: blue = positive weight, orange = negative, thicker = larger |w| (up to 12 neurons a layer)."
    )
    if figs["acts"] is not None:
        c2.plotly_chart(figs["acts"], key="act_maps")


def diagnostic_figures(model: MLP, grid_inputs, grid: int) -> dict:
    """Gradient norms, dead ReLUs, the network diagram and first-layer activation maps."""
    figs = {"grads": None, "dead": None, "acts": None}
    stats = model.stats_
    if stats["step"]:
        g = np.array(stats["grad_norms"])
        d = np.array(stats["dead_fraction"], dtype=float).reshape(len(stats["step"]), -1)
        figs["grads"] = charts.curves(
            stats["step"],
            {f"layer {i + 1}": g[:, i] for i in range(g.shape[1])},
            title="Gradient norm ‖∂L/∂W‖ per layer (vanishing gradients?)",
            xlabel="step",
            log_y=True,
            height=240,
        )
        if d.size and not np.all(np.isnan(d)):
            figs["dead"] = charts.curves(
                stats["step"],
                {f"layer {i + 1}": d[:, i] for i in range(d.shape[1])},
                title="Dead ReLU units (never active in a batch)",
                xlabel="step",
                height=240,
            )
    figs["net"] = charts.network_diagram(model.layer_sizes, model.weights_)
    if len(model.layer_sizes) > 2:
        acts = model.layer_outputs(grid_inputs)[0].T.reshape(-1, grid, grid)[:16, ::-4, ::4]
        figs["acts"] = charts.tile_heatmap(
            charts.tiles(acts, n_cols=4),
            colorscale="RdBu",
            title="First hidden layer: each neuron's output over the plane",
            height=320,
        )
    return figs


live()

with st.expander("✅ Check the gradients of this network"):
    st.caption(
        "Compares backpropagation with centred finite differences on 20 random entries per array, "
        "using 8 training points. Relative errors below 1e-6 mean backprop is right."
    )
    if st.button("Run gradient check"):
        Xc = data.X_train[:8]
        Yc = one_hot(data.y_train[:8], model.layer_sizes[-1])
        rows = check_model(model, Xc, Yc)
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
show_code(MLP.forward, MLP.gradients, MLP.partial_fit)
