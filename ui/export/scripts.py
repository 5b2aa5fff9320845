"""Take home what was built: the training history as CSV, and the run as a Python script.

Pure Python (no streamlit).  A script rebuilds a page's data, network and training from the page's
settings with the engine alone (``engine`` and NumPy), so running it from the Backprop Lab folder
prints the final accuracy the page showed.  It is exact because training is deterministic given
the seeds: the same shuffle stream and optimizer state whether the page trained in one call or in
many pieces, as long as every change of a live setting happens after the same number of
mini-batches.  So the page hands over ``phases``: ``(mini-batches trained, live settings in force)``
in order, e.g. ``[(3000, s), (800, s_after_the_lr_change)]`` (consecutive phases with the same
settings are merged; whole settings dicts are fine, only the live keys are read).

One thing a script does not replay: a run that diverged was rolled back to the last history point
the page took, and those points depend on the page's timing, not only on the mini-batches.

Every value written into a script is checked first (a name from a fixed list, a finite number)
and written with ``repr``: settings, even from a URL, cannot inject code.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers

from engine.activations import ACTIVATIONS
from engine.features import FEATURES
from engine.init import SCHEMES
from engine.optimizers import OPTIMIZERS
from engine.toy import REGRESSION_SETS, TOY_SETS

HISTORY_KEYS = ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")
IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")
# the engine's names for the live settings, and each page's keys for them
PLAYGROUND_LIVE = {"optimizer": "opt", "lr": "lr", "batch_size": "batch"}
MNIST_LIVE = {"optimizer": "optimizer", "lr": "lr", "batch_size": "batch"}


# ------------------------------------------------------------------------------ history
# wherever the script was saved, it runs from the Backprop Lab folder and imports its engine/
IMPORT_FROM_HERE = "import sys\n\nsys.path.insert(0, \".\")  # the Backprop Lab folder: run the script from there\n\n"


def history_csv(history: dict, regression: bool = False) -> str:
    """A model's ``history_`` as CSV text: one row per history point, a header naming the columns.

    Accuracies (R² for a regression: the columns are then ``train_r2`` and ``test_r2``) are
    fractions; a value not measured (no test set) is an empty cell.
    """
    if not isinstance(history, dict) or any(k not in history for k in HISTORY_KEYS):
        raise ValueError(f"history must be a model's history_, with the keys {', '.join(HISTORY_KEYS)}.")
    columns = [list(history[k]) for k in HISTORY_KEYS]
    if len({len(c) for c in columns}) > 1:
        raise ValueError("history's columns differ in length; pass a model's history_ as it is.")
    names = [k.replace("_acc", "_r2") if regression else k for k in HISTORY_KEYS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in zip(*columns):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return "" if math.isnan(value) else repr(float(value))
    raise ValueError(f"history holds a value that is not a number: {type(value).__name__}.")


# ------------------------------------------------------------------------------ checks
def _choice(s: dict, key: str, options) -> str:
    value = s.get(key)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"Setting '{key}' must be one of {', '.join(map(str, options))}; got {_py(value)}.")
    return value


def _number(s: dict, key: str, lo: float, hi: float, whole: bool = False):
    value = s.get(key)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and lo <= value <= hi
    if not ok or (whole and value != int(value)):
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"Setting '{key}' must be {kind} from {lo} to {hi}; got {_py(value)}.")
    return int(value) if whole else float(value)


def _layers(s: dict, max_units: int) -> list[tuple[int, str]]:
    layers = s.get("layers")
    if not isinstance(layers, (list, tuple)) or len(layers) > 8:
        raise ValueError(f"Setting 'layers' must be a list of (units, activation); got {_py(layers)}.")
    out = []
    for item in layers:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            raise ValueError(f"Setting 'layers' must be a list of (units, activation); got {_py(layers)}.")
        units = _number({"units": item[0]}, "units", 1, max_units, whole=True)
        out.append((units, _choice({"activation": item[1]}, "activation", tuple(ACTIVATIONS))))
    return out


def _phases(phases, live_keys: dict, regularised: bool) -> list[tuple]:
    """Checked ``(n_batches, optimizer, lr, batch_size, l1, l2)`` rows; consecutive equal settings merged."""
    if not isinstance(phases, (list, tuple)):
        raise ValueError("phases must be a list of (mini-batches, settings) pairs.")
    rows = []
    for item in phases:
        if not (isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[1], dict)):
            raise ValueError("phases must be a list of (mini-batches, settings) pairs.")
        n = _number({"batches": item[0]}, "batches", 0, 10**9, whole=True)
        live = item[1]
        l1, l2 = _penalties(live) if regularised else (0.0, _number(live, "l2", 0, 1e6))
        row = (
            _choice(live, live_keys["optimizer"], tuple(OPTIMIZERS)),
            _number(live, live_keys["lr"], 1e-12, 1e3),
            _number(live, live_keys["batch_size"], 1, 10**6, whole=True),
            l1,
            l2,
        )
        if n == 0:
            continue
        if rows and rows[-1][1:] == row:
            rows[-1] = (rows[-1][0] + n, *row)
        else:
            rows.append((n, *row))
    return rows


def _penalties(s: dict) -> tuple[float, float]:
    """The playground's (reg, rate) as (l1, l2), as ``ui.setups.playground.regularisation`` does."""
    reg = _choice(s, "reg", ("none", "l1", "l2"))
    rate = _number(s, "rate", 0, 1e6)
    return (rate if reg == "l1" else 0.0, rate if reg == "l2" else 0.0)


