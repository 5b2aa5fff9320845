"""Small streamlit helpers shared by pages: run controls, code/math expanders, tick timing."""

from __future__ import annotations

import inspect

import streamlit as st

TICK_SECONDS = 0.4  # how often a playing page advances (one fragment run per tick)
TICK_BUDGET = 0.15  # seconds of compute a tick may spend training


def run_controls(key: str, help_play: str = "Train continuously; press again to pause.") -> tuple[bool, bool]:
    """Play/Pause, Step and Reset buttons.

    Returns ``(playing, reset)``; a pressed Step sets ``st.session_state[key + ':step']`` for the
    live fragment to consume with :func:`take_step`.
    """
    state = st.session_state
    state.setdefault(f"{key}:playing", False)

    def toggle():
        state[f"{key}:playing"] = not state[f"{key}:playing"]

    def step():
        state[f"{key}:step"] = True
        state[f"{key}:playing"] = False

    def reset():
        state[f"{key}:reset"] = True
        state[f"{key}:playing"] = False

    playing = state[f"{key}:playing"]
    c1, c2, c3 = st.columns(3)
    c1.button(
        "⏸ Pause" if playing else "▶ Play",
        key=f"{key}:play_btn",
        on_click=toggle,
        help=help_play,
        width="stretch",
        type="primary",
    )
    c2.button(
        "⏭ Step", key=f"{key}:step_btn", on_click=step, help="Advance one chunk, then stop.", width="stretch"
    )
    c3.button(
        "↺ Reset",
        key=f"{key}:reset_btn",
        on_click=reset,
        help="Start again from fresh weights (same seed).",
        width="stretch",
    )
    return state[f"{key}:playing"], bool(state.pop(f"{key}:reset", False))


def take_step(key: str) -> bool:
    """True once after Step was pressed."""
    return bool(st.session_state.pop(f"{key}:step", False))


def pause(key: str) -> None:
    """Stop a playing page (e.g. after divergence) and rerun the whole page to stop its timer."""
    if st.session_state.get(f"{key}:playing"):
        st.session_state[f"{key}:playing"] = False
        st.rerun()


def show_code(*objects, title: str = "The engine code behind this view") -> None:
    """An expander with the source of engine functions or classes."""
    with st.expander(f"🔍 {title}"):
        for obj in objects:
            st.caption(f"`{obj.__module__}.{obj.__qualname__}`")
            st.code(inspect.getsource(obj), language="python")
