"""A learner's file is decoded in a child process under hard limits, so a hostile file costs the server nothing.

Pillow, zlib, NumPy's ``.npy`` reader and the csv module run in a short-lived child, never in the
server process (which holds every learner's model).  A small helper process started once (the
*zygote*: Python with NumPy, Pillow and the decoders imported, no Streamlit, no threads) forks one
child per file: forking the server itself is unsafe with its threads, and a fresh interpreter per
upload would cost a second or more.  The child sets its own limits before it reads the file:

    address space   its size when forked + the job's memory (RLIMIT_AS): an allocation past it fails
    CPU seconds     the job's seconds (RLIMIT_CPU): the kernel stops it
    wall time       a few times the CPU seconds (the child's monitor kills it): a child starved of CPU
    no core files, no files written

and sends back only its result: numeric arrays and plain data (JSON beside the arrays' raw bytes,
never a pickle), read up to the job's size.  Whatever a child does wrong (a refusal, a limit, a
crash) reaches the page as the job's own error class, a ValueError with a sentence for the learner.

    LOAD = Job("ui.inputs.images:load_image", ImageError, "image", memory_mb=384, cpu_s=3)
    array = LOAD(data, name, "L", 512)     # raises ImageError on any failure

Without ``fork`` (Windows) the job runs in the server process, unlimited.
"""

from __future__ import annotations

import gc
import importlib
import json
import math
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
# what the zygote imports once, so that a child starts with its decoders loaded
PRELOAD = ("numpy", "PIL.Image", "engine.serialize", "ui.inputs.images", "ui.inputs.csv_data",
           "ui.inputs.mnist_source")
MAX_CHILDREN = 2  # decoders at once per server process: the machine's cores
WALL_FACTOR, WALL_SLACK = 3.0, 2.0  # wall-time limit: CPU seconds x 3 + 2 s
_NUMERIC = "biuf"  # the array kinds a result may hold (never objects)
_ALIGN = 16


@dataclass(frozen=True)
class Job:
    """``module:function`` run in a child under limits; a failure raises ``error`` naming ``what``."""

    target: str
    error: type
    what: str
    memory_mb: int = 256
    cpu_s: float = 3.0
    result_mb: int = 16

    def __call__(self, *args, **kwargs):
        if not hasattr(os, "fork"):
            return _named(self.target)(*args, **kwargs)
        kind, value = ZYGOTE.run(self, args, kwargs)
        if kind == "ok":
            return value
        raise self._failure(kind, value)

    def _failure(self, kind: str, detail) -> ValueError:
        messages = {
            "refused": str(detail),
            "memory": f"Decoding this {self.what} needs more than {self.memory_mb} MB of memory, more than this "
                      "app allows for one file; it was stopped.",
            "cpu": f"Decoding this {self.what} took more than {self.cpu_s:g} seconds of computing, more than this "
                   "app allows for one file; it was stopped.",
            "crash": f"The decoder failed on this {self.what}: the file is damaged or not what it claims to be.",
            "large": f"This {self.what} decodes to more than {self.result_mb} MB, more than this page uses.",
        }
        if kind in ("wall", "busy"):  # says nothing about the file: not worth remembering (``transient``)
            exc = self.error(f"The server is busy and could not decode this {self.what} in time; please try "
                             "again in a minute.")
            exc.transient = True
            return exc
        return self.error(messages[kind])

    @property
    def wall_s(self) -> float:
        return self.cpu_s * WALL_FACTOR + WALL_SLACK


def _named(target: str):
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


# ---------------------------------------------------------------------------------- the wire
def _encode(value) -> tuple[bytes, list]:
    """``value`` as a JSON header and the raw buffers of its arrays (and bytes), in order."""
    buffers = []

    def walk(v):
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in _NUMERIC:
                raise TypeError(f"a result may hold numeric arrays only, not {v.dtype}")
            a = np.ascontiguousarray(v)
            buffers.append(a)
            return {"$a": [a.dtype.str, list(a.shape)]}
        if isinstance(v, (bytes, bytearray, memoryview)):
            buffers.append(v)
            return {"$b": len(v)}
        if isinstance(v, tuple):
            return {"$t": [walk(x) for x in v]}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {"$d": [[walk(k), walk(x)] for k, x in v.items()]}
        if isinstance(v, np.generic):
            return v.item()
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        raise TypeError(f"a result may not hold {type(v).__name__}")

    return json.dumps(walk(value)).encode(), buffers


