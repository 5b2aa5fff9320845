"""Export (ui.export.scripts): the history as CSV, and scripts that rebuild a page's run exactly."""

import ast
import contextlib
import csv
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import MLP, StandardScaler, make_toy, train_test_split
from engine.features import feature_map
from ui.export.scripts import history_csv, run_script
from ui.setups import mnist as ms
from ui.setups import playground as ps

ROOT = Path(__file__).resolve().parents[2]


def _run_in_process(script: str) -> tuple[dict, str]:
    """Execute a generated script here (as ``python script.py`` would) and return its names and output."""
    out = io.StringIO()
    names = {"__name__": "__main__"}
    with contextlib.redirect_stdout(out):
        exec(compile(script, "exported.py", "exec"), names)
    return names, out.getvalue()


def _run_subprocess(script: str, tmp_path: Path) -> str:
    path = tmp_path / "run.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def _printed(output: str, what: str) -> str:
    return re.search(rf"^{what}:\s+(\S+)$", output, re.M).group(1)


def _same_weights(a, b) -> bool:
    return all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def _page_run(task, pieces):
    """Train a page's task as the live harness does: pieces of mini-batches, settings applied between."""
    for settings, batches in pieces:
        task.apply(settings)
        for n in batches:
            task.advance(n, None)
    return task


PLAYGROUND_RUNS = {
    "defaults": ({}, [({}, [40, 40, 120])]),
    "lr-change": ({}, [({}, [150, 150]), ({"lr": 0.003}, [100, 100])]),
    "optimizer-batch-penalty": (
        {"data": "spiral", "feats": ["x1", "x2", "x1x2", "sinx1"], "layers": [(16, "relu"), (8, "tanh")],
         "readout": "sigmoid", "init": "he", "reg": "l2", "rate": 0.01, "dseed": 3, "seed": 5, "n": 300},
        [({}, [100]), ({"opt": "momentum", "lr": 0.1}, [50, 70]), ({"opt": "momentum", "lr": 0.1, "batch": 32}, [33]),
         ({"opt": "sgd", "lr": 0.3, "batch": 32, "reg": "l1"}, [60])],
    ),
    "iris": ({"data": "iris", "fx": 0, "fy": 1, "test": 0.3, "layers": [(6, "sigmoid")]}, [({}, [120])]),
}


@pytest.mark.parametrize("name", sorted(PLAYGROUND_RUNS))
def test_playground_script_rebuilds_the_page_run_bit_for_bit(name):
    base, pieces = PLAYGROUND_RUNS[name]
    s = ps.FORM.clean({**ps.FORM.defaults, **base})
    task = ps.PlaygroundTask(s)
    steps, phases = task.model.steps_, []
    for change, batches in pieces:
        live = ps.FORM.clean({**s, **change})
        _page_run(task, [(live, batches)])
        phases.append((task.model.steps_ - steps, ps.training(live)))
        steps = task.model.steps_
    assert [p for p in task.run_phases() if p[0]] == [p for p in phases if p[0]]  # what the page recorded
    names, out = _run_in_process(task.script())
    for key in ("X_train", "X_test", "y_train", "y_test"):
        assert np.array_equal(names[key], getattr(task.d, key)), key
    assert np.array_equal(names["data"].P_train, task.d.P_train)
    model = names["model"]
    budget = {"epochs": task.model.epochs}  # the page's epoch budget: it pauses there, the phases stop there
    assert {**model.get_params(), **budget} == task.model.get_params()
    assert _same_weights(model, task.model) and model.steps_ == task.model.steps_
    assert _printed(out, "test accuracy") == f"{task.model.score(task.d.X_test, task.d.y_test):.4f}"


@pytest.mark.parametrize("name", ["defaults", "lr-change"])
def test_playground_script_runs_alone_and_prints_the_page_accuracy(name, tmp_path):
    base, pieces = PLAYGROUND_RUNS[name]
    s = ps.FORM.clean({**ps.FORM.defaults, **base})
    task = ps.PlaygroundTask(s)
    for change, batches in pieces:
        _page_run(task, [(ps.FORM.clean({**s, **change}), batches)])
    out = _run_subprocess(task.script(), tmp_path)
    assert _printed(out, "test accuracy") == f"{task.model.score(task.d.X_test, task.d.y_test):.4f}"
    assert _printed(out, "train accuracy") == f"{task.model.score(task.d.X_train, task.d.y_train):.4f}"


