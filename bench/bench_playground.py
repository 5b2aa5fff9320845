"""The server's side of one live tick of the playground (spiral, the page's defaults), no browser.

A tick trains the chunk the pace allows, takes a snapshot after each piece (the 80 x 80 plane,
the neuron maps, metrics) and encodes one binary frame.  For comparison, the same views as the
plotly figures the page sent before the live canvas: the boundary, loss and accuracy charts, the
network diagram and the activation maps, serialised to JSON as Streamlit sends them.
"""

from __future__ import annotations

import argparse
import time

import _threads  # first: sets BLAS threads before NumPy loads
import numpy as np

from ui.charts import plots
from ui.live import frames
from ui.live.harness import LiveRun
from ui.live.pacing import Governor
from ui.setups import playground as pg


def plotly_update(task: pg.PlaygroundTask) -> int:
    """Bytes of the plotly figures (JSON) one update of the old page sent: the boundary, the loss and
    accuracy charts and the network diagram (a lower bound: it also sent activation maps and two
    diagnostic charts)."""
    d, m, plane = task.d, task.model, task.plane
    n = plane.n
    probs = m.predict_proba(task.grid_inputs).reshape(n, n, -1)
    x0, x1, y0, y1 = plane.extent
    h = m.history_
    figs = [
        plots.decision_boundary(np.linspace(x0, x1, n), np.linspace(y0, y1, n), probs, d.P_train, d.y_train,
                                 d.P_test, d.y_test),
        plots.curves(h["epoch"], {"train": h["train_loss"], "test": h["test_loss"]}, log_y=True),
        plots.curves(h["epoch"], {"train": h["train_acc"], "test": h["test_acc"]}),
        plots.network_diagram(m.layer_sizes, m.weights_),
    ]
    return sum(len(f.to_json()) for f in figs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    s = pg.FORM.from_query({"data": "spiral"})
    run = LiveRun(lambda: pg.PlaygroundTask(s), "bench", governor=Governor())
    run.command({"do": "play", "id": 1, "have": {}})
    have = lambda: {"series": run.series, "curves": {k: len(x) for k, (x, _) in run.task.curves().items()}}  # noqa: E731
    t_tick = t_fig = 0.0
    frame_bytes = fig_bytes = 0
    for i in range(2, args.ticks + 2):
        t0 = time.perf_counter()
        frame = run.command({"do": "tick", "id": i, "have": have()})
        t1 = time.perf_counter()
        fig_bytes += plotly_update(run.task)
        t2 = time.perf_counter()
        t_tick, t_fig = t_tick + t1 - t0, t_fig + t2 - t1
        frame_bytes += len(frame)
    n = args.ticks
    snaps = len(frames.decode(frame)["snaps"])
    print(
        f"playground live tick: spiral, {[u for u, _ in s['layers']]} tanh, {s['speed']} epochs/s, "
        f"{len(run.task.d.X_train)} training points, {_threads.THREADS} thread(s), {n} ticks"
    )
    print(
        f"  tick (train + {snaps} snapshots + frame) {t_tick / n * 1000:6.1f} ms, {frame_bytes / n / 1000:5.1f} kB "
        f"-> {snaps} pictures"
    )
    print(
        f"  plotly figures for 1 picture        {t_fig / n * 1000:6.1f} ms, {fig_bytes / n / 1000:5.1f} kB"
    )
    print(
        f"  per picture: live {t_tick / n / snaps * 1000:.1f} ms and {frame_bytes / n / snaps / 1000:.1f} kB vs plotly "
        f"{t_fig / n * 1000:.1f} ms and {fig_bytes / n / 1000:.1f} kB "
        f"(x{(t_fig / n) / (t_tick / n / snaps):.0f} time, x{(fig_bytes / n) / (frame_bytes / n / snaps):.0f} bytes)"
    )
    print(f"  epoch reached {run.task.model.epoch_:.0f}")
    return t_tick / n


if __name__ == "__main__":
    main()
