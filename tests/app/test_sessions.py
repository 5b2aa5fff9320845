"""Learners per server process (ui.shell.sessions): the cap, the page that says the server is full, and
freeing what a closed tab held once its session cannot come back."""

from ui.shell import sessions
from ui.shell.sessions import FULL_TITLE, SWEEP_EVERY, TABS_TITLE, Sessions, browser_of, rss_mb


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


def test_past_the_memory_watermark_the_next_learner_is_turned_away():
    rss = [500.0]
    door = Sessions(0, lambda s: True, linger=60, rss=lambda: rss[0], max_rss_mb=800)
    assert door.admit("a")
    rss[0] = 810.0
    assert door.refusal("b") == "memory" and door.admit("a")  # one already in stays in
    rss[0] = 700.0  # learners left, memory came back
    assert door.admit("b")
    assert Sessions(0, lambda s: True, linger=60, rss=lambda: None, max_rss_mb=800).admit("c")  # unknown: no rule


def test_one_browser_holds_a_few_sessions():
    live = {f"tab{i}" for i in range(6)} | {"other"}
    door = Sessions(40, live.__contains__, linger=60, per_browser=4)
    assert all(door.admit(f"tab{i}", "b1") for i in range(4))
    assert door.refusal("tab4", "b1") == "tabs"
    assert door.admit("other", "b2") and door.admit("tab5", "")  # another browser; a client without a cookie
    live.discard("tab0")  # a tab closed: room for one more
    assert door.admit("tab4", "b1")


def test_a_browser_is_known_by_its_xsrf_token_whatever_the_mask():
    def cookie(token: bytes, mask: bytes) -> str:  # as Streamlit (and Tornado) write it
        return f"2|{mask.hex()}|{bytes(b ^ mask[i % 4] for i, b in enumerate(token)).hex()}|1700000000"

    token, other = bytes(range(32)), bytes(range(1, 33))
    cookies = [cookie(token, b"\x01\x02\x03\x04"), cookie(token, b"\xff\x00\x10\x20")]
    assert browser_of(cookies[0]) == browser_of(cookies[1]) != browser_of(cookie(other, b"\x01\x02\x03\x04"))
    assert browser_of(None) == "" and browser_of("") == ""
    assert browser_of("2|zz|qq|1") and len(browser_of("plain")) == 16  # a cookie of another form is taken whole
    assert token.hex() not in browser_of(cookies[0])  # the token itself is not kept


def test_a_fifth_tab_is_told_why(app, monkeypatch):
    door = Sessions(40, lambda s: True, linger=60, per_browser=4)
    for i in range(4):
        door.admit(f"tab{i}", "b1")
    monkeypatch.setattr(sessions, "SESSIONS", door)
    monkeypatch.setattr(sessions, "browser_of", lambda cookie: "b1")
    at = app("home")
    assert [t.value for t in at.title] == [TABS_TITLE]
    assert "already has 4 Backprop Lab pages open" in at.info[0].value and not at.exception


def test_a_server_past_its_watermark_says_so(app, monkeypatch):
    monkeypatch.setattr(sessions, "SESSIONS", Sessions(40, lambda s: True, linger=60, rss=lambda: 900.0,
                                                       max_rss_mb=800))
    at = app("home")
    assert [t.value for t in at.title] == [FULL_TITLE] and "memory is nearly taken" in at.info[0].value


def test_the_process_knows_its_memory():
    assert 10 < rss_mb() < 100_000
