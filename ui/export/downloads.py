"""Download buttons for what a live page built: the network, the run as a script, the history; and what
loading a network back brings."""

from __future__ import annotations

import streamlit as st

from ui.export.bundle import run_bundle


def downloads(key: str, name: str, weights, script, history, why_no_script: str | None) -> None:
    """Download buttons for the network (.npz), the run as a script (a .zip holding the engine beside it)
    and its history (.csv).

    Each argument is a function: the file is made when it is clicked, from the network as it is then
    (a live page trains between the page's own reruns)."""
    c1, c2, c3 = st.columns(3)
    c1.download_button("⬇ This network (.npz)", weights, f"{name}_network.npz", "application/octet-stream",
                       help="The weights and settings (no pickled code).", key=f"{key}:save")
    if why_no_script:
        c2.caption(why_no_script)
    else:
        c2.download_button("⬇ A Python script (.zip)", lambda: run_bundle(name, script()), f"{name}_run.zip",
                           "application/zip", key=f"{key}:script",
                           help=f"The script with the engine beside it: it runs wherever Python and NumPy do. "
                           f"Unzip it, then in the folder {name}_run: python {name}_run.py")
    c3.download_button("⬇ The history (.csv)", history, f"{name}_history.csv", "text/csv",
                       help="Loss and accuracy (or R²) at every history point.", key=f"{key}:history")


def loaded_note(model) -> str:
    """What a network loaded from a file (``engine.load_weights``) brought: the training so far, or not."""
    if model.history_["step"]:
        return (f"Loaded a {model.layer_sizes} network trained for {model.epoch_:.2f} epochs: the epoch counter "
                "and the curves go on from there.")
    return (f"Loaded a {model.layer_sizes} network. Its file carries no training history (older files do "
            "not), so the epoch counter and the curves start afresh.")
