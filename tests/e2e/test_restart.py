"""A replica that dies and is started again (as `python -m deploy` does): the learner's canvas says
the run was lost instead of playing on as if nothing happened."""

import time

import pytest

from deploy.cluster import Cluster

pytestmark = pytest.mark.e2e


def _epoch(page) -> str:
    return page.locator(".bl-metric").filter(has_text="epoch").first.locator(".bl-metric-value").inner_text()


def _wait(what, timeout: float) -> bool:
    deadline = time.time() + timeout
    while not what():
        if time.time() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_a_learner_whose_replica_restarted_is_told_and_plays_again(page, haproxy):
    with Cluster(1) as cluster:
        page.goto(cluster.url + "/playground")
        page.locator('[data-testid="live-view"]').wait_for(timeout=60_000)
        page.locator(".bl-play").click()
        assert _wait(lambda: _epoch(page) not in ("0.0", "–"), 30)

        cluster.kill("r1")
        cluster.revive()
        page.locator(".bl-status", has_text="server restarted").wait_for(timeout=90_000)
        assert page.locator(".bl-play").get_attribute("aria-pressed") == "false"
        assert _epoch(page) == "0.0"  # a fresh model, shown as such
        assert page.locator('[data-testid="stException"]').count() == 0

        page.locator(".bl-play").click()
        # (a replica just started answers its first Play slowly on a loaded machine: the wait was unchecked)
        assert _wait(lambda: _epoch(page) != "0.0", 90)
        assert "restarted" not in page.locator(".bl-status").inner_text()
