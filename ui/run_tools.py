"""Tools beside a live network (the playground and MNIST pages): the learning-rate hint and the downloads."""

from __future__ import annotations

import streamlit as st

from engine import lr_range_test
from ui import charts


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
        c1.plotly_chart(charts.lr_range(lrs, losses, suggestion), key=f"{key}:lr_chart")
        c2.metric("suggested learning rate", f"{suggestion:.2g}")
        c2.button(
            f"Use {rung:g}",
            key=f"{key}:lr_use",
            on_click=lambda: state.__setitem__(f"{key}_lr", rung),
            help="The nearest step of the learning-rate slider at or below the suggestion.",
        )


def downloads(key: str, name: str, weights, script, history, why_no_script: str | None) -> None:
    """Download buttons for the network (.npz), the run as a script (.py) and its history (.csv).

    Each argument is a function: the file is made when it is clicked, from the network as it is then
    (a live page trains between the page's own reruns)."""
    c1, c2, c3 = st.columns(3)
    c1.download_button("⬇ This network (.npz)", weights, f"{name}_network.npz", "application/octet-stream",
                       help="The weights and settings (no pickled code).", key=f"{key}:save")
    if why_no_script:
        c2.caption(why_no_script)
    else:
        c2.download_button("⬇ A Python script (.py)", script, f"{name}_run.py", "text/x-python",
                           help=f"Run it from the Backprop Lab folder: python {name}_run.py", key=f"{key}:script")
    c3.download_button("⬇ The history (.csv)", history, f"{name}_history.csv", "text/csv",
                       help="Loss and accuracy (or R²) at every history point.", key=f"{key}:history")
