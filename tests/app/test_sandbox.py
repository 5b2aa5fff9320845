"""ui.inputs.sandbox: a decoder runs in a child under limits; whatever it does, the server gets a sentence."""

import json
import os
import resource
import signal
import socket
import threading
import time

import numpy as np
import pytest

from tests.hostile.jobs import JobError
from ui.inputs import sandbox
from ui.inputs.sandbox import Job

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the sandbox forks")


def job(name: str, **limits) -> Job:
    return Job(f"tests.hostile.jobs:{name}", JobError, "test file", **{"memory_mb": 64, "cpu_s": 1, **limits})


def test_results_come_back_as_they_were_read_only_and_without_pickle():
    value = {"a": (1, 2.5, None, True, "é"), 3: [np.arange(5, dtype=np.int16), np.eye(2, dtype=np.float32)],
             "b": b"\x00\x01", "nan": float("nan")}
    back = job("echo")(value)
    assert back.keys() == value.keys() and back["a"] == value["a"] and back["b"] == b"\x00\x01"
    for got, sent in zip(back[3], value[3]):
        assert got.dtype == sent.dtype and np.array_equal(got, sent) and not got.flags.writeable
    assert np.isnan(back["nan"])
    assert job("echo")(1, key="word") == (1, {"key": "word"})


def test_a_refusal_keeps_its_message_and_anything_else_gets_a_sentence():
    with pytest.raises(JobError, match="^the file says no$"):
        job("refuse")("the file says no")
    with pytest.raises(JobError, match="The decoder failed on this test file"):
        job("raw_error")()
    with pytest.raises(JobError, match="The decoder failed"):
        job("an_object")()  # a result that is not plain data


@pytest.mark.parametrize(
    "name,args,limits,pattern",
    [
        ("allocate", (200,), {}, "needs more than 64 MB of memory"),
        ("spin", (), {}, "took more than 1 seconds of computing"),
        ("abort", (), {}, "The decoder failed"),
        ("segfault", (), {}, "The decoder failed"),
        ("zeros", (3_000_000,), {"result_mb": 2}, "decodes to more than 2 MB"),
    ],
)
def test_a_child_that_blows_its_limit_or_crashes_costs_the_server_nothing(name, args, limits, pattern):
    before = resource.getrusage(resource.RUSAGE_SELF)
    with pytest.raises(JobError, match=pattern) as info:
        job(name, **limits)(*args)
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert not getattr(info.value, "transient", False)
    assert after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime < 0.5  # the child's CPU, not ours
    assert job("echo")("still serving") == "still serving"


def test_a_child_past_its_wall_time_is_stopped_and_the_refusal_is_not_remembered():
    slow = job("sleep", cpu_s=0.2)
    slow_wall = slow.wall_s
    t0 = time.monotonic()
    with pytest.raises(JobError, match="busy") as info:
        slow(slow_wall + 5)
    assert time.monotonic() - t0 < slow_wall + 3
    assert info.value.transient


def test_the_zygote_is_started_again_when_it_dies():
    sandbox.start()
    os.kill(sandbox.ZYGOTE._proc.pid, signal.SIGKILL)
    sandbox.ZYGOTE._proc.wait()
    assert job("echo")(7) == 7


def test_children_run_side_by_side_from_many_threads():
    results = []

    def decode(i):
        results.append(job("echo")(np.full(1000, i, np.uint8))[0])

    threads = [threading.Thread(target=decode, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(6))


@pytest.mark.parametrize("header,extra", [
    ({"$a": ["|O", [2]]}, b""),  # an object array would be a pickle
    ({"$a": ["<f8", [1000]]}, b"\x00" * 16),  # more data than the message holds
    ({"$b": -5}, b""),
    ({"$d": [[[1], 2]]}, b""),  # a key that cannot be one
])
def test_a_child_cannot_send_back_more_than_plain_data(header, extra):
    """What a decoder taken over by its file could send: read as a crash, nothing built from it."""
    ours, theirs = socket.socketpair()
    text = json.dumps(["ok", header]).encode()
    head = len(text).to_bytes(4, "little") + text
    head += bytes(-len(head) % 16)
    with ours, theirs:
        theirs.sendall((len(head) + len(extra)).to_bytes(8, "little") + head + extra)
        assert sandbox.Zygote._answer(ours, job("echo")) == ("crash", None)
