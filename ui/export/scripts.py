"""Take home what was built: the training history as CSV, and the run as a Python script.

Pure Python (no streamlit).  A script holds the page's recipe (``engine.recipe``: data, split,
features, scaling, network, training) as a literal and builds it with the same function the page
used, so running it from the Backprop Lab folder prints the score the page showed.  It is exact
because training is deterministic given the seeds: the same shuffle stream and optimizer state
whether the page trained in one call or in many pieces, as long as every change of a live setting
happens after the same number of mini-batches.  So the page hands over ``phases``:
``(mini-batches trained, the recipe's training part in force)`` in order, e.g.
``[(3000, training), (800, training_after_the_lr_change)]``.

One thing a script does not replay: a run that diverged was rolled back to the last history point
the page took, and those points depend on the page's timing, not only on the mini-batches.

Only plain data (names, finite numbers, lists and dicts of them) is written, as Python literals:
settings, even from a URL, cannot inject code.
"""

from __future__ import annotations

import csv
import io
import math
import numbers

import numpy as np

HISTORY_KEYS = ("step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc")
RUNNING_KEYS = ("step", "epoch", "loss", "acc")


def history_table(history: dict, running: dict) -> dict[str, np.ndarray]:
    """A model's ``history_`` and the rows of its ``running_`` (the means over the batches of each tenth
    of an epoch: ``batch_loss``, ``batch_acc``) in one table, in the order they were taken; a value a row
    does not have is NaN.  Rows are only ever added at the end, so a curve drawn from it grows as it is."""
    n_run = len(running["step"])
    steps = np.array([*running["step"], *history["step"]], dtype=np.int64)
    order = np.argsort(steps, kind="stable")  # at the same step, the batches' row came before the point

    def column(values, start):
        out = np.full(len(steps), np.nan)
        out[start : start + len(values)] = values
        return out[order]

    table = {"step": steps[order], "epoch": column([*running["epoch"], *history["epoch"]], 0),
             "batch_loss": column(running["loss"], 0), "batch_acc": column(running["acc"], 0)}
    table.update({k: column(history[k], n_run) for k in HISTORY_KEYS[2:]})
    return table


def history_csv(history: dict, regression: bool = False, running: dict | None = None) -> str:
    """A model's ``history_`` as CSV text: one row per history point, a header naming the columns.
    With its ``running_``, also a row for each tenth of an epoch (:func:`history_table`).

    Accuracies (R² for a regression: the columns are then ``train_r2`` and ``test_r2``) are
    fractions; a value not measured (no test set, or not in that row) is an empty cell.
    """
    for name, log, keys in (("history", history, HISTORY_KEYS), ("running", running, RUNNING_KEYS)):
        if name == "running" and log is None:
            continue
        if not isinstance(log, dict) or any(k not in log for k in keys):
            raise ValueError(f"{name} must be a model's {name}_, with the keys {', '.join(keys)}.")
        if len({len(log[k]) for k in keys}) > 1:
            raise ValueError(f"{name}'s columns differ in length; pass a model's {name}_ as it is.")
    table = {k: list(history[k]) for k in HISTORY_KEYS} if running is None else history_table(history, running)
    columns = list(table.values())
    names = [k.replace("_acc", "_r2") if regression else k for k in table]
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


# ------------------------------------------------------------------------------ scripts
def _plain(value, where: str = "recipe"):
    """``value`` if it is plain data a literal can hold exactly; raises ValueError otherwise."""
    # written back as the built-in types: the repr of a NumPy scalar is not a literal
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise ValueError(f"{where} must be a finite number; got {value!r}.")
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise ValueError(f"{where} must be plain data (names, numbers, lists, dicts); got {type(value).__name__}.")


def _merged(phases) -> list[tuple[int, dict]]:
    """The phases that trained, consecutive ones with equal settings merged."""
    out = []
    for i, item in enumerate(phases):
        n, training = _plain(item, f"phases[{i}]") if isinstance(item, (list, tuple)) and len(item) == 2 else (0, 0)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0 or not isinstance(training, dict):
            raise ValueError(f"phases must be (mini-batches, training settings) pairs; got {item!r}.")
        if n and out and out[-1][1] == training:
            out[-1] = (out[-1][0] + n, training)
        elif n:
            out.append((n, training))
    return out


def _literal(name: str, value) -> str:
    """``name = value`` with one item a line (``repr`` of plain data is a Python literal)."""
    if not value:
        return f"{name} = {value!r}\n"
    if isinstance(value, dict):
        return f"{name} = {{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in value.items()) + "}\n"
    return f"{name} = [\n" + "".join(f"    {v!r},\n" for v in value) + "]\n"


SCRIPT = '''"""A Backprop Lab {page} run as a script: the same data, network and training as the page.

It needs Python 3.10 or newer and NumPy, and the engine: the engine/ folder beside this script (the
download holds both), or run it from the Backprop Lab folder.  python {page}_run.py
It prints the final training and test {score}: the numbers the page showed.{folder}
"""

import sys

sys.path.append(".")  # the engine beside this script comes first; else the Backprop Lab folder run from

from engine.recipe import build, set_training

# The run as the page built it (engine/recipe.py says what each part means): the data and its split,
# the inputs made from it, the network (its seed draws the starting weights and shuffles the
# mini-batches) and the training settings it started with.
{recipe}
# Training as it happened on the page, in phases: (mini-batches, training settings). Changing a
# setting keeps the weights (and the place in the shuffled epoch); a new optimizer starts afresh.
{phases}
# The page measures its scores on the first `rows` rows of each set (None: all of them), to keep its
# updates quick: the scores printed last are on the same rows, so they are the page's.
rows = {rows!r}

data, model = build(RECIPE)
X_train, X_test, y_train, y_test = data.X_train, data.X_test, data.y_train, data.y_test
for n_batches, training in PHASES:
    set_training(model, training)
    model.partial_fit(X_train, y_train, n_batches)
    if model.status_ == "diverged":
        print(model.message_)

print(f"epochs trained: {{model.epoch_:.2f}}")
for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
    if rows is not None and len(y) > rows:
        print(f"{{name}} {score} on all {{len(y)}} rows: {{model.score(X, y):.4f}}")
print(f"train {score}: {{model.score(X_train[:rows], y_train[:rows]):.4f}}")
print(f"test {score}:  {{model.score(X_test[:rows], y_test[:rows]):.4f}}")
'''


def run_script(page: str, recipe: dict, phases, score: str = "accuracy", rows: int | None = None) -> str:
    """A runnable script of a page's run.

    Parameters
    ----------
    page : the page's name ("playground", "mnist"), as in the file name ``{page}_run.py``
    recipe : the recipe the page built its run from (``engine.recipe``), with the training it started with
    phases : ``[(mini-batches, training), ...]``: the recipe's training part in force for each stretch
    score : what ``model.score`` measures ("accuracy", or "R²" for a regression)
    rows : how many rows of each set the page's scores measure (its model's ``eval_max_rows``; None: all)

    Raises ValueError if the recipe or the phases hold anything but plain data.
    """
    recipe = _plain(recipe)
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 1):
        raise ValueError(f"rows must be a positive whole number or None; got {rows!r}.")
    folder = isinstance(recipe, dict) and isinstance(recipe.get("data"), dict) and "folder" in recipe["data"]
    note = "\nThe digits come from the four MNIST files in the folder RECIPE names: change it to yours." if folder else ""
    return SCRIPT.format(page=page, score=score, folder=note, recipe=_literal("RECIPE", recipe),
                         phases=_literal("PHASES", _merged(phases)), rows=rows)
