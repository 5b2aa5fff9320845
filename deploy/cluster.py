"""Streamlit replicas on loopback ports with HAProxy in front: started together, stopped together.

Used by ``python -m deploy`` (a classroom on one machine), ``bench/load.py`` and the deployment tests.
Every replica runs ``streamlit run app.py`` from the repository (so ``.streamlit/config.toml``
applies) with the same cookie secret, so a cookie one replica signed is good on another.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HAPROXY_CFG = Path(__file__).with_name("haproxy.cfg")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def haproxy_config(servers: list[tuple[str, int]], host: str = "127.0.0.1") -> str:
    """``deploy/haproxy.cfg`` with its ``server`` lines replaced by one per ``(name, port)`` on ``host``."""
    out, placed = [], False
    for line in HAPROXY_CFG.read_text().splitlines():
        if line.strip().startswith("server "):
            if not placed:
                out += [f"    server {name} {host}:{port} cookie {name}" for name, port in servers]
                placed = True
            continue
        out.append(line)
    if not placed:
        raise ValueError(f"{HAPROXY_CFG} has no server lines to replace")
    return "\n".join(out) + "\n"


@dataclass
class Replica:
    name: str
    port: int
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the child: a SIGTERM when the process that started it dies, however it dies (Linux), so
    no replica outlives a killed test or bench run."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


def _stop(procs: list[subprocess.Popen], grace: float = 10) -> None:
    """SIGTERM to all, then wait (each shuts down on its own), then SIGKILL what is left."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class Cluster:
    """``replicas`` Streamlit processes and one HAProxy on ``bind`` (``host:port``).

    Use as a context manager, or call :meth:`start` and :meth:`stop`.  Children run in their own
    process groups: Ctrl-C reaches only the parent, which stops them in order (HAProxy first, so no
    learner is sent to a replica that is going away).
    """

    def __init__(
        self,
        replicas: int | None = None,
        bind: str | None = None,
        env: dict[str, str] | None = None,
        quiet: bool = True,
    ):
        self.count = replicas or os.cpu_count() or 1
        self.bind = bind or f"127.0.0.1:{free_port()}"
        self.env = dict(os.environ, **(env or {}))
        # one secret for all replicas; a fresh one each start unless the operator fixes it
        self.env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))
        self.quiet = quiet
        self.replicas: list[Replica] = []
        self.haproxy: subprocess.Popen | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="backprop-lab-"))

    @property
    def url(self) -> str:
        host, port = self.bind.rsplit(":", 1)
        return f"http://{'127.0.0.1' if host in ('', '*', '0.0.0.0') else host}:{port}"

    def _popen(self, cmd: list[str], **kw) -> subprocess.Popen:
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT} if self.quiet else {}
        return subprocess.Popen(cmd, start_new_session=True, preexec_fn=_die_with_parent, **quiet, **kw)

    def _spawn(self, name: str, port: int) -> Replica:
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        return Replica(name, port, self._popen(cmd, cwd=ROOT, env=self.env))

    def start(self, timeout: float = 90) -> Cluster:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            raise RuntimeError("haproxy is not installed (apt-get install -y haproxy)")
        try:
            self.replicas = [self._spawn(f"r{i + 1}", free_port()) for i in range(self.count)]
            cfg = self._dir / "haproxy.cfg"
            cfg.write_text(haproxy_config([(r.name, r.port) for r in self.replicas]))
            deadline = time.monotonic() + timeout
            for r in self.replicas:
                while not _healthy(r.url):
                    if not r.alive() or time.monotonic() > deadline:
                        raise RuntimeError(f"replica {r.name} did not start")
                    time.sleep(0.3)
            self.haproxy = self._popen([haproxy, "-db", "-f", str(cfg)], env=dict(self.env, BACKPROP_LAB_BIND=self.bind))
            while not _healthy(self.url):
                if self.haproxy.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("haproxy did not start")
                time.sleep(0.2)
        except BaseException:
            self.stop()
            raise
        return self

    def revive(self) -> list[str]:
        """Start again, on the same port, each replica that has stopped; their names.  HAProxy takes
        a revived replica back once its health checks pass; its learners' models are gone."""
        dead = [i for i, r in enumerate(self.replicas) if not r.alive()]
        for i in dead:
            self.replicas[i] = self._spawn(self.replicas[i].name, self.replicas[i].port)
        return [self.replicas[i].name for i in dead]

    def kill(self, name: str) -> None:
        """Kill replica ``name`` at once (SIGKILL), as a crash would."""
        r = next(r for r in self.replicas if r.name == name)
        r.proc.kill()
        r.proc.wait()

    def stop(self) -> None:
        if self.haproxy is not None:
            _stop([self.haproxy])
        _stop([r.proc for r in self.replicas])
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
