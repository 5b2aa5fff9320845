"""The run as a zip that runs anywhere with Python and NumPy: the script, the engine package beside it
and the bundled data the engine loads by name (iris, the 5000 digits), with their sources.

Pure Python (no streamlit).  The engine is NumPy only (a test holds it to that), so nothing else needs
installing; the script finds the engine beside itself because Python puts a script's folder first on
its path.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import engine
from engine.datasets import ASSETS

ENGINE = Path(engine.__file__).resolve().parent
DATA = ("iris.csv", "mnist_5k.npz", "NOTICE")  # what engine.datasets reads from assets/, and where it came from

README = """{title}
{rule}

You need Python 3.10 or newer and NumPy (pip install numpy); nothing else.

    cd {folder}
    python {folder}.py

It rebuilds the page's data, network and training with the engine in engine/ (the app's own NumPy
code: read it) and prints the training and test scores the page showed, measured on the same rows.
assets/ holds the data sets the engine loads by name; assets/NOTICE says where they come from.
"""


def run_bundle(page: str, script: str) -> bytes:
    """A zip of one folder, ``{page}_run/``: the script ``{page}_run.py``, ``engine/``, ``assets/`` and a
    README that says how to run it."""
    folder = f"{page}_run"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{folder}/{folder}.py", script)
        title = f"A Backprop Lab {page} run, to run anywhere"
        zf.writestr(f"{folder}/README.txt", README.format(title=title, rule="=" * len(title), folder=folder))
        for path in sorted(ENGINE.glob("*.py")):
            zf.write(path, f"{folder}/engine/{path.name}")
        for name in DATA:
            zf.write(ASSETS / name, f"{folder}/assets/{name}")
    return buf.getvalue()
