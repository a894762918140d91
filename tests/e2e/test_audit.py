"""`tracebreak audit` on the real local stack: seven items pass and item 6 is skipped when it is
healthy; with each breaker on at rate 1, the item the article would catch it with fails and names
the boundary."""

import json

import pytest

from tests.e2e.chaos_support import set_toggle, toggled
from tests.e2e.conftest import cli

# Breaker -> (the checklist item that catches it, the boundary it names).
CAUGHT_BY = {
    "strip-traceparent-at-lb": (1, "envoy -> service-a"),
    "uninstrumented-client": (1, "service-a -> service-b"),
    "orphan-background-task": (3, "service-a (background task)"),
    "kafka-consumer-no-extract": (4, "service-b -> service-c (Kafka)"),
    "logs-without-trace-id": (5, "service-b's logs"),
    "propagator-not-registered": (7, "service-b (every boundary)"),
    "sampler-not-parent-based": (8, "service-a -> service-b"),
    "silent-exception-recovery": (8, "service-c (orders database)"),
}


def audit(stack) -> tuple[int, dict[int, dict]]:
    config = stack.config
    args = ["audit", "--json", "--flags", str(config.flags_file), "--envoy-admin", config.edge_admin_url]
    result = cli(config, *args, *stack.config.port_flags(), timeout_s=120)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, {item["item"]: item for item in json.loads(result.stdout)["items"]}


def test_a_healthy_stack_passes_seven_items_and_skips_the_collector(stack):
    code, items = audit(stack)
    assert code == 0
    assert {n: item["status"] for n, item in items.items()} == {
        **{n: "PASS" for n in range(1, 9)},
        6: "SKIP",
    }, json.dumps(items, indent=1)
    assert "no collector runs on the local stack" in items[6]["evidence"][0]
    # Evidence, not a bare PASS: the wire's calls, the roots, the log lines, the one trace.
    assert any("each carries a traceparent" in line for line in items[1]["evidence"])
    assert any("one trace" in line for line in items[8]["evidence"])
    # The services' WRONG branches are in the source, switched off: seen, and said so.
    assert any("off (deliberate, not running)" in line for line in items[3]["evidence"])


@pytest.mark.parametrize("breaker", list(CAUGHT_BY))
def test_each_breaker_fails_the_item_that_catches_it(stack, client_telemetry, breaker):
    number, boundary = CAUGHT_BY[breaker]
    if breaker == "silent-exception-recovery":  # it acts only when the database times out
        set_toggle(stack, breaker, 1.0)
        try:
            code, items = audit(stack)
        finally:
            set_toggle(stack, breaker, None)
    else:
        with toggled(stack, client_telemetry, breaker):
            code, items = audit(stack)
    assert code == 1
    item = items[number]
    assert item["status"] == "FAIL", item
    assert boundary in item["boundaries"], item
    assert item["fix"]
