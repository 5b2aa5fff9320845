"""Small streamlit helpers shared by pages."""

from __future__ import annotations

import inspect

import streamlit as st


def show_code(*objects, title: str = "The engine code behind this view") -> None:
    """An expander with the source of engine functions or classes."""
    with st.expander(f"🔍 {title}"):
        for obj in objects:
            st.caption(f"`{obj.__module__}.{obj.__qualname__}`")
            st.code(inspect.getsource(obj), language="python")
