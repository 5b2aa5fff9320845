"""Issue 22's rows, one learner's action each: the server's peak memory and CPU per action, and what is
still held once the learner's session is gone.

    python bench/hostile_rows.py                     # every row, each in a fresh process, this tree
    python bench/hostile_rows.py --root /tmp/before  # the same rows on another checkout (e.g. main)

Each row opens its page in Streamlit's AppTest (the page script runs in this process, as in a
server), takes a baseline, does the action, and prints one Markdown table row: the peak RSS added
(``ru_maxrss``), this process's CPU seconds, RSS still held once the session is gone for good (what
``ui.shell.sessions`` releases then, released) and collected, and the first message the page shows.  Files are built by tests/hostile at run time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = {  # the action -> the file it uploads (None: the page's own controls)
    "conv RGB 512 px, 100 filters, second layer": None,
    "conv defaults + second layer": None,
    "IDX 2 x 81,632 blank digits": "zeros_81632",
    "IDX full-size set (60,000 + 10,000)": "full_size",
    "IDX 255 dimensions": "dims_255",
    "linear regression, 4,900-row CSV": "regression.csv",
    "CSV header with a Markdown image": "markup.csv",
    "CSV of denormals (1e-310)": "denormals.csv",
}


def _files(folder: Path) -> dict[str, str]:
    """The rows' files, written to ``folder``: name -> path (or a JSON list of paths for MNIST sets)."""
    sys.path.insert(0, str(ROOT))
    from tests.hostile.idx import idx_cases, zero_sets
    from tests.hostile.tables import denormals, markup_header, regression_rows

    out = {}
    for name, files in {"zeros_81632": zero_sets(81_632), "full_size": zero_sets(60_000, 10_000),
                        "dims_255": idx_cases()["dims_255"][0]}.items():
        paths = []
        for i, (n, data) in enumerate(files.items()):
            (folder / f"{name}_{i}").write_bytes(data)
            paths.append((n, str(folder / f"{name}_{i}")))
        out[name] = json.dumps(paths)
    for name, data in {"regression.csv": regression_rows(), "markup.csv": markup_header(
            "![x](http://127.0.0.1:8619/colname.png)"), "denormals.csv": denormals()}.items():
        (folder / name).write_bytes(data)
        out[name] = str(folder / name)
    return out


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _messages(at) -> str:
    texts = [e.value for e in [*at.error, *at.sidebar.error, *at.warning, *at.sidebar.warning]]
    texts += [f"exception: {e.value}" for e in at.exception]
    return (texts[0] if texts else "no message").replace("\n", " ")[:110]


def run_row(row: str, root: str, files: dict) -> dict:
    """One row in this process: open the page, act, measure."""
    sys.path.insert(0, root)
    os.chdir(root)
    from streamlit.testing.v1 import AppTest

    from ui.shell import sessions

    held = []  # what a server's sessions would release once this one is gone for good (AppTest has no server)
    sessions.hold = held.append

    def page(name, query=None):
        at = AppTest.from_file(str(Path(root) / "app.py"), default_timeout=600)
        at.query_params.update(query or {})
        at.run()
        at.switch_page(f"app_pages/{name}.py").run()
        return at

    def upload_idx(at, key):
        at.sidebar.radio(key="mn_source").set_value("upload").run()
        paths = json.loads(files[key])
        return lambda: at.sidebar.file_uploader(key="mn_idx").set_value(
            [(n, Path(p).read_bytes(), "application/gzip") for n, p in paths]).run()

    if row.startswith("conv"):
        at = page("convolutions")

        def act():  # (the settings first: each is an action, and the peak is the largest of them)
            if "512" in row:
                at.sidebar.radio[1].set_value("RGB (3 channels)").run()
                next(s for s in at.select_slider if s.label.startswith("working size")).set_value(512).run()
                next(s for s in at.select_slider if s.label == "filters").set_value(100).run()
            next(c for c in at.checkbox if "second" in c.label).check().run()
    elif row.startswith("IDX"):
        at = page("mnist")
        act = upload_idx(at, ROWS[row])
    else:
        at = page("linear_regression" if row.startswith("linear") else "playground", {"data": "csv"})
        key = "lin" if row.startswith("linear") else "pg"
        name = ROWS[row]
        data = Path(files[name]).read_bytes()

        def act():
            at.sidebar.file_uploader(key=f"{key}_csv").set_value((name, data, "text/csv")).run()
            if row.startswith("linear"):  # each later run of the page pays again
                at.run()
    gc.collect()
    base_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base_rss = _rss_mb()
    cpu0 = time.process_time()
    act()
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    message = _messages(at)
    for obj in held:
        obj.release()
    at = None  # the learner leaves: its session goes (the closures above name it)
    gc.collect()
    time.sleep(1)
    return {"row": row, "peak_mb": peak - max(base_peak, base_rss), "cpu_s": cpu,
            "held_mb": _rss_mb() - base_rss, "message": message}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(ROOT), help="the checkout whose pages run")
    parser.add_argument("--row", help=argparse.SUPPRESS)  # one row, in this process
    parser.add_argument("--files", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.row:
        print(json.dumps(run_row(args.row, args.root, json.loads(args.files))))
        return
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        files = _files(Path(tmp))
        print("| action | peak RSS added | server CPU | held after the session | what the page says |")
        print("|---|---|---|---|---|")
        for row in ROWS:
            out = subprocess.run([sys.executable, __file__, "--root", args.root, "--row", row, "--files",
                                  json.dumps(files)], capture_output=True, text=True, env=env)
            try:
                r = json.loads(out.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                print(f"| {row} | failed: {out.stderr.strip()[-200:]} | | | |")
                continue
            print(f"| {row} | +{r['peak_mb']:.0f} MB | {r['cpu_s']:.2f} s | {r['held_mb']:+.0f} MB | {r['message']} |",
                  flush=True)


if __name__ == "__main__":
    main()