def _send(sock: socket.socket, value) -> None:
    header, buffers = _encode(value)
    head = len(header).to_bytes(4, "little") + header
    pad = -len(head) % _ALIGN
    sizes = [memoryview(b).nbytes for b in buffers]
    total = len(head) + pad + sum(n + (-n % _ALIGN) for n in sizes)
    sock.sendall(total.to_bytes(8, "little") + head + bytes(pad))
    for b, n in zip(buffers, sizes):
        sock.sendall(memoryview(b).cast("B"))
        sock.sendall(bytes(-n % _ALIGN))


def _recv_exact(sock: socket.socket, buf) -> None:
    view, got = memoryview(buf), 0
    while got < len(view):
        n = sock.recv_into(view[got:])
        if not n:
            raise EOFError
        got += n


def _receive(sock: socket.socket, limit: int):
    """One message, read into a single buffer that its arrays then share (read-only): no copies."""
    head = bytearray(8)
    _recv_exact(sock, head)
    total = int.from_bytes(head, "little")
    if total > limit:
        raise OverflowError
    body = bytearray(total)
    _recv_exact(sock, body)
    n = int.from_bytes(body[:4], "little")
    tree = json.loads(bytes(body[4 : 4 + n]))
    offset = 4 + n + (-(4 + n) % _ALIGN)

    def take(nbytes: int) -> int:
        nonlocal offset
        start, offset = offset, offset + nbytes + (-nbytes % _ALIGN)
        if nbytes < 0 or start + nbytes > total:
            raise ValueError("a message shorter than its header says")
        return start

    def walk(v):
        if isinstance(v, list):
            return [walk(x) for x in v]
        if not isinstance(v, dict):
            return v
        if "$t" in v:
            return tuple(walk(x) for x in v["$t"])
        if "$d" in v:
            return {walk(k): walk(x) for k, x in v["$d"]}
        if "$b" in v:
            start = take(int(v["$b"]))
            return bytes(body[start : start + int(v["$b"])])
        dtype, shape = np.dtype(v["$a"][0]), tuple(int(s) for s in v["$a"][1])
        if dtype.kind not in _NUMERIC or min(shape, default=0) < 0:
            raise ValueError("a result array of a kind this app does not read")
        count = math.prod(shape)
        arr = np.frombuffer(body, dtype, count, take(count * dtype.itemsize)).reshape(shape)
        arr.flags.writeable = False
        return arr

    return walk(tree)


