"""Small streamlit helpers shared by pages."""

from __future__ import annotations

import functools
import inspect
import threading

import streamlit as st

_SOURCE_LOCK = threading.Lock()


@functools.cache
def _source(obj) -> str:
    # inspect parses a class's whole module with ast on every call; CPython 3.11 fails when two
    # threads build ast objects at once ("AST constructor recursion depth mismatch", seen when a
    # class opens the playground together).  Read each source once, one at a time.
    with _SOURCE_LOCK:
        return inspect.getsource(obj)


def show_code(*objects, title: str = "The engine code behind this view") -> None:
    """An expander with the source of engine functions or classes."""
    with st.expander(f"🔍 {title}"):
        for obj in objects:
            st.caption(f"`{obj.__module__}.{obj.__qualname__}`")
            st.code(_source(obj), language="python")
