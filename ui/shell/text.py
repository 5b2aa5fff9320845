"""Showing visitor-supplied text (file names) in Streamlit, whose captions and messages render Markdown."""

from __future__ import annotations

import string
import unicodedata


def plain(text, max_len: int = 80) -> str:
    """``text`` made inert for st.markdown, st.caption, st.error, image captions and widget labels.

    Every ASCII punctuation mark is backslash-escaped, which Markdown renders as
    the mark itself, so no link, image, HTML tag, LaTeX or colour directive can
    form. Control characters (newlines included) become spaces, and long text
    is cut with an ellipsis.
    """
    s = "".join(" " if unicodedata.category(c).startswith("C") else c for c in str(text))
    if len(s) > max_len:
        s = s[: max_len - 1] + "…"
    return "".join("\\" + c if c in string.punctuation else c for c in s)
