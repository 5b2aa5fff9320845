"""What every page with settings offers beside them: reset to defaults, guided experiments.

Drawn by the page's bound form (``ui.settings.widgets.Bound``) once the settings are known: the first
lines of the sidebar.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st


def page_tools(bound) -> None:
    """The sidebar's first lines: reset to defaults, the guided experiments."""
    st.button(
        "↺ Reset to defaults",
        key=f"{bound.prefix}:defaults",
        on_click=bound.reset,
        help="Every setting on this page back to its default (the address too). The live view's ↺ Reset only "
             "draws fresh weights and keeps the settings.",
    )
    if bound.experiments:
        experiments(bound)


def experiments(bound) -> None:
    """A picker of the page's guided experiments: choosing one applies its settings (as its URL would)."""
    state, key = st.session_state, f"{bound.prefix}:experiment"
    by_name = {e.name: e for e in bound.experiments}

    def apply():
        chosen = by_name.get(state[key])
        if chosen is not None:
            bound.load(bound.form.from_query(chosen.query))

    name = st.selectbox(
        "🧪 Guided experiments", [None, *by_name], key=key, on_change=apply,
        format_func=lambda n: "choose one…" if n is None else n,
        help="Each sets the page up to show one thing; what to watch and what to try next appear below. Your "
             "settings are replaced (↺ Reset to defaults brings the page's back).",
    )
    if name is not None:
        chosen = by_name[name]
        st.info(f"{chosen.watch}\n\n**Try next:** {chosen.next}")
        st.caption(f"Its link: `?{urlencode(chosen.query)}`")
