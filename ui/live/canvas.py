"""The live harness on a page: one call mounts the canvas and answers its commands.

The canvas (``static/live/``, served by Streamlit's static file serving) owns Play/Pause/Step/Reset
and the timer: it asks for each tick itself, only after the last one arrived, so clicks take effect
in the browser at once and a busy server gets fewer requests instead of a backlog.  Each command
reruns only the live fragment, which trains a chunk (``ui.live.harness.LiveRun``) and sends one binary
frame to the same keyed component, which updates in place.

Use::

    run = live.run("pg", make_task, reset_key)   # the learner's LiveRun, fresh when reset_key changes
    run.task.apply(settings)                       # live settings (learning rate, ...)
    live.view("pg", run, form)                     # the canvas, messages and the paused views

A command that asks for other settings (the diagram's +/- buttons) is handed to the page's form,
and the whole page runs again with them (the URL follows, and the new settings start a new run).
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.live.harness import LiveRun, LiveTask
from ui.live.pacing import BEAT, Turns
from ui.shell import memory, sessions
from ui.shell.errors import page_boundary

# A few bytes inline; the view itself is an ES module served from static/live/ (cached by the
# browser, not resent with every frame).  Its address is found from Streamlit's own script, so the
# app may live under a base path or behind a proxy.
_LOADER = """
let view;
export default function (component) {
  if (!view) {
    const src = [...document.scripts].map((s) => s.src).find((s) => s.includes('/static/js/index'));
    const base = src ? src.slice(0, src.indexOf('static/js/')) : document.baseURI;
    view = import(new URL('app/static/live/live.js', base).href);
  }
  view.then((m) => m.mount(component));
}
"""
_canvas = st.components.v2.component("backprop_lab.live", js=_LOADER, isolate_styles=True)


def run(key: str, make_task, form, data_key=None) -> LiveRun:
    """This learner's run of the page ``key`` with the settings of ``form`` (a bound form): a new one when a
    setting that needs a fresh model (or ``data_key``, naming the data) changed, else the live ones applied."""
    state = st.session_state
    values = form.values  # (each read validates the widgets and writes the URL: once a run)
    reset_key = (form.form.reset_key(values), data_key)
    if state.get(f"{key}:reset_key") != reset_key or f"{key}:run" not in state:
        ctx = get_script_run_ctx()
        try:
            # the commands of the run before are not acted on again, and the learner's turns go on;
            # without a server (AppTest) there is no browser to pace
            state[f"{key}:run"] = LiveRun(make_task, session=f"{ctx.session_id if ctx else ''}:{key}",
                                          before=state.get(f"{key}:run"),
                                          turns=Turns(sleep=time.sleep if Runtime.exists() else None, beat=BEAT))
        except memory.NoRoom as short:
            _fall_back(key, form, values, short)
        state[f"{key}:reset_key"], state[f"{key}:built"] = reset_key, values
        sessions.hold(state[f"{key}:run"])  # a closed tab's model is freed once it cannot come back
    fell_back = state.pop(f"{key}:no_room", None)
    if fell_back is not None:
        st.warning(no_room(*fell_back))
    live: LiveRun = state[f"{key}:run"]
    live.make = make_task  # Reset builds from the current settings
    live.task.apply(values)
    form.offer_projector()
    lesson = form.lesson
    state[f"{key}:goal"] = (lesson, values) if lesson is not None and lesson.goal else None
    return live


def no_room(short: memory.NoRoom, kept: str) -> str:
    """What a learner is told when the network their settings ask for does not fit: ``kept`` names
    the network the page goes on with."""
    return (f"This server has no room for that network right now: it needs {short.need / memory.MB:.0f} MB, and "
            f"the class's networks have {max(short.left, 0) / memory.MB:.0f} MB left between them. The page "
            f"goes on with {kept}. Use fewer or smaller layers (fewer units or filters), or try again when "
            "fewer learners are training.")


def _fall_back(key: str, form, values: dict, short: memory.NoRoom) -> None:
    """The settings ``values`` asked for a network that does not fit: back to those of the network the page
    has (on a first visit its defaults), which is said on the next run."""
    state = st.session_state
    if f"{key}:no_room" in state or f"{key}:run" not in state and values == form.form.defaults:
        # not even those fit (a lesson's network may be large): say so and show nothing to train
        st.warning(no_room(short, "no network"))
        st.stop()
    before = state.get(f"{key}:built", form.form.defaults)
    state[f"{key}:no_room"] = (short, "the network it had" if f"{key}:built" in state else "its default network")
    form.load({k: v for k, v in before.items() if not form.form[k].live})  # live settings stay the learner's
    st.rerun()


def replace(key: str, make_task, form, values: dict, data_key=None) -> bool:
    """Put the task ``make_task()`` builds (e.g. from loaded weights) in place of the current one, as a new
    series; ``values`` are the settings it is built from (those of ``form``, a declared Form), as :func:`run`
    will see them.  False (and the learner told why) where there is no room for it."""
    live: LiveRun = st.session_state[f"{key}:run"]
    try:
        live.build(make_task)
    except memory.NoRoom as short:
        st.warning(no_room(short, "the network it had"))
        return False
    st.session_state[f"{key}:reset_key"] = (form.reset_key(values), data_key)
    st.session_state[f"{key}:built"] = values
    return True


def _take_command(key: str) -> None:
    value = st.session_state.get(f"{key}:canvas") or {}
    st.session_state[f"{key}:cmd"] = value.get("cmd") if hasattr(value, "get") else None


def _take_view(key: str) -> None:
    """The canvas's keyboard or its ✕ asked to enter or leave the projector view: handed to the router's view
    settings (``ui.settings.view``, bound under "view"), which the whole page's next run shows."""
    value = st.session_state.get(f"{key}:canvas") or {}
    asked = value.get("view") if hasattr(value, "get") else None
    if isinstance(asked, dict) and isinstance(asked.get("projector"), bool):
        st.session_state["view:asked"] = {"projector": asked["projector"]}
        st.session_state[f"{key}:view_asked"] = True


