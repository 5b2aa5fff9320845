"""A class at its costliest on one replica: what each command costs, a flooding client against a
polite one, one browser's fifth tab, and 40 learners at the heaviest settings for a bounded time.

    python bench/soak.py                       # 40 learners, 60 s of soak
    python bench/soak.py --learners 40 --seconds 600
    python bench/soak.py --parts soak --malloc-arenas 2   # the soak alone, glibc keeping 2 arenas

One replica behind HAProxy (``deploy.cluster``); the learners are ``bench/learners.py``'s, speaking
Streamlit's own protocol.  The heaviest ordinary settings, in the URL as a learner could type them:
MNIST with four hidden layers of 512 and batches of 10, the CNN at its most filters, the playground
at six layers of 256 on 2000 points, batch 1.  It prints, as Markdown:

1. **Costs**: the replica's CPU seconds for each command alone on the idle replica (page open,
   Play, a tick, Step, Pause, Reset).  Target: none above 2 s.
2. **Flood**: the replica's CPU while one learner plays alone, asking for each tick as
   ``static/live/live.js`` does, then while one asks for the next tick as soon as a frame arrives,
   then one pressing Step as soon as a Step is answered.  Target: a flooder gets no more CPU than a
   polite learner.
3. **Tabs**: one browser (one cookie jar, with Streamlit's XSRF cookie) opening five tabs: the fifth
   is told why it is turned away.
4. **Soak**: ``--learners`` learners, a quarter each on MNIST playing, MNIST pressing Step about once
   a second, the CNN playing and the playground playing: peak RSS, the replica still up, errors
   shown, learners turned away (and why), frames per learner.

Targets are a benchmark's, not timed tests'.  Loopback only; every phase is bounded in time and the
replica and HAProxy are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.learners import Learner, crowd  # noqa: E402
from bench.load import cpu_seconds, rss_mb  # noqa: E402
from deploy.cluster import Cluster  # noqa: E402

HEAVY = {  # (page, canvas key, URL query)
    "mnist": ("mnist", "mn", "layers=512,512,512,512&batch=10&epochs=200&speed=50"),
    "cnn": ("cnn", "cnn", "c1=16&k1=7&c2=32&k2=5&batch=10&epochs=50&speed=10"),
    "playground": ("playground", "pg",
                   "layers=256,256,256,256,256,256&n=2000&batch=1&lr=0.001&epochs=5000&speed=200"),
}
THINK = 1.0  # s a person takes between two clicks on Step
FLOOD_SECONDS = 12.0  # s each client of the flood phase plays alone
START_LIMIT = 120.0  # s for a page to answer its first command


class Stepper(Learner):
    """Presses Step, and again ``think`` seconds after each answer (0: at once, a flood of Steps)."""

    first = "step"

    def __init__(self, *args, think: float = THINK, **kw):
        super().__init__(*args, **kw)
        self.think = think

    def _answered(self, f, now):
        self.next_at, self.next_what = now + self.think, "step"


class Flooder(Learner):
    """Plays, and asks for the next tick as soon as a frame arrives (no ``interval``)."""

    def _answered(self, f, now):
        super()._answered(f, now)
        if self.playing:
            self.next_at = now


class Scripted(Learner):
    """Sends ``script``'s commands one at a time, ``pause`` s after each answer, noting the replica's
    CPU seconds and the wall time each one took (the first is the page's own run)."""

    def __init__(self, *args, script: list[str], pid: int, pause: float = 1.5, **kw):
        super().__init__(*args, **kw)
        self.script, self.pid, self.pause = list(script), pid, pause
        self.costs: list[tuple[str, float, float]] = []
        self.first = self.script.pop(0)
        self._mark = (cpu_seconds(pid), time.monotonic())

    async def _command(self, what, again=0):
        if not again:
            self._mark = (cpu_seconds(self.pid), time.monotonic())
        await super()._command(what, again)

    def _frame(self, f):
        if not self.pressed:  # the page's first frame: what opening it cost
            self.costs.append(("open the page", cpu_seconds(self.pid) - self._mark[0], time.monotonic() - self._mark[1]))
        elif self.pending and f["ack"] >= self.pending:
            self.costs.append((self.sent_what, cpu_seconds(self.pid) - self._mark[0], time.monotonic() - self._mark[1]))
        super()._frame(f)

    def _answered(self, f, now):
        self.playing = f["playing"]
        if self.script:
            self.next_at, self.next_what = now + self.pause, self.script.pop(0)
        else:
            self.until = now  # done


async def costs(url: str, pid: int) -> list[tuple[str, str, float, float]]:
    """Each heavy page's commands one at a time on the idle replica: (page, command, CPU s, wall s)."""
    out = []
    for name, (page, key, query) in HEAVY.items():
        x = Scripted(url, page, key, query, script=["play", "tick", "tick", "pause", "step", "step", "reset"], pid=pid)
        await x.run(time.monotonic() + START_LIMIT)
        out += [(name, what, cpu, wall) for what, cpu, wall in x.costs]
        out += [(name, f"error: {e}", float("nan"), float("nan")) for e in x.tally.errors]
        if x.tally.refused:
            out.append((name, f"turned away: {x.tally.refused}", float("nan"), float("nan")))
    return out


async def alone(url: str, pid: int, learner: Learner, seconds: float) -> tuple[float, int, float]:
    """``learner`` alone on the replica for ``seconds`` once its page is up: the replica's CPU share,
    the learner's frames, the epochs it trained, and what stopped it or turned it away."""
    task = asyncio.create_task(learner.run(float("inf")))
    deadline = time.monotonic() + START_LIMIT
    while not learner.tally.ticks and time.monotonic() < deadline and not task.done():
        await asyncio.sleep(0.2)
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(seconds)
    share = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
    learner.until = 0.0
    await task
    frames, _, epochs = learner.tally.between(t0, t0 + seconds)
    await asyncio.sleep(3.0)  # its last answers, then a quiet replica for the next
    return share, frames, epochs, learner.tally.refused or "; ".join(learner.tally.errors)[:120]


def xsrf_cookies(url: str) -> dict[str, str]:
    """The cookies a browser holds after the frontend's first health check (Streamlit's XSRF cookie)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", "/_stcore/health")
        resp = conn.getresponse()
        resp.read()
        return {h.split(";", 1)[0].split("=", 1)[0]: h.split(";", 1)[0].split("=", 1)[1]
                for h in resp.headers.get_all("Set-Cookie") or []}
    finally:
        conn.close()


async def tabs(url: str, n: int = 5) -> list[str]:
    """``n`` tabs of one browser, opened one after another on the playground: what each was told."""
    jar = xsrf_cookies(url)
    learners, tasks = [], []
    for _ in range(n):
        x = Learner(url)
        x.cookies = dict(jar)
        learners.append(x)
        tasks.append(asyncio.create_task(x.run(time.monotonic() + 30)))
        deadline = time.monotonic() + 30
        while not (x.tally.ticks or x.tally.refused) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    for x in learners:
        x.until = 0.0
    await asyncio.gather(*tasks)
    await asyncio.sleep(2.0)
    return [x.tally.refused or ("playing" if x.tally.ticks else "no frame") for x in learners]


async def soak(url: str, pid: int, n: int, seconds: float) -> dict:
    """``n`` learners at the heaviest settings for ``seconds`` (from when the last one opened its page)."""
    kinds = ["mnist", "mnist step", "cnn", "playground"]
    learners = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        page, key, query = HEAVY[kind.split()[0]]
        cls = Stepper if kind.endswith("step") else Learner
        learners.append((kind, cls(url, page, key, query)))
    rss, stop = [], asyncio.Event()

    async def sample():
        while not stop.is_set():
            rss.append(rss_mb(pid))
            await asyncio.sleep(0.5)

    ramp = 0.25
    end = time.monotonic() + n * ramp + seconds
    sampler = asyncio.create_task(sample())
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    await crowd([x for _, x in learners], end, ramp)
    cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
    stop.set()
    await sampler
    return {"learners": learners, "rss": rss, "cpu": cpu, "t0": t0 + n * ramp, "seconds": seconds}


def peak_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _counted(reasons) -> str:
    """"3 (why), 1 (why else)" for the reasons given (empty ones left out), or "0"."""
    return ", ".join(f"{v} ({k})" for k, v in Counter(r for r in reasons if r).items()) or "0"


def report_soak(r: dict, alive: bool, pid: int) -> None:
    print(f"\n### Soak: {len(r['learners'])} learners, {r['seconds']:g} s after the last opened its page\n")
    print(f"replica {'still serving' if alive else 'DIED'}; RSS peak {peak_rss(pid) if alive else max(r['rss']):.0f} MB "
          f"(sampled max {max(r['rss']):.0f} MB, at the end {r['rss'][-1]:.0f} MB); replica CPU {r['cpu']:.0%}\n")
    print("| learners | turned away | with errors | stopped by the server | frames each in the window (min / median / max) |")
    print("|---|---|---|---|---|")
    t0, t1 = r["t0"], r["t0"] + r["seconds"]
    for kind in dict.fromkeys(k for k, _ in r["learners"]):
        group = [x for k, x in r["learners"] if k == kind]
        inside = [x for x in group if not x.tally.refused]
        counts = [x.tally.between(t0, t1)[0] for x in inside] or [0]
        away = _counted(x.tally.refused for x in group)
        stopped = _counted(x.tally.stopped[:60] for x in group)
        print(f"| {kind} ({len(group)}) | {away} | {sum(bool(x.tally.errors) for x in group)} | {stopped} | "
              f"{min(counts)} / {statistics.median(counts):g} / {max(counts)} |")
    errors = sorted({e for _, x in r["learners"] for e in x.tally.errors})
    for e in errors[:8]:
        print(f"  error: {e}")


ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def replica() -> Cluster:
    """A fresh replica behind HAProxy (a closed tab's model is kept for Streamlit's session TTL, so
    each part starts from an empty replica rather than the last part's leftovers)."""
    return Cluster(1, env=ENV)


async def part_tabs_and_costs() -> None:
    with replica() as cluster:
        url, pid = cluster.url, cluster.replicas[0].proc.pid
        print(f"one replica through HAProxy; RSS at start {rss_mb(pid):.0f} MB\n")
        print("### One browser, five tabs\n")
        for i, said in enumerate(await tabs(url), 1):
            print(f"- tab {i}: {said}")
        print("\n### What one command costs on the idle replica (target: under 2 s of CPU)\n")
        print("| page (heaviest settings) | command | replica CPU s | wall s |\n|---|---|---|---|")
        for page, what, cpu, wall in await costs(url, pid):
            print(f"| {page} | {what} | {cpu:.2f} | {wall:.2f} |", flush=True)


async def part_flood() -> None:
    with replica() as cluster:
        url, pid = cluster.url, cluster.replicas[0].proc.pid
        print("\n### A flooding client against a polite one, each alone on the replica "
              f"({FLOOD_SECONDS:g} s; target: the flooder gets no more CPU)\n")
        print("| page | client | replica CPU | frames | epochs trained | stopped by |\n|---|---|---|---|---|---|")
        for name in ("playground", "mnist"):
            page, key, query = HEAVY[name]
            for who, x in (("polite (live.js)", Learner(url, page, key, query)),
                           ("flooder (next tick at once)", Flooder(url, page, key, query)),
                           ("Step at once after each answer", Stepper(url, page, key, query, think=0.0))):
                share, frames, epochs, why = await alone(url, pid, x, FLOOD_SECONDS)
                print(f"| {name} | {who} | {share:.0%} | {frames} | {epochs:.2f} | {why} |", flush=True)


async def part_soak(learners: int, seconds: float) -> None:
    with replica() as cluster:
        r = await soak(cluster.url, cluster.replicas[0].proc.pid, learners, seconds)
        report_soak(r, cluster.replicas[0].alive(), cluster.replicas[0].proc.pid)


async def main_async(args) -> None:
    if "costs" in args.parts:
        await part_tabs_and_costs()
    if "flood" in args.parts:
        await part_flood()
    if "soak" in args.parts:
        await part_soak(args.learners, args.seconds)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60.0, help="soak time once every learner has opened a page")
    parser.add_argument("--parts", nargs="+", choices=("costs", "flood", "soak"), default=["costs", "flood", "soak"],
                        help="costs: one browser's tabs and each command's cost; flood; soak")
    parser.add_argument("--malloc-arenas", type=int, help="MALLOC_ARENA_MAX for the replicas (glibc's default: 8 a core)")
    args = parser.parse_args(argv)
    if args.malloc_arenas:
        ENV["MALLOC_ARENA_MAX"] = str(args.malloc_arenas)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
