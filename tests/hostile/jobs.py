"""Decoders that misbehave on purpose, run by ``ui.inputs.sandbox`` in its children (tests/app/test_sandbox.py)."""

from __future__ import annotations

import ctypes
import os

import numpy as np


class JobError(ValueError):
    """A refusal, as a decoder's own error class."""


def echo(value, **extra):
    return value if not extra else (value, extra)


def refuse(message: str):
    raise JobError(message)


def raw_error():
    return {}["no such key"]


def allocate(mb: int):
    return np.ones(mb * 1024 * 1024, np.uint8).sum()


def spin():
    while True:
        pass


def sleep(seconds: float):
    import time

    time.sleep(seconds)


def abort():
    os.abort()


def segfault():
    ctypes.string_at(0)


def zeros(n: int):
    return np.zeros(n, np.uint8)


def an_object():
    return object()
