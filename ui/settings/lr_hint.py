"""The learning-rate hint beside a live network (the playground and MNIST pages): Smith's range test."""

from __future__ import annotations

import streamlit as st

from engine import lr_range_test
from ui.charts import plots


def lr_hint(key: str, model, X, y, options) -> None:
    """Smith's learning-rate range test on a copy of ``model``; a button sets the page's learning rate
    (widget ``{key}_lr``) to the rung of ``options`` at or below the suggestion."""
    state = st.session_state
    with st.expander("💡 Find a learning rate (Smith's range test)"):
        st.markdown(
            "Train a copy of this network for 100 mini-batches while the learning rate grows from 0.00001 to "
            "10, and watch the loss: it falls while the rate helps and shoots up once steps overshoot. A good "
            "rate sits about ten times below the rate of the lowest loss (L. N. Smith, *Cyclical Learning Rates "
            "for Training Neural Networks*, 2017). Your network and its training are not touched."
        )
        if st.button("Run the test", key=f"{key}:lr_test"):
            state[f"{key}:lr_found"] = lr_range_test(model, X, y)
        found = state.get(f"{key}:lr_found")
        if found is None:
            return
        lrs, losses, suggestion = found
        rung = max([r for r in options if r <= suggestion] or [options[0]])
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.plotly_chart(plots.lr_range(lrs, losses, suggestion), key=f"{key}:lr_chart")
        c2.metric("suggested learning rate", f"{suggestion:.2g}")
        c2.button(
            f"Use {rung:g}",
            key=f"{key}:lr_use",
            on_click=lambda: state.__setitem__(f"{key}_lr", rung),
            help="The nearest step of the learning-rate slider at or below the suggestion.",
        )
