"""What every page with settings offers beside them: reset to defaults.

Drawn by the page's bound form (``ui.settings.widgets.Bound``) once the settings are known: the first
lines of the sidebar.
"""

from __future__ import annotations

import streamlit as st


def page_tools(bound) -> None:
    """The sidebar's first lines: reset to defaults."""
    st.button(
        "↺ Reset to defaults",
        key=f"{bound.prefix}:defaults",
        on_click=bound.reset,
        help="Every setting on this page back to its default (the address too). The live view's ↺ Reset only "
             "draws fresh weights and keeps the settings.",
    )