# ------------------------------------------------------------------------------ the server side
class Zygote:
    """The helper process that forks the children, started on first use (or by :meth:`start`)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CHILDREN)
        self._proc: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._owner = os.getpid()

    def start(self) -> None:
        with self._lock:
            self._ensure()

    def _ensure(self) -> None:
        # (a process forked from the one that started it shares its zygote, and cannot poll it)
        if self._proc is not None and (self._owner != os.getpid() or self._proc.poll() is None):
            return
        if self._control is not None:
            self._control.close()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self._proc = subprocess.Popen(
            [sys.executable, "-c", f"from ui.inputs.sandbox import serve; serve({theirs.fileno()})"],
            pass_fds=[theirs.fileno()], env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self._control, self._owner = ours, os.getpid()

    def run(self, job: Job, args: tuple, kwargs: dict) -> tuple[str, object]:
        """``(kind, value)``: ("ok", result), ("refused", message) or a limit or failure with no value."""
        if not self._slots.acquire(timeout=job.wall_s):
            return "busy", None
        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            with ours, theirs:
                try:
                    self._hand_over(theirs)
                except OSError:  # no zygote could be started
                    return "busy", None
                theirs.close()
                ours.settimeout(job.wall_s + 10)
                refusal = f"{job.error.__module__}:{job.error.__qualname__}"
                try:
                    _send(ours, (job.target, refusal, job.memory_mb, job.cpu_s, job.wall_s, args, kwargs))
                except OSError:
                    return "crash", None
                return self._answer(ours, job)
        finally:
            self._slots.release()

    def _hand_over(self, end: socket.socket) -> None:
        """Pass ``end`` to the zygote, which forks a monitor that reads the job from it."""
        with self._lock:
            self._ensure()
            try:
                socket.send_fds(self._control, [b"j"], [end.fileno()])
            except OSError:  # the zygote died since: start another
                self._proc.kill()
                self._proc.wait()
                self._ensure()
                socket.send_fds(self._control, [b"j"], [end.fileno()])

    @staticmethod
    def _answer(sock: socket.socket, job: Job) -> tuple[str, object]:
        try:
            kind, value = _receive(sock, job.result_mb * 1_000_000 + 65536)
        except OverflowError:
            return "large", None
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):  # (a timeout is an OSError)
            return "crash", None
        if kind == "status":  # the child died before it answered: how
            return value, None
        return kind, value


ZYGOTE = Zygote()


def start() -> None:
    """Start the zygote now (at server start), so that the first upload does not wait for its imports."""
    if hasattr(os, "fork"):
        ZYGOTE.start()


# ------------------------------------------------------------------------------- the zygote side
def serve(control_fd: int) -> None:
    """The zygote's loop: import the decoders once, then fork a monitor per job until the server leaves."""
    for name in PRELOAD:
        importlib.import_module(name)
    from PIL import Image

    Image.init()  # every plugin imported here, not in each child
    gc.freeze()  # the collector leaves these objects alone: children share their pages instead of copying them
    control = socket.socket(fileno=control_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # monitors are reaped by the kernel
    while True:
        try:
            _, fds, _, _ = socket.recv_fds(control, 1, 1)
        except OSError:
            return
        if not fds:  # the server process is gone
            return
        if os.fork() == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                _monitor(socket.socket(fileno=fds[0]))
            finally:
                os._exit(0)
        os.close(fds[0])


def _monitor(sock: socket.socket) -> None:
    """Read the job, fork the child that runs it under limits, and report how the child ended."""
    target, refusal, memory_mb, cpu_s, wall_s, args, kwargs = _receive(sock, 1 << 31)
    pid = os.fork()
    if pid == 0:
        try:
            _child(sock, target, refusal, memory_mb, cpu_s, args, kwargs)
        finally:
            os._exit(0)
    done, status, usage = _wait(pid, wall_s)
    if not done:
        os.kill(pid, signal.SIGKILL)
        os.wait4(pid, 0)
        kind = "wall"
    else:  # no answer came: the soft CPU limit sends SIGXCPU, the hard one SIGKILL; anything else is a crash
        signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        cpu_spent = usage.ru_utime + usage.ru_stime >= 0.9 * math.ceil(cpu_s)
        kind = "cpu" if signalled == signal.SIGXCPU or (signalled == signal.SIGKILL and cpu_spent) else "crash"
    try:
        _send(sock, ("status", kind))
    except OSError:
        pass


def _out_of_memory(exc: BaseException) -> bool:
    """Whether a refusal hides a failed allocation: a MemoryError, or a C decoder's own word for it
    (Pillow's "decoder error -9" is its codec's out-of-memory code)."""
    while exc is not None:
        if isinstance(exc, MemoryError) or (isinstance(exc, OSError) and ("memory" in str(exc).lower()
                                                                         or str(exc).endswith("error -9"))):
            return True
        exc = exc.__context__
    return False


def _wait(pid: int, seconds: float):
    """``os.wait4`` for at most ``seconds``: ``(pid, status, rusage)``, pid 0 while the child runs on."""
    try:
        with os.fdopen(os.pidfd_open(pid)) as ended:  # readable once the child has ended
            select.select([ended], [], [], seconds)
    except (AttributeError, OSError):  # no pidfd (an old kernel): look every 5 ms
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            answer = os.wait4(pid, os.WNOHANG)
            if answer[0]:
                return answer
            time.sleep(0.005)
    return os.wait4(pid, os.WNOHANG)


def _child(sock: socket.socket, target: str, refusal: str, memory_mb: int, cpu_s: float, args, kwargs) -> None:
    with open("/proc/self/statm") as f:
        size = int(f.read().split()[0]) * resource.getpagesize()
    limit = size + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = max(1, math.ceil(cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    warnings.simplefilter("ignore")  # Pillow's notes on odd metadata would fill the server's log
    job, error = _named(target), _named(refusal)
    try:
        answer = ("ok", job(*args, **kwargs))
    except MemoryError:
        answer = ("memory", None)
    except error as exc:
        answer = ("memory", None) if _out_of_memory(exc) else ("refused", str(exc))
    except BaseException:  # noqa: BLE001 - whatever a decoder raises, the page gets a sentence
        answer = ("crash", None)
    try:
        _send(sock, answer)
    except MemoryError:
        _send(sock, ("memory", None))
