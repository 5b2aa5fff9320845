"""The backprop page's settings, examples and starting weights, and what each step of the walk says
with its numbers put in (KaTeX, lines short enough for a phone).

Pure Python + NumPy (no streamlit): the page and its tests use exactly these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from engine.backprop_trace import Trace, build_network, relative_error, set_weights, trace_step
from engine.cnn_trace import build_cnn, example_image, trace_cnn
from engine.toy import make_toy
from ui.settings.form import LR_LADDER, Choice, Flag, Form, Layers, Number, Text, ladder
from ui.settings.shared import LR, SEED

# The classic XOR walk-through: a 2-3-1 sigmoid network without biases, input (1, 1), target 0.
WALKTHROUGH = [([[0.8, 0.4, 0.3], [0.2, 0.9, 0.5]], [0, 0, 0]), ([[0.3], [0.5], [0.9]], [0])]
XOR_ROWS = ((1, 1, 0), (0, 1, 1), (1, 0, 1), (0, 0, 0))  # (1, 1) first: the walk-through's example
LOSS_NAMES = {"mse": "mean squared error (sigmoid out)", "bce": "binary cross-entropy (sigmoid out)",
              "cce": "softmax cross-entropy"}

FORM = Form(
    Layers("layers", [(3, "sigmoid")], "hidden layers",
           "Up to 3 hidden layers of up to 4 neurons, each with its activation.",
           activations=("sigmoid", "tanh", "relu", "leaky_relu", "linear"), max_layers=3, max_units=4),
    Choice("loss", "mse", "loss", "What the output is scored by; the output activation follows it.",
           options=tuple(LOSS_NAMES), labels=LOSS_NAMES),
    Choice("data", "xor", "examples", "Where the batch's examples come from.", options=("xor", "toy", "typed"),
           labels={"xor": "XOR truth table", "toy": "points from the circle set", "typed": "typed in"}),
    Number("batch", 1, "batch size", "How many examples one step averages over (1 to 4).", lo=1, hi=4),
    Text("rows", "1 1 0; 0 1 1", "typed examples", "Examples as 'x1 x2 label' separated by ';' (labels 0 or "
         "1; 0 to 3 with softmax). Rows it cannot read are left out.", max_len=120, placeholder="1 1 0; 0 1 1"),
    Choice("start", "walkthrough", "starting weights", "The classic walk-through's weights (2-3-1 only), "
           "weights drawn from a seed, or your own numbers.", options=("walkthrough", "seed", "typed"),
           labels={"walkthrough": "the XOR walk-through's", "seed": "from a seed", "typed": "typed in"}),
    SEED,
    Text("weights", "", "typed weights", "Numbers separated by spaces, in the order W1 row by row, b1, W2, b2, "
         "... Missing ones come from the seed.", max_len=400, placeholder="0.8 0.4 0.3 0.2 0.9 0.5 0 0 0"),
    LR.with_(default=1.0, options=ladder(LR_LADDER, 0.01, 10.0), live=False, param=None),
    Number("ex", 1, "example shown", "Which example of the batch the diagram and formulas show.", lo=1, hi=4),
    Flag("predict", False, "predict before you see", "Type each number before it is shown; you are told how "
         "close you were."),
    Number("step", 1, "step", "Where you are in the training step (the ← and → keys step too).", lo=1, hi=999),
    Number("cseed", 0, "CNN weight seed", "Seeds the tiny CNN's filter and readout.", lo=0, hi=10_000,
           widget="number"),
    Number("pos", 0, "filter position", "Where the 3x3 filter sits on the image (0 to 15, row by row).",
           lo=0, hi=15),
)


SIDEBAR = {"Network": ("layers", "loss"), "Examples": ("data", "batch", "rows"),
           "Starting weights": ("start", "seed", "weights", "lr")}

# what each step's number is, for the help beside it (hover or tap)
MEANING = {
    "z": "z is the neuron's weighted sum: each output of the layer below times its weight, plus the bias.",
    "a": "a is the neuron's output: its activation function applied to z.",
    "loss": "L is how wrong the outputs are, averaged over the batch.",
    "dA": "∂L/∂a is how much the loss changes per unit change of this output.",
    "fprime": "f′(z) is the slope of the activation function at z.",
    "delta": "δ = ∂L/∂z is how much the loss changes per unit change of the weighted sum: the error signal the "
             "neuron sends back. The engine's δ carries the batch mean's 1/N.",
    "dW": "∂L/∂w is how much the loss changes per unit change of this weight: the input it carries times the δ "
          "of the neuron it feeds. With a batch, each example's own gradient g_n, then their mean.",
    "db": "∂L/∂b is the neuron's δ summed over the batch (each δ already carries 1/N).",
    "down": "∂L/∂a of a neuron below: every neuron above hands down its δ times the weight between them.",
    "W": "The new weight: the old one minus the learning rate η times its gradient.",
    "b": "The new bias: the old one minus the learning rate η times its gradient.",
    "after": "The loss of the same examples through the new weights, beside the loss before the step.",
}


@dataclass
class Walk:
    """One training step of the network the settings describe, and what the learner should know."""

    trace: Trace
    sizes: list  # units per layer, inputs first
    labels: np.ndarray
    notes: list  # sentences: settings that could not be used as given


def examples(s: dict) -> tuple[np.ndarray, np.ndarray, list]:
    """The batch ``(X, labels, notes)``."""
    notes, n = [], s["batch"]
    if s["data"] == "toy":
        X, y = make_toy("circle", n=10, noise=0.1, seed=s["seed"])
        X, y = np.round(X[::-3][:n] / 5, 2), y[::-3][:n]  # both classes, inputs near [-1, 1]
    else:
        rows = XOR_ROWS if s["data"] == "xor" else _typed_rows(s["rows"])
        if not rows:
            notes.append("No typed example could be read ('x1 x2 label; ...'): the XOR table is used.")
            rows = XOR_ROWS
        X, y = np.array([r[:2] for r in rows[:n]], float), np.array([r[2] for r in rows[:n]], int)
    top = 3 if s["loss"] == "cce" else 1
    if (y > top).any():
        notes.append(f"Labels above {top} were read as {top}.")
    return X, np.minimum(y, top), notes


def _typed_rows(text: str) -> list:
    rows = []
    for part in str(text).split(";"):
        nums = re.findall(r"-?\d+(?:\.\d+)?", part)
        if len(nums) == 3 and all(abs(float(v)) <= 100 for v in nums):
            rows.append((float(nums[0]), float(nums[1]), max(0, int(float(nums[2])))))
    return rows[:4]


def build(s: dict) -> Walk:
    """The walk through one step for settings ``s`` (checked values of :data:`FORM`)."""
    X, labels, notes = examples(s)
    k = max(2, int(labels.max()) + 1) if s["loss"] == "cce" else 1
    net = build_network(s["layers"], 2, k, s["loss"], lr=s["lr"], seed=s["seed"])
    sizes = [2] + [u for u, _ in s["layers"]] + [k]
    if s["start"] == "walkthrough":
        if sizes == [2, 3, 1]:
            set_weights(net, WALKTHROUGH)
        else:
            notes.append("The walk-through's weights fit a 2-3-1 network only: these come from the seed.")
    elif s["start"] == "typed":
        typed = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", s["weights"])]
        params = net.parameters()
        flat = np.concatenate([p.ravel() for p in params])
        used = np.clip(typed[: flat.size], -100, 100)
        flat[: len(used)] = used
        set_weights(net, _pairs(flat, params))
        if len(typed) != flat.size:
            notes.append(f"{len(typed)} numbers typed for {flat.size} weights and biases: "
                         + ("the rest come from the seed." if len(typed) < flat.size else "the extra ones are left out."))
    Y = np.eye(k)[labels] if s["loss"] == "cce" else labels[:, None].astype(float)
    return Walk(trace_step(net, X, Y), sizes, labels, notes)


def _pairs(flat, params) -> list:
    out, at = [], 0
    for p in params:
        out.append(flat[at:at + p.size].reshape(p.shape))
        at += p.size
    return list(zip(out[::2], out[1::2]))


def cnn(s: dict):
    """The tiny CNN's trace for the settings' seed."""
    rng = np.random.default_rng(s["cseed"])
    net = build_cnn(rng.normal(0, 0.5, (3, 3)), 0.0, rng.normal(0, 1, 4), 0.0, lr=s["lr"])
    return trace_cnn(net, example_image(), 1)


# ---------------------------------------------------------------- the formula with numbers
def num(x: float, bare: bool = False) -> str:
    """A number as the formulas show it: three significant digits, negatives in brackets (unless
    ``bare``: a result at a line's end)."""
    text = f"{x:.3g}".replace("e-0", "e-").replace("e+0", "e")
    if "e" in text:
        mant, exp = text.split("e")
        text = rf"{mant}\times 10^{{{int(exp)}}}"
    return f"({text})" if x < 0 and not bare else text


def chained(lhs: str, pieces: list, result: float | None, per_line: int = 2) -> list:
    """``lhs = p1 + p2 + ...= result`` over as many aligned lines as a phone needs."""
    lines = []
    for i in range(0, len(pieces), per_line):
        head = f"{lhs} &= " if i == 0 else r"&\quad + "
        lines.append(head + " + ".join(pieces[i:i + per_line]))
    if result is not None:
        lines.append(f"&= {num(result, True)}")
    return lines


ACT_TEX = {"Sigmoid": r"\sigma", "Tanh": r"\tanh", "ReLU": r"\mathrm{relu}", "LeakyReLU": r"\mathrm{lrelu}",
           "Linear": r"\mathrm{id}", "Softmax": r"\mathrm{softmax}"}
FPRIME_TEX = {"Sigmoid": ("a(1-a)", lambda a, z: f"{num(a)}(1-{num(a)})"),
              "Tanh": ("1-a^2", lambda a, z: f"1-{num(a)}^2"),
              "ReLU": ("[z>0]", lambda a, z: f"[{num(z)}>0]"),
              "LeakyReLU": (r"1 \text{ or } 0.01", lambda a, z: "1" if z > 0 else "0.01"),
              "Linear": ("1", lambda a, z: "1")}


def formula(walk: Walk, index: int, ex: int) -> list:
    """The step's formula as aligned KaTeX lines: the rule, then the numbers of the focus unit (for
    example ``ex`` of the batch)."""
    t = walk.trace
    step = t.steps[index]
    lt = t.layers[step.layer - 1]
    j, i, n = step.unit, step.inp, len(t.X)
    act = type(lt.activation).__name__
    kind = step.kind
    if kind in ("loss", "after"):
        return _loss_lines(walk, kind)
    sub = f"_{{{j + 1}}}" if j is not None else ""
    if kind == "z":
        pieces = [f"{num(x)}\\cdot{num(w)}" for x, w in zip(lt.a_in[ex], lt.W[:, j])] + [num(lt.b[j])]
        return [_rule(step)] + chained(f"z{sub}", pieces, lt.z[ex, j])
    if kind == "a":
        if act == "Softmax":
            total = float(np.exp(lt.z[ex]).sum())
            return [rf"a{sub} &= \frac{{e^{{z{sub}}}}}{{\sum_m e^{{z_m}}}} = \frac{{e^{{{num(lt.z[ex, j])}}}}}"
                    rf"{{{num(total)}}}", f"&= {num(lt.a[ex, j], True)}"]
        return [rf"a{sub} &= {ACT_TEX[act]}(z{sub}) = {ACT_TEX[act]}({num(lt.z[ex, j])})", f"&= {num(lt.a[ex, j], True)}"]
    if kind == "dA":
        y, a = t.Y[ex, j], lt.a[ex, j]
        rule, nums = {"MSE": (r"\frac{a-y}{N}", rf"\frac{{{num(a)}-{num(y)}}}{{{n}}}"),
                      "BinaryCrossEntropy": (r"\frac{a-y}{a(1-a)N}",
                                             rf"\frac{{{num(a)}-{num(y)}}}{{{num(a)}(1-{num(a)})\cdot {n}}}"),
                      "CategoricalCrossEntropy": (r"-\frac{y}{aN}", rf"-\frac{{{num(y)}}}{{{num(a)}\cdot {n}}}")}[
            t.loss_name]
        return [rf"\frac{{\partial L}}{{\partial a{sub}}} &= {rule}", f"&= {nums}", f"&= {num(lt.dA[ex, j], True)}"]
    if kind == "fprime":
        rule, nums = FPRIME_TEX[act]
        return [rf"f'(z{sub}) &= {rule} = {nums(lt.a[ex, j], lt.z[ex, j])}", f"&= {num(lt.fprime[ex, j], True)}"]
    if kind == "delta":
        return _delta_lines(walk, step, ex)
    if kind == "dW":
        each = [rf"g_{{{m + 1}}} &= {num(lt.a_in[m, i])}\cdot {num(lt.delta[m, j] * n)} = {num(lt.dW_each[m, i, j], True)}"
                for m in range(n)]
        lhs = rf"\frac{{\partial L}}{{\partial w_{{{i + 1}{j + 1}}}}}"
        if n == 1:
            return [rf"{lhs} &= a_{{{i + 1}}}\,\delta{sub} = {num(lt.a_in[0, i])}\cdot {num(lt.delta[0, j])}",
                    f"&= {num(lt.dW[i, j], True)}"]
        return ([r"g_n &= a_i^{(n)}\, N\delta_j^{(n)}"] + each
                + [rf"{lhs} &= \tfrac{{1}}{{{n}}}(" + " + ".join(f"g_{{{m + 1}}}" for m in range(n)) + ")",
                   f"&= {num(lt.dW[i, j], True)}"])
    if kind == "db":
        pieces = [num(d) for d in lt.delta[:, j]]
        return chained(rf"\frac{{\partial L}}{{\partial b{sub}}} = \sum_n \delta{sub}^{{(n)}}", pieces, lt.db[j])
    if kind == "down":
        above = t.layers[step.layer]  # the layer that hands its delta down to this one
        pieces = [f"{num(w)}\\cdot{num(d)}" for w, d in zip(above.W[j], above.delta[ex])]
        return [_rule(step)] + chained(rf"\frac{{\partial L}}{{\partial a{sub}}}", pieces, lt.dA[ex, j])
    if kind == "W":
        return [rf"w_{{{i + 1}{j + 1}}} &\leftarrow {num(lt.W[i, j])} - {num(t.lr)}\cdot{num(lt.dW[i, j])}",
                f"&= {num(lt.W_new[i, j], True)}"]
    return [rf"b{sub} &\leftarrow {num(lt.b[j])} - {num(t.lr)}\cdot{num(lt.db[j])}", f"&= {num(lt.b_new[j], True)}"]


def _loss_lines(walk: Walk, kind: str) -> list:
    t = walk.trace
    a = t.layers[-1].a if kind == "loss" else t.a_after
    n = len(t.X)
    if t.loss_name == "MSE":
        rule, pieces = r"\frac{1}{2N}\sum_n \lVert a_n - y_n\rVert^2", [
            f"({num(p)}-{num(y)})^2" for p, y in zip(a.ravel(), t.Y.ravel())]
        head = rf"\tfrac{{1}}{{{2 * n}}}\big["
    elif t.loss_name == "BinaryCrossEntropy":
        rule, pieces = r"-\frac{1}{N}\sum y\ln a + (1-y)\ln(1-a)", [
            rf"\ln {num(p)}" if y else rf"\ln(1-{num(p)})" for p, y in zip(a.ravel(), t.Y.ravel())]
        head = rf"-\tfrac{{1}}{{{n}}}\big["
    else:
        rule, pieces = r"-\frac{1}{N}\sum_n \ln a_{n,y_n}", [rf"\ln {num(p)}" for p in a[t.Y.astype(bool)]]
        head = rf"-\tfrac{{1}}{{{n}}}\big["
    name = "L" if kind == "loss" else r"L_{\text{after}}"
    lines = [f"{name} &= {rule}"] + chained("", pieces, None)[:]
    lines[1] = lines[1].replace(" &= ", "&= " + head, 1)
    lines[-1] += r"\big]"
    value = t.loss if kind == "loss" else t.loss_after
    lines.append(f"&= {num(value, True)}" + (rf" \;(\text{{before }} {num(t.loss)})" if kind == "after" else ""))
    return lines


def _delta_lines(walk: Walk, step, ex: int) -> list:
    t = walk.trace
    lt = t.layers[step.layer - 1]
    j = step.unit
    sub = f"_{{{j + 1}}}"
    if step.layer == len(t.layers) and t.fused:  # softmax's delta only ever comes fused (with cross-entropy)
        return [rf"\delta{sub} &= \frac{{a-y}}{{N}} \;(f' \text{{ cancels}})",
                rf"&= \frac{{{num(lt.a[ex, j])}-{num(t.Y[ex, j])}}}{{{len(t.X)}}} = {num(lt.delta[ex, j], True)}"]
    return [rf"\delta{sub} &= \frac{{\partial L}}{{\partial a{sub}}}\, f'(z{sub})",
            rf"&= {num(lt.dA[ex, j])}\cdot {num(lt.fprime[ex, j])}", f"&= {num(lt.delta[ex, j], True)}"]


def _rule(step) -> str:
    """The step's rule as the first aligned line."""
    return step.formula.replace("=", "&=", 1)


def aligned(lines: list) -> str:
    body = r" \\ ".join(lines)
    return rf"\begin{{aligned}}{body}\end{{aligned}}"


def numeric_check(walk: Walk, index: int):
    """``(backprop, finite difference, relative error)`` of a gradient step's focus; None otherwise."""
    step = walk.trace.steps[index]
    lt = walk.trace.layers[step.layer - 1]
    if step.kind == "dW":
        pair = lt.dW[step.inp, step.unit], lt.numeric_dW[step.inp, step.unit]
    elif step.kind == "db":
        pair = lt.db[step.unit], lt.numeric_db[step.unit]
    else:
        return None
    return float(pair[0]), float(pair[1]), relative_error(pair[1], pair[0])


def score(guess: float, truth: float) -> tuple[str, float]:
    """How close a prediction was: a verdict and the error relative to the true number's size."""
    off = abs(guess - truth) / max(abs(truth), 1e-12)
    if off <= 0.01 or abs(guess - truth) < 5e-4:
        return "spot on", off
    if np.sign(guess) != np.sign(truth) and abs(truth) > 1e-9:
        return "the sign is wrong", off
    return ("close" if off <= 0.1 else "the right sign, but off"), off
