"""Every hostile file costs the server less than 100 MB of peak memory and 2 s of CPU, and leaves it serving.

One child Python imports what a page calls with an upload (the decoders run in the sandbox's own
children, ``ui.inputs.sandbox``), starts the sandbox, then forks once per file: each fork reads the
file, notes its peak RSS and CPU (its baseline: the loaders imported, the upload in memory), loads the
file as a page does, reports how much its peak grew and the CPU it spent, and decodes a small image
afterwards (the server still serving).  Forks keep the files apart (one file's garbage cannot hide
another's cost) without paying for a fresh interpreter per file.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.hostile.idx import idx_cases, page_idx_cases
from tests.hostile.images import image_files, issue_images, save, tricky_images
from tests.hostile.tables import csv_files
from tests.hostile.weights import weight_files

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MB = 100
LIMIT_CPU_S = 2.0

CHILD = r"""
import json, os, resource, sys
sys.path.insert(0, sys.argv[2])
from ui.inputs import sandbox, weights
from ui.inputs.csv_input import parse_table
from ui.inputs.images import decode_image
from ui.inputs.mnist_source import uploaded_digits

def read(path):
    with open(path, "rb") as f:
        return f.read()

LOADERS = {  # what the pages call with an upload
    "weights": lambda files: weights.load_upload(files[0][1]),
    "image": lambda files: decode_image(files[0][1], files[0][0], "RGB"),
    "idx": lambda files: uploaded_digits(dict(files)),
    "csv": lambda files: parse_table(files[0][1]),
}
small = read(sys.argv[3])
sandbox.start()
results = {}
for case in json.load(open(sys.argv[1])):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        files = [(name, read(path)) for name, path in case["files"]]
        start = resource.getrusage(resource.RUSAGE_SELF)
        try:
            LOADERS[case["kind"]](files)
            outcome = "loaded"
        except ValueError as exc:
            outcome = "refused: " + str(exc)
        except BaseException as exc:
            outcome = "raw " + type(exc).__name__
        end = resource.getrusage(resource.RUSAGE_SELF)
        grown = (end.ru_maxrss - start.ru_maxrss) / 1024
        cpu = end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime
        serving = decode_image(small, "ok.png").shape == (4, 4)
        os.write(w, json.dumps([grown, cpu, outcome, serving]).encode())
        os._exit(0)
    os.close(w)
    report = b"".join(iter(lambda: os.read(r, 4096), b""))
    os.close(r)
    os.waitpid(pid, 0)
    results[case["id"]] = json.loads(report) if report else [None, None, "crashed", False]
print(json.dumps(results))
"""


def _manifest(tmp_path):
    cases = []

    def add(kind, case_id, files):
        paths = []
        for i, (name, data) in enumerate(files.items()):
            path = tmp_path / f"{len(cases)}_{i}"
            path.write_bytes(data)
            paths.append((name, str(path)))
        cases.append({"id": f"{kind}:{case_id}", "kind": kind, "files": paths})

    for name, (data, _) in weight_files().items():
        add("weights", name, {"w.npz": data})
    for name, (data, _) in {**image_files(), **tricky_images(), **issue_images()}.items():
        add("image", name, {name: data})
    for name, (files, _) in {**idx_cases(), **page_idx_cases()}.items():
        add("idx", name, files)
    for name, (data, _) in csv_files().items():
        add("csv", name, {name: data})
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(cases))
    small = tmp_path / "small.png"
    small.write_bytes(save(Image.new("L", (4, 4)), "PNG"))
    return path, small, len(cases)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="measures with fork()")
def test_peak_memory_and_cpu_per_hostile_file(tmp_path):
    manifest, small, n = _manifest(tmp_path)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(manifest), str(ROOT), str(small)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=True,
    )
    results = json.loads(out.stdout)
    assert len(results) == n >= 80
    raw = {k: v for k, v in results.items() if not v[2].startswith(("loaded", "refused"))}
    assert not raw, raw
    heavy = {k: round(v[0]) for k, v in results.items() if v[0] >= LIMIT_MB}
    assert not heavy, heavy
    slow = {k: round(v[1], 2) for k, v in results.items() if v[1] >= LIMIT_CPU_S}
    assert not slow, slow
    down = [k for k, v in results.items() if not v[3]]
    assert not down, down  # every child killed by its limit left the server decoding the next file
    # the files the issue was filed for are refused, not decoded, and cost the server next to nothing
    for case in ("weights:declares_784_150000_10", "weights:zip_bomb_member", "image:sixteen_bit_5000x5000.png"):
        assert results[case][2].startswith("refused") and results[case][0] < 20, (case, results[case])
    expected = {f"image:{k}": p for k, (_, p) in issue_images().items()}
    expected.update({f"idx:{k}": p for k, (_, p) in page_idx_cases().items()})
    expected.update({f"csv:{k}": p or "loaded" for k, (_, p) in csv_files().items()})
    for case, pattern in expected.items():
        grown, cpu, outcome, _ = results[case]
        assert re.search(pattern, outcome), (case, outcome)
        assert grown < 40 and cpu < 1, (case, results[case])


# ------------------------------------------------------------------ the pages' own controls and shared uploads
PAGE_CHILD = r"""
import gc, json, os, resource, sys, time
root, action, folder = sys.argv[1:4]
sys.path.insert(0, root)
os.chdir(root)
from streamlit.testing.v1 import AppTest

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

def page(name, query=None):
    at = AppTest.from_file(os.path.join(root, "app.py"), default_timeout=300)
    at.query_params.update(query or {})
    at.run()
    at.switch_page(f"app_pages/{name}.py").run()
    return at

