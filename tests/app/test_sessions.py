"""Learners per server process (ui.shell.sessions): the cap, the page that says the server is full, and
freeing what a closed tab held once its session cannot come back."""

from ui.shell import sessions
from ui.shell.sessions import FULL_TITLE, SWEEP_EVERY, Sessions


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


class Held:
    released = False

    def release(self):
        self.released = True


def test_the_cap_counts_connected_sessions_only():
    live = {"a", "b", "c"}
    door = Sessions(2, live.__contains__, linger=60)
    assert door.admit("a") and door.admit("b") and not door.admit("c")
    assert door.admit("a")  # one already in stays in
    live.discard("b")  # a tab closed
    assert door.admit("c") and door.count() == 2


def test_no_cap_admits_everyone():
    door = Sessions(0, lambda s: True, linger=60)
    assert all(door.admit(str(i)) for i in range(500))


def test_what_a_gone_session_held_is_released_once_it_cannot_come_back():
    clock, live = Clock(), {"a", "b"}
    door = Sessions(0, live.__contains__, linger=30, clock=clock)
    a, b = Held(), Held()
    door.hold("a", a)
    door.hold("b", b)
    live -= {"a", "b"}
    door.sweep()  # both seen gone from now
    clock.t = 20
    live.add("b")  # b's browser reconnected in time: it keeps its model
    door.sweep()
    clock.t = 20 + SWEEP_EVERY + 15
    door.sweep()
    assert a.released and not b.released


def test_a_server_at_its_cap_says_so_instead_of_the_page(app, monkeypatch):
    full = Sessions(1, lambda s: True, linger=60)
    full.admit("someone else")
    monkeypatch.setattr(sessions, "SESSIONS", full)
    at = app("home")
    assert [t.value for t in at.title] == [FULL_TITLE]
    assert "reload this page" in at.info[0].value and not at.exception
