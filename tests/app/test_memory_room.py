"""Issue 22: what the live networks of a server process hold together is reserved before they are
built (ui.shell.memory): a network that does not fit is not built, and the page goes on with the
network it had (or its default one) and says what to lower."""

import pytest

from tests.app.conftest import command
from ui.live.harness import LiveRun
from ui.setups import playground as pg
from ui.shell import memory

MB = memory.MB


def test_an_owner_reservation_replaces_its_last_and_a_refusal_keeps_it():
    room = memory.Room(100 * MB, always=10 * MB)
    with memory.owner("a"):
        room.reserve(60 * MB)
        room.reserve(80 * MB)  # a's new network in place of its old one: fits
    assert room.held() == 80 * MB
    with memory.owner("b"):
        room.reserve(10 * MB)  # small enough to be granted whatever is left
        with pytest.raises(memory.NoRoom) as short:
            room.reserve(30 * MB)
    assert (short.value.need, short.value.left) == (30 * MB, 20 * MB)
    assert room.held() == 90 * MB  # b keeps the network it had
    room.release("a")
    with memory.owner("b"):
        room.reserve(30 * MB)
    assert room.held() == 30 * MB
    room.reserve(10**12)  # built outside any learner's run (a script): nothing reserved
    assert room.held() == 30 * MB


def test_a_build_that_fails_after_reserving_gives_back_what_it_reserved():
    room = memory.Room(100 * MB, always=10 * MB)
    with memory.owner("a", room):
        room.reserve(20 * MB)  # the network a has
    with pytest.raises(ValueError), memory.owner("a", room):
        room.reserve(70 * MB)  # the new network's memory, and then its data turns out bad
        raise ValueError("bad data")
    assert room.holding("a") == 20 * MB  # a still has its old network, and holds what it holds
    with pytest.raises(ValueError), memory.owner("b", room):
        room.reserve(30 * MB)
        raise ValueError("bad data")
    assert room.holding("b") is None and room.held() == 20 * MB


def test_every_default_network_is_always_granted(monkeypatch):
    """The room may be full: a learner can still train a page's default network."""
    from ui.live.network_views import NetworkTask
    from ui.setups import cnn as cs
    from ui.setups import mnist as ms

    class Probe(memory.Room):
        def reserve(self, need):
            self.need = need

    monkeypatch.setattr(memory, "ROOM", Probe(0))
    cnn = [cs.make_model(cs.FORM.defaults), cs.comparison_mlp(cs.FORM.defaults)]
    for models in [ms.make_model(ms.FORM.defaults)], cnn, [pg.make_model(pg.recipe(pg.FORM.defaults, None), epochs=0)]:
        NetworkTask.reserve_memory(models)
        assert 0 < memory.ROOM.need <= memory.ALWAYS_MB * MB


def test_a_run_reserves_in_its_learner_name_and_gives_it_back(room):
    heavy = pg.FORM.clean({**pg.FORM.defaults, "layers": [(256, "tanh")] * 6})
    run = LiveRun(lambda: pg.PlaygroundTask(heavy), "s1:pg")
    assert room.held() > 20 * MB
    run.build()  # Reset: the same network again, in place of the old one
    assert room.held() < 30 * MB
    run.release()
    assert room.held() == 0


def test_a_network_that_does_not_fit_falls_back_and_says_so(app, room):
    room.budget = 30 * MB
    room._held["someone else"] = 20 * MB  # the class's other networks
    at = app("mnist", {"layers": "512,512,512,512"})
    warned = [w.value for w in at.warning]
    assert any("no room for that network" in w and "fewer or smaller layers" in w for w in warned), warned
    assert any("goes on with its default network" in w for w in warned)  # a first visit had none before
    assert at.session_state["mn:run"].task.model.layer_sizes == [784, 100, 10]  # the page's default network
    assert "layers" not in at.query_params  # the address says what is trained
    command(at, "mn", "step")  # and the learner trains it
    at.run()
    assert not at.warning  # said once

    # a learner asking for a larger network keeps the one they had
    at.sidebar.slider(key="mn_layers_n").set_value(2).run()
    model = at.session_state["mn:run"].task.model
    assert model.layer_sizes == [784, 100, 100, 10]
    for i in range(2):
        at.sidebar.number_input(key=f"mn_layers_units_{i}").set_value(512)
    at.run()
    assert any("no room for that network" in w.value and "the network it had" in w.value for w in at.warning)
    assert at.session_state["mn:run"].task.model is model
    assert at.sidebar.number_input(key="mn_layers_units_0").value == 100  # the sidebar shows what is trained


def test_malloc_hands_large_arrays_back_unless_the_operator_said_otherwise(monkeypatch):
    from ui.shell import server

    calls = []

    class Libc:
        def mallopt(self, param, value):
            calls.append((param, value))

    monkeypatch.setattr(server.ctypes, "CDLL", lambda name: Libc())
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    server._tune_malloc()
    assert calls == [(server.M_MMAP_THRESHOLD, 4 * 2**20)]
