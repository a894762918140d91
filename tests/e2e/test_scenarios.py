"""Every scenario, switched on with `tracebreak chaos scenario NAME`, gives the doctor exactly the
signatures it promises over a batch of requests; `chaos reset` turns it off."""

import pytest

from tests.support.chaos import sent_and_judged, wait_until_hit
from tests.support.stack import cli
from tracebreak.chaos.scenarios import SCENARIOS, Scenario

BATCH = 20


def chaos(stack, *args: str) -> str:
    config = stack.config
    done = cli(
        config, "chaos", "--flags", str(config.flags_file), "--envoy-admin", config.edge_admin_url, *args
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def last_breaker(scenario: Scenario) -> str:
    """Written last: once it acts, every toggle of the scenario is in force."""
    return [t.name for t, _ in scenario.settings if t.kind == "breaker"][-1]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_a_scenario_gives_the_doctor_exactly_its_signatures(stack, client_telemetry, scenario):
    said = chaos(stack, "scenario", scenario.name)
    assert scenario.page.split(".")[0] in " ".join(said.split())
    watched = last_breaker(scenario)
    try:
        wait_until_hit(stack, client_telemetry, watched, hit=True)
        _, verdicts = sent_and_judged(stack, client_telemetry, BATCH, batch=10)
        found = set().union(*(v.signatures for v in verdicts.values()))
        assert found == scenario.signatures, {rid: sorted(v.signatures) for rid, v in verdicts.items()}
    finally:
        chaos(stack, "reset")
    wait_until_hit(stack, client_telemetry, watched, hit=False)