def measure(act):
    gc.collect()
    base, cpu = max(peak(), rss()), time.process_time()
    act()
    return peak() - base, time.process_time() - cpu

out = {}
if action == "conv":  # the costliest ordinary controls: RGB, 512 px, 100 filters, then a second layer
    at = page("convolutions")
    at.sidebar.radio[1].set_value("rgb").run()
    next(s for s in at.select_slider if s.label.startswith("working size")).set_value(512).run()
    next(s for s in at.select_slider if s.label == "filters").set_value(100).run()
    box = next(c for c in at.checkbox if "second" in c.label)
    out["grown"], out["cpu"] = measure(lambda: box.check().run())
    out["said"] = [e.value for e in at.error]
    out["grids"] = len([c for c in at.get("plotly_chart") if "click to explain" not in c.proto.spec])  # not the picker
elif action == "linear":  # a 4,900-row CSV under the loss surface, and a later run of the page
    at = page("linear_regression", {"data": "csv"})
    data = open(os.path.join(folder, "regression.csv"), "rb").read()
    up = at.sidebar.file_uploader(key="lin_csv")
    out["grown"], out["cpu"] = measure(lambda: (up.set_value(("r.csv", data, "text/csv")).run(), at.run()))
    out["said"] = [e.value for e in at.error]
else:  # two learners upload the same full-size MNIST, then both leave
    files = json.load(open(os.path.join(folder, "mnist.json")))
    files = [(name, open(path, "rb").read(), "application/gzip") for name, path in files]
    learners = [page("mnist"), page("mnist")]
    gc.collect()
    base = rss()
    grown = []
    for at in learners:
        at.sidebar.radio(key="mn_source").set_value("upload").run()
        before = rss()
        at.sidebar.file_uploader(key="mn_idx").set_value(files).run()
        grown.append(rss() - before)
    a, b = (at.session_state["mn:run"].task.data[0] for at in learners)
    out["shared"] = a.bytes is b.bytes
    out["dtype"] = str(a.bytes.dtype)
    del a, b
    from ui.inputs.mnist_source import uploaded_digits
    for at in learners:  # what sessions.sweep does once each session is gone for good
        at.session_state["mn:run"].release()
        at.session_state["mn:upload"][1].release()
    from ui.shell.sessions import give_back_memory
    give_back_memory()
    out["grown"], out["held"] = grown, rss() - base
    out["alive"] = [ref() is not None for ok, ref in uploaded_digits._entries.values() if ok]
print(json.dumps(out))
"""


def _page_action(tmp_path, action: str) -> dict:
    from tests.hostile.idx import zero_sets
    from tests.hostile.tables import regression_rows

    (tmp_path / "regression.csv").write_bytes(regression_rows())
    paths = []
    for i, (name, data) in enumerate(zero_sets(60_000, 10_000).items() if action == "mnist" else ()):
        (tmp_path / f"idx{i}").write_bytes(data)
        paths.append((name, str(tmp_path / f"idx{i}")))
    (tmp_path / "mnist.json").write_text(json.dumps(paths))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", PAGE_CHILD, str(ROOT), action, str(tmp_path)],
                         capture_output=True, text=True, env=env, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("action", ["conv", "linear"])
def test_the_costliest_ordinary_controls_stay_within_the_budget(tmp_path, action):
    """Issue 22: a second layer over 100 filters at 512 px took 2.26 GB a rerun, a 4,900-row CSV under the
    linear regression's loss surface 288 MB; both are now worked out in bands of at most 64 MB."""
    result = _page_action(tmp_path, action)
    assert result["grown"] < LIMIT_MB, result
    assert not result["said"], result  # no refusal: the work was split, not turned down
    assert result.get("grids", 2) == 2, result  # both feature-map grids are drawn


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the sandbox forks")
def test_an_uploaded_mnist_is_held_once_and_freed_when_its_learners_leave(tmp_path):
    """Issue 22: two decoded sets stayed in the upload cache after every tab closed (1.24 GB).  The set
    is held as its files' bytes (55 MB; as float32 it was 220 MB), read as floats a batch at a time."""
    result = _page_action(tmp_path, "mnist")
    first, second = result["grown"]
    assert 40 < first < 100 and second < 30, result  # 55 MB of pixels once; the second learner shares them
    assert result["shared"] and result["dtype"] == "uint8", result
    assert result["alive"] == [False] and result["held"] < 40, result  # given back once both are gone


TICK_CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from ui.live import frames
from ui.live.harness import LiveRun
from ui.live.pacing import Governor, Turns
from ui.setups import playground as pg

s = {**pg.FORM.defaults, "layers": [(256, "tanh")] * 6, "n": 2000, "batch": 1}
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
run = LiveRun(lambda: pg.PlaygroundTask(s), "t", governor=Governor(), turns=Turns(sleep=None))
run.command(None)  # the page's own run: the task is built, a first picture taken
for i, do in enumerate(["play", "tick", "tick"], 1):
    frames.decode(run.command({"do": do, "id": i, "seen": i - 1, "have": {"series": run.series}}))
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base))
"""


def test_a_tick_of_the_widest_playground_stays_within_the_budget():
    """Issue 22: a tick of six layers of 256 pictured each layer over the whole 100 x 100 grid at once
    (+184 MB); only the neurons the diagram shows are kept now, a slice of the grid at a time.  (The
    network, its optimizer's state and its data are counted too.)"""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", TICK_CHILD, str(ROOT)], capture_output=True, text=True, env=env,
                         timeout=600, check=True)
    assert float(out.stdout.strip().splitlines()[-1]) < LIMIT_MB
