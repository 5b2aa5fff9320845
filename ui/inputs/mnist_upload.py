"""The MNIST page's four uploaded files: decoded once per content (``ui.inputs.mnist_source``), kept by
this session until it is gone for good (``ui.shell.sessions.keep``).

The page reaches the digits through the :class:`~ui.shell.sessions.Kept` only: a name in the page's
script would hold them for as long as Streamlit keeps the script's last run, after the learner left.
"""

from __future__ import annotations

import streamlit as st

from engine.idx import IDXError
from ui.inputs.mnist_source import FORMAT_HELP, uploaded_digits
from ui.shell import sessions
from ui.shell.text import plain


def uploaded_set(key: str):
    """The uploader; returns ``(kept, file ids)`` once four usable files are here, else ``(None, None)``
    after saying why (a refused set is shown until the files change, and costs its decoding once)."""
    state = st.session_state
    ups = st.file_uploader(
        "train-images, train-labels, t10k-images, t10k-labels (.gz)",
        accept_multiple_files=True,
        key=f"{key}_idx",
        help=FORMAT_HELP,
    )
    if len(ups) < 4:
        st.info(f"{len(ups)} of 4 files; until all four are here the bundled subset is used.")
        forget(key)
        return None, None
    ids = tuple(sorted(u.file_id for u in ups))
    if state.get(f"{key}:upload", (None,))[0] != ids:  # decode (and hash) a new upload once
        try:  # kept by this session, shared with any other that uploads the same files
            state[f"{key}:upload"] = (ids, sessions.keep(uploaded_digits({u.name: u.getvalue() for u in ups})))
        except IDXError as exc:  # (a busy server's refusal is tried again on the next run)
            state[f"{key}:upload"] = (None if getattr(exc, "transient", False) else ids, exc)
    result = state[f"{key}:upload"][1]
    if isinstance(result, IDXError):
        st.error(f"{plain(str(result), 400)} Using the bundled subset.")
        return None, None
    if result.value is None:
        return None, None
    st.caption(f"{len(result.value[0]):,} training and {len(result.value[1]):,} test digits from your files.")
    return result, ids


def forget(key: str) -> None:
    """This session no longer uses its upload: let go of it."""
    st.session_state.pop(f"{key}:upload", None)
