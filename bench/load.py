"""A class on Backprop Lab: browser-less learners playing the playground through HAProxy.

    python bench/load.py                          # 2 replicas (one per core), 10 25 50 100 200 learners
    python bench/load.py --learners 50 --seconds 20 --replicas 2
    python bench/load.py --url http://host:8501   # a deployment already running (no CPU/RSS figures)

Each learner (``bench/learners.py``) speaks Streamlit's websocket protocol, presses Play on the
playground's canvas and asks for each next tick as ``static/live/live.js`` does.  For every
number of learners it prints one Markdown table row, counted once every learner has its first
frame: frames (answered ticks) and pictures (snapshots, what the canvas paints) per second per
learner, median and 5th percentile (pictures: and the fewest any learner got), and all together;
epochs trained per second per learner (each learner's rates from its first frame in the counted
window to its last: ``Tally.rates``);
learners with errors or turned away (server full); CPU and RSS of each replica; RSS added per
session.  Loopback only; every row is bounded in time, and the replicas and HAProxy are stopped
at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.learners import Learner, crowd  # noqa: E402
from deploy.cluster import Cluster  # noqa: E402

WARMUP = 2.0  # s after every learner has its first frame, before counting
START_LIMIT = 60.0  # s: learners still without a frame by then are counted as they are


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def row(url: str, n: int, seconds: float, pids: dict[str, int]) -> dict:
    """``n`` learners, counted over ``seconds`` once every one has its first frame (or was turned
    away), with the replicas' CPU and RSS around it."""
    ramp = min(0.05, 5.0 / n)  # at most 5 s for everyone to open the page
    learners = [Learner(url) for _ in range(n)]
    rss0 = {name: rss_mb(pid) for name, pid in pids.items()}
    sample = {}

    async def probe():
        # a class opening the page together is a burst of full page runs (~0.14 s of CPU each):
        # count from when it is over
        await asyncio.sleep(n * ramp)
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline and not all(x.tally.ticks or x.tally.refused for x in learners):
            await asyncio.sleep(0.2)
        await asyncio.sleep(WARMUP)
        sample["t0"] = time.monotonic()
        sample["cpu0"] = {name: cpu_seconds(pid) for name, pid in pids.items()}
        sample["self0"] = time.process_time()
        for x in learners:
            x.until = sample["t0"] + seconds
        await asyncio.sleep(seconds - 0.05)
        sample["cpu1"] = {name: cpu_seconds(pid) for name, pid in pids.items()}
        sample["self1"] = time.process_time()
        sample["rss1"] = {name: rss_mb(pid) for name, pid in pids.items()}

    await asyncio.gather(crowd(learners, float("inf"), ramp), probe())
    t0 = sample["t0"]
    span = seconds
    stats = [x.tally.rates(t0, t0 + span) for x in learners if not x.tally.refused]
    where = Counter(x.tally.replicas[-1] if x.tally.replicas else "?" for x in learners if not x.tally.refused)
    out = {
        "n": n,
        "frames": [s[0] for s in stats] or [0.0],
        "pictures": [s[1] for s in stats] or [0.0],
        "epochs": [s[2] for s in stats] or [0.0],
        "errors": [e for x in learners for e in x.tally.errors],
        "with_errors": sum(bool(x.tally.errors) for x in learners),
        "refused": sum(bool(x.tally.refused) for x in learners),
        "stopped": sum(bool(x.tally.stopped) for x in learners),
        "where": where,
        "load_cpu": (sample["self1"] - sample["self0"]) / span,
    }
    if pids:
        out["cpu"] = {k: (sample["cpu1"][k] - sample["cpu0"][k]) / span for k in pids}
        out["rss"] = sample["rss1"]
        grown = [sample["rss1"][k] - rss0[k] for k in pids if where.get(k)]
        out["per_session"] = sum(grown) / max(1, sum(where.get(k, 0) for k in pids))
    return out


def show(r: dict) -> str:
    """One Markdown table row (the README's table is pasted from these)."""
    fr, pi, ep = r["frames"], r["pictures"], r["epochs"]
    cells = [
        f"{r['n']}",
        f"{statistics.median(fr):.2f} / {pct(fr, 0.05):.2f}",
        f"{sum(fr):.1f}",
        f"{statistics.median(pi):.1f} / {pct(pi, 0.05):.1f} / {min(pi):.1f}",
        f"{statistics.median(ep):.1f}",
        f"{r['with_errors']}",
        f"{r['refused']}",
    ]
    if "cpu" in r:
        cells += [f"{r['cpu'][k]:.0%}, {r['rss'][k]:.0f} MB" for k in sorted(r["cpu"])]
        cells.append(f"{r['per_session']:.1f}")
    cells.append(f"{r['load_cpu']:.0%}")
    lines = ["| " + " | ".join(cells) + " |"]
    if r["stopped"]:
        lines.append(f"  ({r['stopped']} learners reached the epoch budget and stopped)")
    lines += [f"  error: {e}" for e in sorted(set(r["errors"]))[:5]]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 25, 50, 100, 200])
    parser.add_argument("--seconds", type=float, default=15.0, help="steady play counted per row")
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--url", help="a deployment already running (default: start replicas + HAProxy here)")
    parser.add_argument("--rest", type=float, default=5.0, help="s between rows")
    args = parser.parse_args(argv)
    cluster = None if args.url else Cluster(args.replicas).start()
    try:
        url = args.url or cluster.url
        pids = {r.name: r.proc.pid for r in cluster.replicas} if cluster else {}
        print(f"playground at default settings through {'HAProxy, ' + str(args.replicas) + ' replicas' if cluster else url}"
              f", {args.seconds:g} s counted per row, {os.cpu_count()} cores\n")  # fmt: skip
        head = ["learners", "frames/s each (med / p5)", "frames/s total", "pictures/s each (med / p5 / min)",
                "epochs/s each (med)", "with errors", "turned away"]  # fmt: skip
        head += [f"{k} CPU, RSS" for k in sorted(pids)] + (["MB per session"] if pids else []) + ["load generator CPU"]
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head), flush=True)
        totals = []
        for n in args.learners:
            r = asyncio.run(row(url, n, args.seconds, pids))
            print(show(r), flush=True)
            totals.append(sum(r["frames"]))
            time.sleep(args.rest)
        peak = max(totals)
        after = totals[totals.index(peak):]
        print(f"\nframes/s delivered in all: peak {peak:.1f}; from the peak on, never below {min(after) / peak:.0%} of it")
        if pids:
            print("RSS after the last row's learners left: "
                  + ", ".join(f"{k} {rss_mb(p):.0f} MB" for k, p in sorted(pids.items())))  # fmt: skip
    finally:
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    main()