def _py(value) -> str:
    """A checked value as Python source: numbers by ``repr`` (exact), names in double quotes."""
    if isinstance(value, str):
        return json.dumps(value)  # names from fixed lists: plain ASCII, a valid Python literal
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    return repr(value)


def _phase_lines(rows: list[tuple]) -> str:
    if not rows:
        return "PHASES = []  # nothing was trained\n"
    body = "".join(f"    ({', '.join(_py(v) for v in row)}),\n" for row in rows)
    return f"PHASES = [\n{body}]\n"


TRAIN = '''
# Training as it happened on the page, in phases: (mini-batches, optimizer, learning rate,
# batch size, L1, L2). Changing a setting keeps the weights (and the place in the shuffled
# epoch); a new optimizer starts with fresh state.
{phases}for n_batches, optimizer, lr, batch_size, l1, l2 in PHASES:
    if optimizer != model.optimizer:
        model.set_optimizer(optimizer)
    model.set_params(lr=lr, batch_size=batch_size, l1=l1, l2=l2)
    model.partial_fit(X_train, y_train, n_batches)
    if model.status_ == "diverged":
        print(model.message_)
'''


# ---------------------------------------------------------------------------- playground
def playground_script(settings: dict, phases: list[tuple[int, dict]]) -> str:
    """A runnable script of a playground run.

    Parameters
    ----------
    settings : the playground's settings at the last Reset (``ui.setups.playground.FORM`` keys:
        data, noise, n, test, dseed, fx, fy, feats, layers, readout, init, seed, and the starting
        opt, lr, batch, reg, rate).  A data set of ``engine.REGRESSION_SETS`` makes a regression:
        a split without stratification, one output, a linear readout; it prints R².
    phases : ``[(mini-batches, live settings), ...]`` with the keys opt, lr, batch, reg, rate.

    Raises ValueError naming a setting that is missing or not valid.
    """
    s = settings if isinstance(settings, dict) else {}
    data = _choice(s, "data", (*TOY_SETS, *REGRESSION_SETS, "iris"))
    regression = data in REGRESSION_SETS
    test = _number(s, "test", 0.01, 0.99)
    dseed = _number(s, "dseed", 0, 2**32 - 1, whole=True)
    feats = s.get("feats")
    if not isinstance(feats, (list, tuple)) or not feats or any(f not in FEATURES for f in feats):
        raise ValueError(f"Setting 'feats' must be a list of {', '.join(FEATURES)}; got {_py(feats)}.")
    layers = _layers(s, 4096)
    readout = "linear" if regression else _choice(s, "readout", ("softmax", "sigmoid"))
    init = _choice(s, "init", SCHEMES)
    seed = _number(s, "seed", 0, 2**32 - 1, whole=True)
    rows = _phases(phases, PLAYGROUND_LIVE, regularised=True)
    start = _phases([(1, s)], PLAYGROUND_LIVE, regularised=True)[0]

    if data == "iris":
        fx, fy = (_number(s, k, 0, 3, whole=True) for k in ("fx", "fy"))
        head = "from engine import MLP, StandardScaler, load_iris, train_test_split\n"
        make = (
            f"# The data: Fisher's iris flowers, {IRIS_FEATURES[fx]} across and {IRIS_FEATURES[fy]} up;\n"
            f"# {test:.0%} of them held out for testing (the split is seeded by the data seed).\n"
            "iris = load_iris()\n"
            f"P, y = iris.X[:, [{fx}, {fy}]], iris.y\n"
        )
        n_out = 3
    else:
        n = _number(s, "n", 2, 10**6, whole=True)
        noise = _number(s, "noise", 0, 1)
        head = "from engine import MLP, StandardScaler, make_toy, train_test_split\n"
        kind = "a regression set: each point's target is a number" if regression else "two classes"
        make = (
            f'# The data: {n} points of the "{data}" set ({kind}), noise {_py(noise)}, drawn from the\n'
            f"# data seed; {test:.0%} of them held out for testing.\n"
            f"P, y = make_toy({_py(data)}, n={n}, noise={_py(noise)}, seed={dseed})\n"
        )
        n_out = 1 if regression else 2
    strat = ", stratify=False" if regression else ""
    make += f"P_train, P_test, y_train, y_test = train_test_split(P, y, test_size={_py(test)}, seed={dseed}{strat})\n"
    sizes = [len(feats), *(u for u, _ in layers), n_out]
    arrows = " -> ".join([f"{len(feats)} inputs", *(f"{u} {a}" for u, a in layers), f"{n_out} {readout}"])
    what = "R²" if regression else "accuracy"
    return (
        '"""A Backprop Lab playground run as a script: the same data, network and training as the page.\n\n'
        "Run it from the Backprop Lab folder (the one holding engine/):  python playground_run.py\n"
        f"It prints the final training and test {what}: the numbers the page showed.\n"
        '"""\n\n'
        f"{IMPORT_FROM_HERE}{head}from engine.features import feature_map\n\n"
        f"{make}\n"
        "# What the network is fed: features of each point, standardised with the training set's\n"
        "# mean and spread (the test points use the same numbers).\n"
        f"features = {_py(list(feats))}\n"
        "scaler = StandardScaler().fit(feature_map(P_train, features))\n"
        "X_train = scaler.transform(feature_map(P_train, features))\n"
        "X_test = scaler.transform(feature_map(P_test, features))\n\n"
        f"# The network: {arrows}.\n"
        "# The weight seed draws its starting weights and shuffles the mini-batches.\n"
        f"model = MLP({_py(sizes)}, activation={_py([a for _, a in layers])}, output={_py(readout)}, init={_py(init)},\n"
        f"            optimizer={_py(start[1])}, lr={_py(start[2])}, batch_size={start[3]}, seed={seed})\n"
        "model.initialize()\n"
        + TRAIN.format(phases=_phase_lines(rows))
        + "\n"
        'print(f"epochs trained: {model.epoch_:.2f}")\n'
        f'print(f"train {what}: {{model.score(X_train, y_train):.4f}}")\n'
        f'print(f"test {what}:  {{model.score(X_test, y_test):.4f}}")\n'
    )


