"""The playground's settings, data and live task.

Pure Python + NumPy (no streamlit), so tests and the benchmark use exactly what the page uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import MLP, StandardScaler, load_iris, make_toy, train_test_split
from engine.features import FEATURES, feature_map
from engine.init import SCHEMES
from engine.optimizers import OPTIMIZERS
from ui import charts
from ui.live_views import MAX_SHOWN, NetworkTask, Plane, layer_maps, neuron_map, points, shown_weights
from ui.settings import (
    BATCH_LADDER,
    IRIS_FEATURES,
    LR_LADDER,
    Choice,
    Form,
    Layers,
    Number,
    Subset,
    iris_axes,
    ladder,
    two_features,
)

DATASETS = ("circle", "xor", "gaussian", "spiral", "moons", "iris")
HIDDEN_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "linear")



FORM = Form(
    Choice("data", "circle", "data set", "Toy 2-D sets, or iris with two measurements you choose.",
           options=DATASETS),
    Number("noise", 0.1, "noise", "How much the classes blur into each other.", lo=0.0, hi=1.0, step=0.05),
    Number("n", 400, "points", "How many points to draw (train and test together).", lo=20, hi=2000, step=20),
    Number("test", 0.5, "test share", "Share of points held out for testing.", lo=0.1, hi=0.9, step=0.05),
    Number("dseed", 0, "data seed", "Same seed, same points and split.", lo=0, hi=10_000, widget="number"),
    *iris_axes(2, 3),
    Subset("feats", ["x1", "x2"], "inputs", "What the network is fed: the coordinates, or features made from them.",
           options=tuple(FEATURES), labels={k: v[0] for k, v in FEATURES.items()}),
    Layers("layers", [(8, "tanh"), (8, "tanh")], "hidden layers", "0 hidden layers is softmax regression.",
           activations=HIDDEN_ACTIVATIONS, max_layers=6, max_units=256),
    Choice("readout", "softmax", "readout", "Softmax + cross-entropy, or one sigmoid per class + binary cross-entropy.",
           options=("softmax", "sigmoid")),
    Choice("init", "xavier", "initialisation",
           "gaussian = N(0,1) (large), gaussian_scaled = N(0,1/n), xavier, he (for ReLU).", options=SCHEMES),
    Choice("opt", "adam", "optimizer", "Changing it keeps the weights.", options=tuple(OPTIMIZERS), live=True),
    Choice("lr", 0.03, "learning rate", "Step size. Changing it keeps the weights.",
           options=ladder(LR_LADDER, 0.0001, 10.0), widget="slider", live=True),
    Choice("batch", 10, "batch size", "Points per gradient step.", options=ladder(BATCH_LADDER, 1, 100),
           widget="slider", live=True),
    Choice("reg", "none", "regularisation", "A penalty on large weights.", options=("none", "l1", "l2"), live=True),
    Number("rate", 0.001, "rate λ", "Strength of the penalty.", lo=0.0, hi=10.0, step=0.001, widget="number",
           fmt="%.4f", live=True),
    Number("seed", 0, "weight seed", "Same seed, same starting weights.", lo=0, hi=10_000, widget="number"),
    Number("epochs", 500, "epoch budget", "Training pauses after this many epochs.", lo=1, hi=5000,
           widget="number", live=True),
    Number("speed", 25, "speed (epochs per second)", "How fast training runs while playing; the server may "
           "slow it down when many learners share it.", lo=1, hi=200, live=True),
    fix=two_features,
)


@dataclass
class PlaygroundData:
    """Points in drawing coordinates (``P_*``) and model inputs (``X_*``)."""

    P_train: np.ndarray
    P_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    X_train: np.ndarray
    X_test: np.ndarray
    scaler: StandardScaler
    feats: list
    class_names: list
    axis_names: tuple

    def inputs(self, P: np.ndarray) -> np.ndarray:
        """Model inputs for points in drawing coordinates (the same pipeline as training)."""
        return self.scaler.transform(feature_map(P, self.feats))


def make_data(s: dict) -> PlaygroundData:
    """Generate or load the data, split it, map features and standardise them."""
    if s["data"] == "iris":
        iris = load_iris()
        P, y = iris.X[:, [s["fx"], s["fy"]]], iris.y
        names, axes = iris.target_names, (IRIS_FEATURES[s["fx"]], IRIS_FEATURES[s["fy"]])
    else:
        P, y = make_toy(s["data"], s["n"], s["noise"], s["dseed"])
        names, axes = ["orange", "blue"], ("x₁", "x₂")
    P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=s["test"], seed=s["dseed"])
    F_tr = feature_map(P_tr, s["feats"])
    scaler = StandardScaler().fit(F_tr)
    return PlaygroundData(
        P_tr, P_te, y_tr, y_te, scaler.transform(F_tr), scaler.transform(feature_map(P_te, s["feats"])),
        scaler, list(s["feats"]), list(names), axes,
    )


def regularisation(s: dict) -> dict:
    return {"l1": s["rate"] if s["reg"] == "l1" else 0.0, "l2": s["rate"] if s["reg"] == "l2" else 0.0}


def make_model(s: dict, n_inputs: int, n_classes: int) -> MLP:
    """The network the settings describe (fresh weights from ``seed``)."""
    return MLP(
        [n_inputs, *(n for n, _ in s["layers"]), n_classes],
        activation=[a for _, a in s["layers"]],
        output=s["readout"],
        init=s["init"],
        optimizer=s["opt"],
        lr=s["lr"],
        batch_size=s["batch"],
        seed=s["seed"],
        epochs=s["epochs"],
        **regularisation(s),
    ).initialize()


class PlaygroundTask(NetworkTask):
    """The playground's network on its data: the plane, the network diagram and the curves."""

    MAP_EVERY = 4  # neuron maps are 20 x 20: every 4th point of the 80 x 80 plane

    def __init__(self, s: dict):
        self.settings = s
        self.d = d = make_data(s)
        super().__init__(make_model(s, d.X_train.shape[1], len(d.class_names)), d.X_train, d.y_train,
                         d.X_test, d.y_test, s["epochs"])
        self.plane = Plane(np.r_[d.P_train, d.P_test], n=80)
        self.grid_inputs = d.inputs(self.plane.points)

    def apply(self, s: dict) -> None:  # noqa: D102 - the live settings of the form
        self.settings = s
        super().apply(lr=s["lr"], optimizer=s["opt"], batch_size=s["batch"], epochs=s["epochs"], **regularisation(s))

    def rate(self) -> float:
        return self.settings["speed"] * self.step_units()

    def layout(self) -> dict:
        d, m, every = self.d, self.model, self.MAP_EVERY
        input_maps = [
            neuron_map(self.plane.image(col)[every // 2 :: every, every // 2 :: every], bounded=False)
            for col in self.grid_inputs.T[:MAX_SHOWN]
        ]
        plane = self.plane.spec(
            len(d.class_names), d.class_names, points(d.P_train, d.y_train, d.P_test, d.y_test),
            id="plane", title="What the network predicts", xlabel=d.axis_names[0], ylabel=d.axis_names[1],
            w=3, min=300, note="Background: the predicted class; dots: training points, ◇: test points.",
        )
        network = {
            "id": "net", "type": "network", "title": "The network: each neuron's output over the plane",
            "layers": m.layer_sizes, "shown": [min(n, MAX_SHOWN) for n in m.layer_sizes],
            "acts": [*m.activation, m.output], "inputs": [FEATURES[f][0] for f in d.feats],
            "outputs": d.class_names, "map": self.plane.n // every, "inputMaps": np.stack(input_maps),
            "w": 3, "h": 380, "min": 300,
            "note": "Edges: blue = positive weight, orange = negative, thicker = larger |w|. "
            "Hover a neuron to paint its output on the plane, an edge to read its weight.",
        }
        curves = self.curve_specs()
        for c in curves:
            c.update(w=2, min=260)
        ids = [c["id"] for c in curves]
        return {
            "metrics": ["epoch", "train loss", "test loss", "train accuracy", "test accuracy"],
            "panels": [plane, network, *curves],
            "rows": [["plane", ids[:2]], ["net", ids[2:]]],
        }

    def snapshot(self, detail: bool = True) -> dict:
        m = self.model
        outputs = m.layer_outputs(self.grid_inputs)
        panels = {"plane": {"grid": self.plane.classes(outputs[-1])}}
        if detail:
            panels["net"] = {
                "weights": shown_weights(m),
                "maps": layer_maps(outputs, [*m.activation, m.output], self.plane, self.MAP_EVERY),
            }
        return {
            "metrics": {
                "epoch": self.epoch_text(1),
                "train loss": f"{self.last('train_loss'):.4f}",
                "test loss": f"{self.last('test_loss'):.4f}",
                "train accuracy": f"{self.last('train_acc'):.1%}",
                "test accuracy": f"{self.last('test_acc'):.1%}",
            },
            "panels": panels,
        }

    def figures(self) -> list:
        d, m = self.d, self.model
        boundary = self.plane.figure(m.predict_proba(self.grid_inputs), d.P_train, d.y_train, d.class_names,
                                     "Decision boundary (◇ = test points)", d.P_test, d.y_test)
        boundary.update_xaxes(title=d.axis_names[0]).update_yaxes(title=d.axis_names[1])
        h = m.history_
        return [
            ("boundary", boundary),
            ("loss", charts.curves(h["epoch"], {"train": h["train_loss"], "test": h["test_loss"]},
                                   title="Loss", log_y=True)),
            ("network", charts.network_diagram(m.layer_sizes, m.weights_)),
        ]
