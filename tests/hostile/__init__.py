"""Hostile upload files, built at test time: weights (``weights``), IDX files (``idx``), images (``images``)
and CSV files (``tables``); ``jobs``: decoders that misbehave on purpose.

Each corpus maps a case name to ``(content, pattern)``: what a visitor could
upload, and a regex the refusal's message must match.  The memory test loads
every file in a child process, so builders return plain bytes (or, for the IDX
sets, a dict of file name -> bytes).
"""

from __future__ import annotations

import re

_ABSOLUTE_PATH = re.compile(r"(^|[\s'\"(])(/[\w.-]+){2,}|[A-Za-z]:\\")


def assert_plain_message(msg: str) -> None:
    """A refusal a visitor can read: one short sentence, no traceback, no server path."""
    assert msg and len(msg) < 300, msg
    assert "Traceback" not in msg and 'File "' not in msg, msg
    assert not _ABSOLUTE_PATH.search(msg), msg


# Markdown (with Streamlit's colour directives) and KaTeX constructs, where no backslash escapes them
_CONSTRUCTS = {
    "image or link": re.compile(r"(?<!\\)!?\[[^\]\n]*\]\([^)\n]*\)"),
    "html tag": re.compile(r"(?<!\\)<[A-Za-z!/][^>\n]*>?"),
    "katex": re.compile(r"(?<!\\)\$[^$\n]*(?<!\\)\$"),
    "colour": re.compile(r"(?<!\\):[a-z]+\[[^\]\n]*\]"),
    "emphasis or code": re.compile(r"(?<![\\*_`~])[*_`~]+PWN"),
}


def rendered_markup(body: str, marker: str = "PWN") -> list[str]:
    """The constructs in a Markdown body that would render around the learner's ``marker``: none when
    every mark of the learner's text arrives escaped (``ui.shell.text.plain``)."""
    return [f"{kind}: {m.group(0)}" for kind, rx in _CONSTRUCTS.items() for m in rx.finditer(body)
            if marker in m.group(0)]
