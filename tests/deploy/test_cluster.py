"""Replicas behind HAProxy on loopback, played by protocol learners (bench/learners.py): affinity,
a replica killed mid-run, and one replica far past what it can serve."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.learners import Learner, crowd
from deploy.cluster import Cluster

pytestmark = pytest.mark.e2e


def run(scenario) -> None:
    """``asyncio.run`` in a thread of its own: pytest-playwright keeps an event loop running in the
    main thread once a browser test has run."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


async def wait_for(what, timeout: float) -> bool:
    """Poll ``what()`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


def page_errors(learner: Learner) -> list[str]:
    """What the page showed that it should not have (a dropped connection is not the page's fault)."""
    return [e for e in learner.tally.errors if not e.startswith("connection:")]


async def stop(learners: list[Learner], running: asyncio.Task) -> None:
    for x in learners:
        x.until = 0.0
    await running


def test_learners_keep_their_replica_and_survive_losing_one(haproxy):
    with Cluster(2) as cluster:

        async def scenario():
            learners = [Learner(cluster.url) for _ in range(6)]
            running = asyncio.create_task(crowd(learners, float("inf"), ramp=0.1))
            try:
                assert await wait_for(lambda: all(len(x.tally.ticks) >= 5 for x in learners), 90)
                for x in learners:  # one connection each, and one server process behind it
                    assert len(x.tally.replicas) == 1 and len(x.tally.boots) == 1, x.tally
                    assert x.cookies["BLREPLICA"] == x.tally.replicas[0] and not x.tally.errors
                by_replica = {r.name: [x for x in learners if x.tally.replicas[0] == r.name] for r in cluster.replicas}
                assert all(by_replica.values()), "leastconn spreads six learners over both replicas"

                victim, survivor = (r.name for r in cluster.replicas)
                moved, stayed = by_replica[victim], by_replica[survivor]
                at_kill = {id(x): len(x.tally.ticks) for x in learners}
                cluster.kill(victim)

                # the moved learners see "the server restarted", press Play again and play on the
                # survivor; the others never notice
                def recovered():
                    return all(x.tally.restarts == 1 and len(x.tally.ticks) >= at_kill[id(x)] + 2 for x in moved)

                assert await wait_for(recovered, 60), [x.tally for x in moved]
                assert await wait_for(lambda: all(len(x.tally.ticks) >= at_kill[id(x)] + 3 for x in stayed), 30)
                survivor_boot = stayed[0].tally.boots[0]
                for x in moved:
                    assert x.tally.replicas[-1] == survivor and x.cookies["BLREPLICA"] == survivor
                    assert x.tally.boots[-1] == survivor_boot and not page_errors(x), x.tally
                for x in stayed:
                    assert x.tally.replicas == [survivor] and x.tally.boots == [survivor_boot] and not x.tally.errors

                newcomer = Learner(cluster.url)  # lands on the survivor: the dead replica is out
                joined = asyncio.create_task(newcomer.run(float("inf")))
                assert await wait_for(lambda: len(newcomer.tally.ticks) >= 1, 30), newcomer.tally
                assert newcomer.tally.replicas == [survivor] and newcomer.tally.boots == [survivor_boot]
                assert not newcomer.tally.errors
                await stop([newcomer], joined)
            finally:
                await stop(learners, running)

        run(scenario)


def test_one_replica_far_past_capacity_still_serves_every_learner(haproxy):
    # without the session cap: the pace alone must keep every learner served (a learner alone
    # takes ~10% of a core at one tick a second; sixty ask for six cores)
    with Cluster(1, env={"BACKPROP_LAB_MAX_SESSIONS": "0"}) as cluster:

        async def scenario():
            learners = [Learner(cluster.url) for _ in range(60)]
            running = asyncio.create_task(crowd(learners, float("inf"), ramp=0.05))
            try:
                served = await wait_for(lambda: all(len(x.tally.ticks) >= 3 for x in learners), 120)
                starved = [x.tally for x in learners if len(x.tally.ticks) < 3]
                assert served, f"{len(starved)} of 60 learners got fewer than 3 frames: {starved[:2]}"
                assert not [x.tally.errors for x in learners if x.tally.errors]
                assert all(x.tally.ticks[-1][1] >= 1 for x in learners)  # every frame carries pictures
            finally:
                await stop(learners, running)

        run(scenario)