def test_playground_regression_script():
    s = {**ps.FORM.defaults, "data": "multi_gaussian", "layers": [(16, "relu"), (16, "relu")], "init": "he",
         "lr": 0.01}
    script = run_script("playground", ps.recipe(s), [(2000, ps.training(s))], "R²")
    names, out = _run_in_process(script)
    P, y = make_toy("multi_gaussian", 400, 0.1, 0)
    P_tr, P_te, y_tr, y_te = train_test_split(P, y, test_size=0.5, seed=0, stratify=False)
    sc = StandardScaler().fit(P_tr)
    model = MLP([2, 16, 16, 1], activation="relu", output="linear", init="he", optimizer="adam", lr=0.01,
                batch_size=10, seed=0).initialize()
    model.partial_fit(sc.transform(P_tr), y_tr, 2000)
    assert _same_weights(names["model"], model)
    assert "R²" in script and _printed(out, "test R²") == f"{model.score(sc.transform(P_te), y_te):.4f}"
    assert float(_printed(out, "test R²")) > 0.8


def test_mnist_script_rebuilds_the_page_run(tmp_path):
    s = ms.FORM.defaults
    data = ms.bundled_split()
    task = ms.MnistTask(s, data)
    s2 = {**s, "lr": 0.003, "opt": "rmsprop", "batch": 64}
    _page_run(task, [(s, [60, 65]), (s2, [40])])
    assert task.run_phases() == [(125, ms.FORM.training(s)), (40, ms.FORM.training(s2))]
    script = task.script()
    names, _ = _run_in_process(script)
    assert _same_weights(names["model"], task.model) and names["model"].dtype == "float32"
    out = _run_subprocess(script, tmp_path)
    assert _printed(out, "test accuracy") == f"{task.model.score(data[1], data[3]):.4f}"
    assert float(_printed(out, "test accuracy")) > 0.85


def test_mnist_full_set_script_names_its_folder():
    s = ms.FORM.defaults
    script = run_script("mnist", ms.recipe(s, "full"), [(10, ms.FORM.training(s))])
    compile(script, "full.py", "exec")
    assert _literals(script)["RECIPE"]["data"] == {"set": "mnist", "folder": "mnist"}
    assert "four MNIST files in the folder RECIPE names" in script
    with pytest.raises(KeyError):
        ms.recipe(s, "url")


def test_scripts_import_only_the_engine():
    for script in (run_script("playground", ps.recipe(ps.FORM.defaults), []),
                   run_script("mnist", ms.recipe(ms.FORM.defaults), [])):
        imports = re.findall(r"^(?:from|import) (\S+)", script, re.M)
        assert imports and all(m.split(".")[0] in ("engine", "sys") for m in imports)  # sys: finds engine/
        assert "PHASES = []" in script


def test_phases_with_equal_settings_merge_and_empty_ones_drop():
    s = ps.FORM.defaults
    t = ps.training(s)
    script = run_script("playground", ps.recipe(s), [(10, t), (0, {**t, "lr": 1.0}), (5, t), (7, {**t, "lr": 0.1})])
    assert _literals(script)["PHASES"] == [(15, t), (7, {**t, "lr": 0.1})]


def _literals(script: str) -> dict:
    """The names a script assigns literals to, and their values (read without running anything)."""
    tree = ast.parse(script)
    return {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
            if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and n.targets[0].id.isupper()}


# settings are checked by the form and the engine; what becomes code is a literal of plain data
HOSTILE = ['circle", n=1); import os; os.system("echo hi', "x'); import os; os.system('echo hi'); ('",
           '"""; import os #', "__import__('os').system('echo hi')", "\\'; import os\n#"]


@pytest.mark.parametrize("text", HOSTILE)
def test_recipe_text_becomes_a_literal_never_code(text):
    recipe = ps.recipe(ps.FORM.defaults)
    recipe["data"]["set"] = text
    recipe["features"] = ["x1", text]
    phases = [(10, {**ps.training(ps.FORM.defaults), "optimizer": text})]
    script = run_script("playground", recipe, phases)
    assert _literals(script) == {"RECIPE": recipe, "PHASES": phases}
    harmless = run_script("playground", ps.recipe(ps.FORM.defaults), [])
    assert len(ast.parse(script).body) == len(ast.parse(harmless).body)  # no statement added
    with pytest.raises(ValueError, match="Unknown data set"):  # and the engine refuses the name
        _run_in_process(script)


