"""Small streamlit helpers shared by pages: run controls, code/math expanders, tick timing."""

from __future__ import annotations

import inspect

import streamlit as st

TICK_SECONDS = 0.4  # how often a playing page advances (one fragment run per tick)
TICK_BUDGET = 0.15  # seconds of compute a tick may spend training


PLAY, PAUSE = "▶ Play", "⏸ Pause"


def run_controls(key: str, help_play: str = "Play trains continuously; Pause stops it.") -> tuple[bool, bool]:
    """Play/Pause (a two-option switch), Step and Reset buttons.

    Play/Pause is a value widget rather than a pair of buttons: a button's one-shot click
    can be lost when it races a live fragment's automatic rerun, a value cannot.

    Returns ``(playing, reset)``; a pressed Step sets ``st.session_state[key + ':step']`` for the
    live fragment to consume with :func:`take_step`.
    """
    state = st.session_state
    mode = f"{key}:mode"
    if state.pop(f"{key}:force_pause", False) or mode not in state:
        state[mode] = PAUSE

    def step():
        state[f"{key}:step"] = True
        state[mode] = PAUSE

    def reset():
        state[f"{key}:reset"] = True
        state[mode] = PAUSE

    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="center")
    c1.segmented_control(
        "training", [PLAY, PAUSE], key=mode, required=True, help=help_play, label_visibility="collapsed"
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
    playing = state[f"{key}:playing"] = state[mode] == PLAY
    return playing, bool(state.pop(f"{key}:reset", False))


def take_step(key: str) -> bool:
    """True once after Step was pressed."""
    return bool(st.session_state.pop(f"{key}:step", False))


def pause(key: str) -> None:
    """Stop a playing page (e.g. after divergence) and rerun the whole page to stop its timer."""
    if st.session_state.get(f"{key}:mode") == PLAY:
        st.session_state[f"{key}:force_pause"] = True
        st.rerun()


def show_code(*objects, title: str = "The engine code behind this view") -> None:
    """An expander with the source of engine functions or classes."""
    with st.expander(f"🔍 {title}"):
        for obj in objects:
            st.caption(f"`{obj.__module__}.{obj.__qualname__}`")
            st.code(inspect.getsource(obj), language="python")