def view(key: str, live: LiveRun, settings=None) -> None:
    """The live fragment: the canvas, the status message and, on request while paused, the task's
    zoomable plotly views (:meth:`LiveTask.figures`).  ``settings``: the page's bound form
    (``ui.settings.widgets.Bound``), which takes the settings a command asks for."""

    has_figures = type(live.task).figures is not LiveTask.figures
    show_figures = has_figures and st.session_state.get(f"{key}:figures", False)

    # The fragment holds as little as possible: the browser redoes its layout on every tick.
    @st.fragment
    @page_boundary("the live view")
    def fragment():
        sessions.SESSIONS.sweep()  # while a class only plays, ticks are the only runs there are
        frame = live.command(st.session_state.pop(f"{key}:cmd", None))
        asked, live.asked = live.asked, None
        if asked and settings is not None:
            settings.load(asked)
            st.rerun()  # the whole page: its widgets and the URL show the new settings
        if st.session_state.pop(f"{key}:view_asked", False):
            st.rerun()  # the whole page: the projector toggle and the URL follow
        _canvas(key=f"{key}:canvas", data=frame, on_cmd_change=lambda: _take_command(key),
                on_view_change=lambda: _take_view(key))
        kind, message = live.task.status()
        if kind == "error":
            st.error(message)
        elif kind == "info":
            st.info(message)
        goal = st.session_state.get(f"{key}:goal")
        if goal is not None:
            lesson, values = goal
            met, text = lesson.check(live.task.model.history_, values)
            (st.success if met else st.caption)(text)
        if show_figures:
            if live.playing:
                st.caption("Pause training to see the zoomable charts.")
            else:
                for title, fig in live.task.figures():
                    st.plotly_chart(fig, key=f"{key}:fig:{title}", width="stretch")

    fragment()
    if has_figures:  # outside the fragment: the browser does not redo it on every tick
        st.toggle(
            "Zoomable charts",
            key=f"{key}:figures",
            help="Plotly versions of these views, to zoom, pan and save as PNG. Drawn while paused.",
        )
