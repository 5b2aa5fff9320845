"""The playground's settings: defaults, URL round-trip with clamping, data and model building.

Pure Python + NumPy (no streamlit), so tests and the benchmark use exactly what the page uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import MLP, StandardScaler, load_iris, make_toy, train_test_split
from engine.features import FEATURES, feature_map
from engine.init import SCHEMES
from engine.optimizers import OPTIMIZERS

DATASETS = ["circle", "xor", "gaussian", "spiral", "moons", "iris"]
HIDDEN_ACTIVATIONS = ["tanh", "relu", "sigmoid", "leaky_relu", "linear"]
LR_CHOICES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
BATCH_CHOICES = [1, 2, 5, 10, 20, 50, 100]
MAX_LAYERS, MAX_NEURONS = 6, 256

DEFAULTS = dict(
    data="circle",
    noise=0.1,
    n=400,
    test=0.5,
    dseed=0,
    fx=2,
    fy=3,
    feats=["x1", "x2"],
    layers=[8, 8],
    acts=["tanh", "tanh"],
    readout="softmax",
    init="xavier",
    opt="adam",
    lr=0.03,
    batch=10,
    reg="none",
    rate=0.001,
    seed=0,
    epochs=500,
    speed=5,
)
# the settings that are one value each (features, layers and activations are lists)
SCALAR_KEYS = tuple(k for k, v in DEFAULTS.items() if not isinstance(v, list))


def _clamp_num(v, lo, hi, cast):
    try:
        x = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return cast(min(max(x, lo), hi)) if np.isfinite(x) else None


def _nearest(v, choices):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return min(choices, key=lambda c: abs(np.log(c) - np.log(x))) if x > 0 and np.isfinite(x) else None


def from_query(query: dict) -> dict:
    """Settings from URL query parameters: unknown keys ignored, bad values replaced by defaults,
    numbers clamped to their ranges.  Never raises."""
    s = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}
    q = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in dict(query).items()}

    def pick(key, choices):
        if q.get(key) in choices:
            s[key] = q[key]

    pick("data", DATASETS)
    pick("readout", ["softmax", "sigmoid"])
    pick("init", list(SCHEMES))
    pick("opt", list(OPTIMIZERS))
    pick("reg", ["none", "l1", "l2"])
    for key, lo, hi, cast in (
        ("noise", 0.0, 1.0, float),
        ("n", 20, 2000, int),
        ("test", 0.1, 0.9, float),
        ("dseed", 0, 10_000, int),
        ("fx", 0, 3, int),
        ("fy", 0, 3, int),
        ("seed", 0, 10_000, int),
        ("epochs", 1, 5000, int),
        ("speed", 1, 50, int),
        ("rate", 0.0, 10.0, float),
    ):
        if key in q and (v := _clamp_num(q[key], lo, hi, cast)) is not None:
            s[key] = v
    for key, choices in (("lr", LR_CHOICES), ("batch", BATCH_CHOICES)):
        if key in q and (v := _nearest(q[key], choices)) is not None:
            s[key] = v
    if "feats" in q:
        feats = [f for f in str(q["feats"]).split(",") if f in FEATURES]
        s["feats"] = list(dict.fromkeys(feats)) or ["x1", "x2"]
    if "layers" in q:
        sizes = [_clamp_num(v, 1, MAX_NEURONS, int) for v in str(q["layers"]).split(",") if v.strip()]
        s["layers"] = [v for v in sizes if v is not None][:MAX_LAYERS]
    acts = str(q.get("acts", "")).split(",") if "acts" in q else s["acts"]
    s["acts"] = [
        acts[i] if i < len(acts) and acts[i] in HIDDEN_ACTIVATIONS else "tanh"
        for i in range(len(s["layers"]))
    ]
    if s["fx"] == s["fy"]:
        s["fy"] = (s["fx"] + 1) % 4
    return s


def to_query(s: dict) -> dict:
    """Settings as short URL query parameters (strings)."""
    out = {}
    for k, v in s.items():
        out[k] = ",".join(map(str, v)) if isinstance(v, list) else str(v)
    return out


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
        names, axes = iris.target_names, (iris.feature_names[s["fx"]], iris.feature_names[s["fy"]])
    else:
        P, y = make_toy(s["data"], s["n"], s["noise"], s["dseed"])
        names, axes = ["orange (0)", "blue (1)"], ("x₁", "x₂")
    P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=s["test"], seed=s["dseed"])
    F_tr = feature_map(P_tr, s["feats"])
    scaler = StandardScaler().fit(F_tr)
    return PlaygroundData(
        P_tr,
        P_te,
        y_tr,
        y_te,
        scaler.transform(F_tr),
        scaler.transform(feature_map(P_te, s["feats"])),
        scaler,
        list(s["feats"]),
        list(names),
        axes,
    )


def make_model(s: dict, n_inputs: int, n_classes: int) -> MLP:
    """The network the settings describe (fresh weights from ``seed``)."""
    return MLP(
        [n_inputs, *s["layers"], n_classes],
        activation=s["acts"],
        output=s["readout"],
        init=s["init"],
        optimizer=s["opt"],
        lr=s["lr"],
        batch_size=s["batch"],
        l1=s["rate"] if s["reg"] == "l1" else 0.0,
        l2=s["rate"] if s["reg"] == "l2" else 0.0,
        seed=s["seed"],
        epochs=s["epochs"],
    ).initialize()


def apply_live_settings(model: MLP, s: dict) -> None:
    """Settings that change without a reset: learning rate, optimizer, batch size, regularisation."""
    if model.optimizer != s["opt"]:
        model.set_optimizer(s["opt"])
    if model.lr != s["lr"]:
        model.set_lr(s["lr"])
    model.batch_size = s["batch"]
    model.l1 = s["rate"] if s["reg"] == "l1" else 0.0
    model.l2 = s["rate"] if s["reg"] == "l2" else 0.0
    model.epochs = s["epochs"]


def reset_key(s: dict) -> tuple:
    """Settings whose change needs fresh weights (data, inputs, architecture, init, seed)."""
    keys = (
        "data",
        "noise",
        "n",
        "test",
        "dseed",
        "fx",
        "fy",
        "feats",
        "layers",
        "acts",
        "readout",
        "init",
        "seed",
    )
    return tuple(tuple(s[k]) if isinstance(s[k], list) else s[k] for k in keys)


def tick(model: MLP, data: PlaygroundData, s: dict, budget: float | None = 0.15) -> None:
    """One live step: train ``speed`` epochs (stopping at the epoch budget or after ``budget`` seconds)."""
    if model.status_ == "diverged" or model.epoch_ >= s["epochs"] - 1e-9:
        return
    batches = model.batches_to(min(model.epoch_ + s["speed"], s["epochs"]), len(data.X_train))
    model.partial_fit(
        data.X_train, data.y_train, max(batches, 1), data.X_test, data.y_test, time_budget=budget
    )


def boundary(model: MLP, data: PlaygroundData, grid: int = 100):
    """Grid axes, probabilities ``(grid, grid, K)`` and the grid's model inputs."""
    from engine.preprocess import mesh_grid

    P = np.r_[data.P_train, data.P_test]
    xs, ys, pts = mesh_grid(P, grid)
    X = data.inputs(pts)
    return xs, ys, model.predict_proba(X).reshape(grid, grid, -1), X
