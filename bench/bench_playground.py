"""Ticks per second of the playground's live step: train one tick's chunk + recompute the 100x100 boundary.

Uses the page's own defaults and code (ui.playground_setup), spiral data, [8, 8] tanh, 5 epochs a tick.
Also reports the figure-building time a tick adds on the page (plotly, no browser).
"""

from __future__ import annotations

import argparse
import time

import _threads  # first: sets BLAS threads before NumPy loads

from ui import charts
from ui import playground_setup as pg


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=60)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    s = pg.from_query({"data": "spiral"})
    data = pg.make_data(s)
    model = pg.make_model(s, data.X_train.shape[1], 2)
    model.partial_fit(data.X_train, data.y_train, 0, data.X_test, data.y_test)
    t_train = t_bound = t_fig = 0.0
    for _ in range(args.ticks):
        t0 = time.perf_counter()
        pg.tick(model, data, s, budget=None)
        t1 = time.perf_counter()
        xs, ys, probs, _ = pg.boundary(model, data)
        t2 = time.perf_counter()
        charts.decision_boundary(
            xs, ys, probs, data.P_train, data.y_train, data.P_test, data.y_test
        ).to_json()
        t3 = time.perf_counter()
        t_train, t_bound, t_fig = t_train + t1 - t0, t_bound + t2 - t1, t_fig + t3 - t2
    n = args.ticks
    tick = (t_train + t_bound) / n
    print(
        f"playground tick: spiral, {s['layers']} {s['acts'][0]}, {s['speed']} epochs/tick, "
        f"{len(data.X_train)} training points, {_threads.THREADS} thread(s), {n} ticks"
    )
    print(
        f"  train chunk {t_train / n * 1000:.1f} ms + boundary {t_bound / n * 1000:.1f} ms = {tick * 1000:.1f} ms"
        f"  -> {1 / tick:.0f} ticks/s (goal >= 5)"
    )
    print(
        f"  + boundary figure {t_fig / n * 1000:.1f} ms -> {1 / (tick + t_fig / n):.0f} ticks/s with the figure"
    )
    return 1 / tick


if __name__ == "__main__":
    main()
