"""The supervisor's policy on a clock of its own: backoff that grows, and giving up on the third
crash within a minute (the restarts themselves are shown on the real stack, tests/e2e)."""

import pytest

from tracebreak.local.supervisor import BACKOFF_S, Supervisor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pause_grows_and_the_third_crash_within_a_minute_gives_up():
    clock = Clock()
    supervisor = Supervisor(stack=None, say=print, clock=clock)  # type: ignore[arg-type]
    assert supervisor.pause_after_crash("broker") == BACKOFF_S[0]
    clock.now += 10
    assert supervisor.pause_after_crash("broker") == BACKOFF_S[1]
    assert supervisor.pause_after_crash("service-c") == BACKOFF_S[0]  # each part counts its own
    clock.now += 10
    assert supervisor.pause_after_crash("broker") is None


@pytest.mark.parametrize("later", [61, 120])
def test_crashes_older_than_a_minute_are_forgiven(later):
    clock = Clock()
    supervisor = Supervisor(stack=None, say=print, clock=clock)  # type: ignore[arg-type]
    supervisor.pause_after_crash("broker")
    supervisor.pause_after_crash("broker")
    clock.now += later
    assert supervisor.pause_after_crash("broker") == BACKOFF_S[0]
