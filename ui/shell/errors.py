"""A page's last line of defence: the traceback goes to the server log, the visitor gets one short sentence.

Wrap a page's body (or a fragment's) so an unexpected exception never shows a
traceback or a server path in the browser::

    with page_boundary("the MNIST page"):
        ...page code...

    @st.fragment(run_every=0.2)
    @page_boundary("live training")
    def live(): ...

Expected refusals (ImageError, ModelFileError, IDXError) are better caught
where they happen, with a message that says what to do.
"""

from __future__ import annotations

import logging
import re
import secrets
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException

from ui.shell.text import plain

log = logging.getLogger("backprop_lab")

# a run of characters holding a / or \ (a path, relative or absolute, or a URL's tail)
_PATH = re.compile(r"""[^\s'"`()\[\]<>,;]*[\\/][^\s'"`()\[\]<>,;]*""")


def _base_name(match: re.Match) -> str:
    parts = [p for p in re.split(r"[\\/]", match.group()) if p]
    return parts[-1] if parts else ""


def public_message(exc: BaseException, max_len: int = 160) -> str:
    """The first line of the exception's text, each path cut to its base name, made inert for Markdown."""
    lines = str(exc).strip().splitlines() or [""]
    text = "" if lines[0].startswith("Traceback") else _PATH.sub(_base_name, lines[0])
    text = text or type(exc).__name__
    return plain(text, max_len)


@contextmanager
def page_boundary(what: str = "this page"):
    """Catch any exception from the block, log it with its traceback, and show a short error instead.

    Streamlit's own control flow (st.stop, st.rerun, st.switch_page) is not an
    ``Exception`` and passes through, as does a fragment's already-shown error.
    """
    try:
        yield
    except FragmentHandledException:
        raise
    except Exception as exc:
        ref = secrets.token_hex(4)
        log.exception("Unexpected error on %s (reference %s)", what, ref)
        st.error(
            f"Something went wrong on {what}: {public_message(exc)}. "
            f"Try again or change a setting; if it keeps happening, tell the operator (reference {ref})."
        )
