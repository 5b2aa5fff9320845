"""A small LRU for pure functions of uploaded bytes, so a page's rerun does not decode the same upload again.

No streamlit here: the key is a SHA-256 of the content (plus the other
arguments), the same for every session, and the size is bounded by entries.
A weak cache holds nothing itself: the same content is decoded once while any
session keeps the result, and freed with the last one that does.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
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
    for arr in result if isinstance(result, (tuple, list)) else (result,):
        if isinstance(arr, np.ndarray):
            arr.flags.writeable = False
    return result


class ContentCache:
    """``ContentCache(fn)(data, *args)`` calls ``fn(data, *args)`` once per content and arguments.

    Bytes arguments (and dicts of them) are keyed by their SHA-256; the others
    must be hashable.  A ``ValueError`` (a refused upload) is remembered too,
    so a hostile file costs its decoding once, not once per rerun; one marked
    ``transient`` (the server was busy) is not.  ``weak``: results are held by
    weak reference (they must allow one), so the sessions that keep a result
    decide how long it lives.
    """

    def __init__(self, fn: Callable, max_entries: int = 16, weak: bool = False):
        self.fn, self.max_entries, self.weak = fn, max_entries, weak
        self._entries: OrderedDict = OrderedDict()
        self._gates: dict = {}  # content -> [its lock, callers waiting on it]
        self._lock = threading.Lock()

    def __call__(self, *args):
        key = tuple(_key(a) for a in args)
        with self._lock:  # one decoding per content at a time: a second session waits for the first's result
            gate = self._gates.setdefault(key, [threading.Lock(), 0])
            gate[1] += 1
        try:
            with gate[0]:
                ok, value = self._get_or_make(key, args)
        finally:
            with self._lock:
                gate[1] -= 1
                if not gate[1]:
                    del self._gates[key]
        if not ok:
            raise value.with_traceback(None)
        return value

    def _get_or_make(self, key, args):
        with self._lock:
            ok, value = self._entries.get(key, (None, None))
        if ok and self.weak:
            value = value()  # None once no session keeps it
        if value is not None:
            with self._lock:
                self._entries.move_to_end(key)
            return ok, value
        try:
            ok, value = True, _freeze(self.fn(*args))
        except ValueError as exc:
            if getattr(exc, "transient", False):
                raise
            ok, value = False, exc
        with self._lock:
            self._entries[key] = (ok, weakref.ref(value) if ok and self.weak else value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return ok, value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
