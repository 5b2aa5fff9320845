"""Where one learner's CPU goes at the full pace: ms of CPU per second of play, part by part.

    python bench/breakdown.py                 # 30 s of simulated play, then the Streamlit rerun
    python bench/breakdown.py --seconds 60 --no-rerun

Drives the playground's live task at its default settings (``ui.setups.playground``, a
``ui.live.harness.LiveRun`` with a fresh ``Governor``: a lone learner's pace) through Play and the
ticks that follow, without waiting between them: the pace's intervals add up to the seconds of play
simulated.  Every part of a tick is timed with ``time.thread_time`` (CPU, so other processes on the
machine do not count), each without the parts it calls:

* training steps - the mini-batch loop (``Sequential._train``) without the guard
* guard: steps / rows - the guard's look at a step (``_monitor``) and its rows of running means (``_close_row``)
* history points - the loss and accuracy on the training and test sets after each piece (``_record``)
* checks - ``partial_fit`` itself: the settings and the data checked at each call
* snapshots - the network over the plane's grid (``layer_outputs``), the field and neuron maps as
  uint8, the rest of a snapshot (weights, confusion matrix, metrics), the marks Pause goes back to
* curves - the series a frame sends, and their counts
* frame: header and arrays / deflate - ``ui.live.frames.encode`` and its ``zlib.compress``
* harness and pace - what ``LiveRun.command`` spends beyond all of those
* timers - this script's own wrappers (counted calls times their measured cost)
* Streamlit rerun - measured apart, with ``streamlit.testing`` (AppTest) running the page's live
  fragment alone for Play and ticks, as the browser's commands do: the CPU of the thread that runs the script, per tick, less what
  ``LiveRun.command`` took inside it, times the ticks a second of play has.  The server also sends
  the frame over its websocket (not here); the whole AppTest process, printed below the table, adds
  AppTest reading the elements back (``Governor.overhead`` measures the real server's, live).
"""

from __future__ import annotations

import argparse
import sys
import time
import types
from collections import defaultdict
from pathlib import Path

import _threads  # first: sets BLAS threads before NumPy loads

from engine.sequential import Sequential
from ui.live import frames, harness, network_views
from ui.live.harness import LiveRun
from ui.live.pacing import Governor, Turns
from ui.setups import playground as pg


class Parts:
    """CPU seconds (``time.thread_time``) per named part; a part's time leaves out the wrapped parts it calls."""

    def __init__(self):
        self.cpu = defaultdict(float)
        self.calls = 0
        self._inner = []  # per open call: the time its wrapped callees took

    def timed(self, part: str, fn):
        def wrapper(*args, **kwargs):
            self.calls += 1
            t0 = time.thread_time()
            self._inner.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - t0
                self.cpu[part] += spent - self._inner.pop()
                if self._inner:
                    self._inner[-1] += spent

        return wrapper

    def wrap(self, owner, name: str, part: str) -> None:
        setattr(owner, name, self.timed(part, getattr(owner, name)))

    def clear(self) -> None:
        self.cpu.clear()
        self.calls = 0


def wrap_parts(parts: Parts) -> None:
    """Put the timers on every part named in the module's docstring (for this process only)."""
    for owner, name, part in [
        (Sequential, "_train", "training steps"),
        (Sequential, "_monitor", "guard: steps"),
        (Sequential, "_close_row", "guard: rows"),
        (Sequential, "_record", "history points"),
        (Sequential, "partial_fit", "checks (partial_fit)"),
        (Sequential, "layer_outputs", "snapshot: network over the grid"),
        (pg, "picture_outputs", "snapshot: network over the grid"),  # (issue 21: the same in float32)
        (network_views.Plane, "classes", "snapshot: field to uint8"),
        (pg, "layer_maps", "snapshot: neuron maps"),
        (pg.PlaygroundTask, "snapshot", "snapshot: the rest"),
        (network_views.NetworkTask, "mark", "snapshot: marks for Pause"),
        (network_views.NetworkTask, "curves", "curves"),
        (network_views.NetworkTask, "curve_counts", "curves"),
        (harness.frames, "encode", "frame: header and arrays"),
        (LiveRun, "command", "harness and pace"),
    ]:
        if hasattr(owner, name):  # (the parts of the code before issue 21 are timed as well)
            parts.wrap(owner, name, part)
    frames.zlib = types.SimpleNamespace(compress=parts.timed("frame: deflate", frames.zlib.compress),
                                        decompress=frames.zlib.decompress)


def timer_cost(parts: Parts, n: int = 20000) -> float:
    """CPU seconds one wrapper adds to a call (measured on an empty function, then forgotten)."""
    empty = parts.timed("calibration", lambda: None)
    t0 = time.thread_time()
    for _ in range(n):
        empty()
    cost = (time.thread_time() - t0) / n
    parts.clear()
    return cost


