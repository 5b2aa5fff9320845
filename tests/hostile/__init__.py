"""Hostile upload files, built at test time: weights (``weights``), IDX files (``idx``) and images (``images``).

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