# ---------------------------------------------------------------------------------- MNIST
def mnist_script(settings: dict, phases: list[tuple[int, dict]], source: str = "bundled") -> str:
    """A runnable script of an MNIST page run.

    Parameters
    ----------
    settings : the MNIST page's settings at the last Reset (``ui.setups.mnist.FORM`` keys: layers,
        readout, seed, and the starting optimizer, lr, batch, l2)
    phases : ``[(mini-batches, live settings), ...]`` with the keys optimizer, lr, batch, l2
    source : "bundled" (the 5000 bundled digits, split 80/20 as the page does) or "full" (the four
        MNIST files in a folder the script names at its top, with their own training and test sets)

    Raises ValueError naming a setting that is missing or not valid.
    """
    s = settings if isinstance(settings, dict) else {}
    if source not in ("bundled", "full"):
        raise ValueError(f"source must be 'bundled' or 'full'; got {_py(source)}.")
    layers = _layers(s, 4096)
    readout = _choice(s, "readout", ("softmax", "sigmoid"))
    seed = _number(s, "seed", 0, 2**32 - 1, whole=True)
    rows = _phases(phases, MNIST_LIVE, regularised=False)
    start = _phases([(1, s)], MNIST_LIVE, regularised=False)[0]
    acts = [a for _, a in layers]
    init = "he" if acts and acts[0] in ("relu", "leaky_relu") else "xavier"  # as ui.mnist_setup.make_model
    if source == "bundled":
        data = (
            "# The data: the 5000 digits bundled with Backprop Lab, 28 x 28 pixels from 0 to 1 in rows of\n"
            "# 784; 20% of each digit held out for testing, split with seed 0 as the page does.\n"
            "digits = load_mnist()\n"
            "X_train, X_test, y_train, y_test = train_test_split(digits.X, digits.y, test_size=0.2, seed=0)\n"
        )
        head = "from engine import MLP, load_mnist, train_test_split\n"
    else:
        data = (
            "# The data: the full MNIST, from the four files (gzipped or not) in this folder; their own\n"
            "# training set (60 000 digits) and test set (10 000). Change the folder to yours.\n"
            'MNIST_DIR = "mnist"\n'
            "digits = load_mnist(MNIST_DIR)\n"
            "n = digits.n_train if digits.n_train is not None else int(len(digits.X) * 0.8)\n"
            "X_train, X_test, y_train, y_test = digits.X[:n], digits.X[n:], digits.y[:n], digits.y[n:]\n"
        )
        head = "from engine import MLP, load_mnist\n"
    arrows = " -> ".join(["784 pixels", *(f"{u} {a}" for u, a in layers), f"10 {readout}"])
    return (
        '"""A Backprop Lab MNIST run as a script: the same digits, network and training as the page.\n\n'
        "Run it from the Backprop Lab folder (the one holding engine/):  python mnist_run.py\n"
        "It prints the final training and test accuracy: the numbers the page showed.\n"
        '"""\n\n'
        f"{IMPORT_FROM_HERE}{head}\n{data}\n"
        f"# The network: {arrows}, in float32 (fast, and what the page\n"
        f"# trains), {init} initialisation; the seed draws the starting weights and shuffles the batches.\n"
        f"model = MLP({_py([784, *(u for u, _ in layers), 10])}, activation={_py(acts)}, output={_py(readout)},\n"
        f"            init={_py(init)}, optimizer={_py(start[1])}, lr={_py(start[2])}, batch_size={start[3]}, "
        f"l2={_py(start[5])},\n"
        f'            seed={seed}, dtype="float32")\n'
        "model.initialize()\n"
        + TRAIN.format(phases=_phase_lines(rows))
        + "\n"
        'print(f"epochs trained: {model.epoch_:.2f}")\n'
        'print(f"train accuracy: {model.score(X_train, y_train):.4f}")\n'
        'print(f"test accuracy:  {model.score(X_test, y_test):.4f}")\n'
    )