def play(seconds: float, parts: Parts, warmup: float = 3.0) -> dict:
    """Play the default playground for ``warmup`` + ``seconds`` simulated seconds; the parts' CPU of the last ``seconds``."""
    now = [0.0]
    s = pg.FORM.from_query({})
    run = LiveRun(lambda: pg.PlaygroundTask(s), "bench", governor=Governor(clock=lambda: now[0]),
                  turns=Turns(clock=lambda: now[0], sleep=None))

    def have():
        return {"series": run.series, "curves": run.task.curve_counts()}

    run.command({"do": "play", "id": 1, "have": {}})
    now[0] += run.interval
    i, start, pictures, epoch0 = 1, None, 0, 0.0
    while start is None or now[0] - start < seconds:
        if start is None and now[0] >= warmup:
            start, epoch0 = now[0], run.task.model.epoch_
            parts.clear()
        i += 1
        frame = run.command({"do": "tick", "id": i, "have": have()})
        if start is not None:
            pictures += len(frames.decode(frame)["snaps"])
        now[0] += run.interval
    played = now[0] - start
    return {"played": played, "cpu": dict(parts.cpu), "calls": parts.calls, "ticks_per_s": (i - 1) / now[0],
            "pictures_per_s": pictures / played, "epochs_per_s": (run.task.model.epoch_ - epoch0) / played,
            "interval": run.interval}


def rerun_cost(ticks: int) -> tuple[float, float]:
    """CPU seconds per tick of the playground's live fragment that Streamlit spends beyond ``LiveRun.command``
    (AppTest, median of ``ticks``): in the thread that runs the script, and in the whole process (which
    adds AppTest's own reading of what the script sent: an upper bound)."""
    import functools
    import json

    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.testing.v1 import AppTest, local_script_runner

    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/playground.py").run()
    inside = {"command": 0.0, "script": 0.0}
    saved = LiveRun.command, ScriptRunner._run_script

    def timed(key, fn):
        def wrapper(*args, **kwargs):
            t0 = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                inside[key] += time.thread_time() - t0

        return wrapper

    LiveRun.command, ScriptRunner._run_script = timed("command", saved[0]), timed("script", saved[1])
    # as the browser's commands do, rerun only the live fragment (the page has one)
    (fragment,) = at._fragment_storage._fragments
    local_script_runner.RerunData = functools.partial(RerunData, fragment_id_queue=[fragment],
                                                      is_fragment_scoped_rerun=True)
    try:
        thread, process = [], []
        for i in range(ticks + 1):
            run = at.session_state["pg:run"]
            canvas = next(e for e in at.get("bidi_component") if e.proto.id.endswith("pg:canvas"))
            payload = {"do": "play" if i == 0 else "tick", "id": run.acked + 1,
                       "have": {"series": run.series, "curves": run.task.curve_counts()}}
            trigger = WidgetState(id=_make_trigger_id(canvas.proto.id, "events"),
                                  json_trigger_value=json.dumps([{"event": "cmd", "value": payload}]))
            states = at._tree.get_widget_states()
            states.widgets.append(trigger)
            inside.update(command=0.0, script=0.0)
            c0 = time.process_time()
            at._run(states)
            if i:  # Play builds the layout: a tick is what repeats
                thread.append(inside["script"] - inside["command"])
                process.append(time.process_time() - c0 - inside["command"])
            assert not at.exception, [e.value for e in at.exception]
    finally:
        LiveRun.command, ScriptRunner._run_script = saved
        local_script_runner.RerunData = RerunData
    return sorted(thread)[len(thread) // 2], sorted(process)[len(process) // 2]


def table(result: dict, rerun: float | None, per_call: float) -> list[tuple[str, float]]:
    """``[(part, ms of CPU per second of play), ...]`` with the total last."""
    played = result["played"]
    rows = [(part, cpu / played * 1000) for part, cpu in result["cpu"].items()]
    rows.append(("timers (this script's)", result["calls"] * per_call / played * 1000))
    if rerun is not None:
        rows.append(("Streamlit rerun (script thread)", rerun[0] * result["ticks_per_s"] * 1000))
    rows.sort(key=lambda r: -r[1])
    return rows + [("total", sum(ms for _, ms in rows))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of play simulated (after 3 s of warm-up)")
    parser.add_argument("--rerun-ticks", type=int, default=15, help="ticks run through AppTest for the rerun's cost")
    parser.add_argument("--no-rerun", action="store_true", help="skip the Streamlit rerun (AppTest takes a while)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    rerun = None if args.no_rerun else rerun_cost(args.rerun_ticks)
    parts = Parts()
    wrap_parts(parts)
    per_call = timer_cost(parts)
    result = play(args.seconds, parts)
    print(f"playground at its defaults, a lone learner's pace: {result['played']:.0f} s of play, "
          f"{_threads.THREADS} thread(s); a tick every {result['interval']:.2f} s, "
          f"{result['pictures_per_s']:.1f} pictures/s, {result['epochs_per_s']:.1f} epochs/s")
    print(f"  {'part':<34} {'ms CPU / s':>10}")
    for part, ms in table(result, rerun, per_call):
        print(f"  {part:<34} {ms:10.2f}")
    cpu, played = result["cpu"], result["played"]
    epoch = sum(v for k, v in cpu.items() if k.startswith(("training", "guard", "checks", "history")))
    picture = sum(v for k, v in cpu.items() if k.startswith("snapshot"))
    print(f"  an epoch: {epoch / played / result['epochs_per_s'] * 1000:.2f} ms of CPU (steps, guard, checks, history "
          f"points); a picture: {picture / played / result['pictures_per_s'] * 1000:.2f} ms (snapshot parts)")
    if rerun is not None:
        print(f"  (a rerun: {rerun[0] * 1000:.1f} ms of CPU in the script's thread, {rerun[1] * 1000:.1f} ms in the "
              "whole AppTest process, which also reads back what the script sent)")
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