@pytest.mark.parametrize("change,pattern", [
    ({"training": {"lr": float("nan")}}, "finite"),
    ({"training": {"lr": float("inf")}}, "finite"),
    ({"network": {"sizes": [2, object(), 2]}}, "plain data"),
    ({"features": {1: "x1"}}, "plain data"),
])
def test_values_that_are_not_plain_data_are_refused(change, pattern):
    with pytest.raises(ValueError, match=pattern):
        run_script("playground", {**ps.recipe(ps.FORM.defaults), **change}, [])
    for phases in ([(10, "adam")], [(10,)], [(True, ps.training(ps.FORM.defaults))], "adam"):
        with pytest.raises(ValueError, match="phases"):
            run_script("playground", ps.recipe(ps.FORM.defaults), phases)
    numpy_values = {"seed": np.int64(3), "x": np.float64(0.5), "y": np.str_("z")}  # written as plain literals
    script = run_script("playground", {**ps.recipe(ps.FORM.defaults), **numpy_values}, [])
    assert {k: _literals(script)["RECIPE"][k] for k in numpy_values} == {"seed": 3, "x": 0.5, "y": "z"}
    with pytest.raises(ValueError, match="phases"):
        run_script("mnist", ms.recipe(ms.FORM.defaults), [(-1, ms.FORM.training(ms.FORM.defaults))])


def test_history_csv_round_trip():
    s = ps.FORM.defaults
    task = ps.PlaygroundTask(s)
    task.advance(100, None)
    h = task.model.history_
    text = history_csv(h)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["step", "epoch", "train_loss", "train_acc", "test_loss", "test_acc"]
    assert len(rows) == len(h["step"]) + 1
    assert [int(r[0]) for r in rows[1:]] == h["step"]
    assert [float(r[2]) for r in rows[1:]] == h["train_loss"]  # repr: every digit kept
    assert [float(r[5]) for r in rows[1:]] == h["test_acc"]


def test_history_csv_regression_and_missing_values():
    h = {"step": [0, 5], "epoch": [0.0, np.float64(0.5)], "train_loss": [1.0, 0.25], "train_acc": [-0.5, 0.75],
         "test_loss": [math.nan, math.nan], "test_acc": [math.nan, math.nan]}
    assert history_csv(h, regression=True) == (
        "step,epoch,train_loss,train_r2,test_loss,test_r2\n0,0.0,1.0,-0.5,,\n5,0.5,0.25,0.75,,\n"
    )
    with pytest.raises(ValueError, match="history_"):
        history_csv({"step": []})
    with pytest.raises(ValueError, match="differ in length"):
        history_csv({**h, "step": [0]})
    with pytest.raises(ValueError, match="not a number"):
        history_csv({**h, "epoch": ["=cmd|x", 1.0]})


def test_history_csv_with_the_running_means_in_the_order_taken():
    h = {"step": [0, 24, 36], "epoch": [0.0, 2.0, 3.0], "train_loss": [0.7, 0.4, 0.3], "train_acc": [0.5, 0.8, 0.9],
         "test_loss": [0.7, 0.5, 0.4], "test_acc": [0.5, 0.75, 0.85]}
    r = {"step": [12, 24, 36], "epoch": [1.0, 2.0, 3.0], "loss": [0.6, 0.45, 0.35], "acc": [0.6, 0.7, 0.8],
         "grad_norms": [(1.0,)] * 3, "dead_fraction": [()] * 3}
    rows = list(csv.reader(io.StringIO(history_csv(h, running=r))))
    assert rows[0] == ["step", "epoch", "batch_loss", "batch_acc", "train_loss", "train_acc", "test_loss", "test_acc"]
    # at the same step the batches' row came first (taken in the loop), the measured point after it
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [("0", "", "0.7"), ("12", "0.6", ""), ("24", "0.45", ""),
                                                      ("24", "", "0.4"), ("36", "0.35", ""), ("36", "", "0.3")]
    with pytest.raises(ValueError, match="running"):
        history_csv(h, running={"step": [1]})


def test_feature_map_of_the_script_is_the_pages():
    # the script recomputes features with engine.features, as make_data does: same columns, same order
    s = {**ps.FORM.defaults, "feats": ["x2sq", "x1", "sinx2"]}
    names, _ = _run_in_process(run_script("playground", ps.recipe(s), []))
    assert np.array_equal(names["X_train"], ps.make_data(s).X_train)
    P_train = names["data"].P_train
    assert np.array_equal(feature_map(P_train, s["feats"])[:, 1], P_train[:, 0])
