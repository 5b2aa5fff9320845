"""An exported run (ui.export.bundle) runs outside the checkout, in a fresh virtual environment that holds
only NumPy, and prints the scores the page showed, measured on the same rows."""

import io
import re
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ui.export.bundle import run_bundle
from ui.setups import mnist as ms
from ui.setups import playground as ps

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def numpy_only_python():
    """A venv without pip whose only package is NumPy (through a .pth file naming a folder that holds
    nothing but links to NumPy), in a temporary folder outside the checkout."""
    with tempfile.TemporaryDirectory(prefix="bl-anywhere-") as tmp:
        tmp = Path(tmp)
        assert not tmp.resolve().is_relative_to(ROOT)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv")], check=True)
        python = tmp / "venv" / "bin" / "python"
        site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip())
        only = tmp / "numpy-only"
        only.mkdir()
        here = Path(sysconfig.get_paths()["purelib"])
        for name in ("numpy", "numpy.libs"):  # (the wheel's own OpenBLAS sits beside the package)
            if (Path(np.__file__).parent.parent / name).exists():
                (only / name).symlink_to(Path(np.__file__).parent.parent / name)
        (site / "numpy_only.pth").write_text(f"{only}\n")
        assert here != site
        yield python, tmp


def _run(python, tmp: Path, zipped: bytes, folder: str) -> str:
    """Unzip ``zipped`` into a fresh folder under ``tmp`` and run its script there, with no environment
    that could lead back to the checkout."""
    where = Path(tempfile.mkdtemp(dir=tmp))
    zipfile.ZipFile(io.BytesIO(zipped)).extractall(where)
    probe = subprocess.run([python, "-c", "import engine"], cwd=where, capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin"})
    assert "No module named 'engine'" in probe.stderr  # the checkout's engine is out of reach
    done = subprocess.run([python, "-s", f"{folder}.py"], cwd=where / folder, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def _printed(output: str, what: str) -> str:
    return re.search(rf"^{what}:\s+(\S+)$", output, re.M).group(1)


def test_the_bundle_holds_the_script_the_engine_and_its_data():
    names = zipfile.ZipFile(io.BytesIO(run_bundle("mnist", "print(1)\n"))).namelist()
    assert "mnist_run/mnist_run.py" in names and "mnist_run/README.txt" in names
    assert {f"mnist_run/engine/{p.name}" for p in (ROOT / "engine").glob("*.py")} <= set(names)
    assert {"mnist_run/assets/mnist_5k.npz", "mnist_run/assets/iris.csv", "mnist_run/assets/NOTICE"} <= set(names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_an_exported_mnist_run_prints_the_page_scores_with_only_numpy(numpy_only_python):
    python, tmp = numpy_only_python
    s = ms.FORM.defaults
    task = ms.MnistTask(s, ms.bundled_split())
    for n in (60, 65):
        task.advance(n, None)
    h = task.model.history_
    assert h["step"][-1] == task.model.steps_  # the page's last point is of the weights it ends with
    out = _run(python, tmp, run_bundle("mnist", task.script()), "mnist_run")
    metrics = task.snapshot(detail=False)["metrics"]
    # the page measures 2000 of the 4000 training digits: the script's "train accuracy" is on those
    assert _printed(out, "train accuracy") == f"{h['train_acc'][-1]:.4f}"
    assert f"{float(_printed(out, 'train accuracy')):.3f}" == metrics["train accuracy"]
    assert _printed(out, "test accuracy") == f"{h['test_acc'][-1]:.4f}"
    assert f"{float(_printed(out, 'test accuracy')):.3f}" == metrics["test accuracy"]
    X_tr, y_tr = task.data[:2]
    assert _printed(out, "train accuracy on all 4000 rows") == f"{task.model.score(X_tr, y_tr):.4f}"


def test_an_exported_iris_playground_run_prints_the_page_scores_with_only_numpy(numpy_only_python):
    python, tmp = numpy_only_python
    s = ps.FORM.clean({**ps.FORM.defaults, "data": "iris", "fx": 2, "fy": 3, "layers": [(6, "tanh")]})
    task = ps.PlaygroundTask(s)
    task.advance(150, None)
    out = _run(python, tmp, run_bundle("playground", task.script()), "playground_run")
    d = task.d
    assert _printed(out, "train accuracy") == f"{task.model.score(d.X_train, d.y_train):.4f}"
    assert _printed(out, "test accuracy") == f"{task.model.score(d.X_test, d.y_test):.4f}"
    assert "on all" not in out  # the playground measures every row
