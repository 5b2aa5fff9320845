"""The memory a server process lets its learners' networks take, shared out before it is allocated.

Admission (``ui.shell.sessions``) reads the process's memory when a learner arrives; but a learner let
in at a small network may then ask for four layers of 512 (50 MB with Adam and Pause's checkpoints),
and forty of them would take a replica past its pod's limit, and every learner in it down with it.
So each learner's live run reserves what its network will hold (worked out from the settings,
before anything is allocated) from one room per process: a network that would not fit is not built,
and the page goes on with the network it had (or its default one) and says what to lower.

* ``BACKPROP_LAB_MODELS_MB`` (default 400, 0: no limit): what all the live networks of a process may
  hold together.  A pod is limited to 1 GiB (``deploy/k8s/deployment.yaml``): ~130 MB is the process,
  ~5 MB each learner's session (up to 40), and uploads and one action's work (``ui.shell.cost``) take
  the rest.
* A network that needs at most ``ALWAYS_MB`` is always built: every page's default network fits
  under it, so a learner always has one to train.

A reservation belongs to an owner (a learner's run of one page: ``"session:page"``), named around the
code that builds with :func:`owner`; an owner's new reservation replaces its old one (a new network
replaces the old), and :meth:`Room.release` gives it back when the learner is gone.  Code that builds
outside any owner (a script, a test of the engine) reserves nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading

MB = 2**20
DEFAULT_MODELS_MB = 400
MODELS_MB = max(0, int(os.environ.get("BACKPROP_LAB_MODELS_MB", DEFAULT_MODELS_MB)))
ALWAYS_MB = 16

_owner: contextvars.ContextVar[str | None] = contextvars.ContextVar("memory_owner", default=None)


class NoRoom(MemoryError):
    """A network that does not fit in what the process's networks may still take."""

    def __init__(self, need: int, left: int):
        super().__init__(f"this network needs {need / MB:.0f} MB; {max(left, 0) / MB:.0f} MB is free for networks now")
        self.need, self.left = need, left


class Room:
    """Up to ``budget`` bytes (0: no limit) reserved by owners; a reservation of at most ``always``
    bytes is granted whatever is left."""

    def __init__(self, budget: int, always: int = ALWAYS_MB * MB):
        self.budget, self.always = budget, always
        self._lock = threading.Lock()
        self._held: dict[str, int] = {}

    def reserve(self, need: int) -> None:
        """Reserve ``need`` bytes for the current :func:`owner` (in place of what it held), or raise
        :class:`NoRoom` and leave its old reservation as it was."""
        who = _owner.get()
        if who is None:
            return
        with self._lock:
            left = self.budget - (sum(self._held.values()) - self._held.get(who, 0))
            if self.budget and need > self.always and need > left:
                raise NoRoom(need, left)
            self._held[who] = need

    def release(self, who: str) -> None:
        with self._lock:
            self._held.pop(who, None)

    def holding(self, who: str) -> int | None:
        """What ``who`` holds (None: no reservation)."""
        with self._lock:
            return self._held.get(who)

    def put_back(self, who: str, held: int | None) -> None:
        """Make ``who``'s reservation ``held`` again (what :meth:`holding` said before)."""
        with self._lock:
            if held is None:
                self._held.pop(who, None)
            else:
                self._held[who] = held

    def held(self) -> int:
        with self._lock:
            return sum(self._held.values())


ROOM = Room(MODELS_MB * MB)


@contextlib.contextmanager
def owner(who: str, room: Room | None = None):
    """Reservations made inside are ``who``'s.  If the code inside fails, ``who`` holds what it held
    before in ``room`` (default :data:`ROOM`): a network that reserved and then failed to build (bad
    data, say) is not there to hold it, and the old one still is."""
    room = ROOM if room is None else room
    before = room.holding(who)
    token = _owner.set(who)
    try:
        yield
    except BaseException:
        room.put_back(who, before)
        raise
    finally:
        _owner.reset(token)
