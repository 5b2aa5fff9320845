"""A small LRU for pure functions of uploaded bytes, so a page's rerun does not decode the same upload again.

No streamlit here: the key is a SHA-256 of the content (plus the other
arguments), the same for every session, and the size is bounded by entries.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable

import numpy as np


def _key(arg) -> Any:
    if isinstance(arg, (bytes, bytearray, memoryview)):
        return hashlib.sha256(arg).digest()
    if isinstance(arg, dict):
        return tuple(sorted((k, _key(v)) for k, v in arg.items()))
    return arg


def _freeze(result):
    """Results are shared between sessions: arrays become read-only so no session changes another's."""
    for arr in result if isinstance(result, tuple) else (result,):
        if isinstance(arr, np.ndarray):
            arr.flags.writeable = False
    return result


class ContentCache:
    """``ContentCache(fn)(data, *args)`` calls ``fn(data, *args)`` once per content and arguments.

    Bytes arguments (and dicts of them) are keyed by their SHA-256; the others
    must be hashable.  A ``ValueError`` (a refused upload) is remembered too,
    so a hostile file costs its decoding once, not once per rerun.
    """

    def __init__(self, fn: Callable, max_entries: int = 16):
        self.fn, self.max_entries = fn, max_entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, *args):
        key = tuple(_key(a) for a in args)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
        if hit is None:
            try:
                hit = (True, _freeze(self.fn(*args)))
            except ValueError as exc:
                hit = (False, exc)
            with self._lock:
                self._entries[key] = hit
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        ok, value = hit
        if not ok:
            raise value.with_traceback(None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
