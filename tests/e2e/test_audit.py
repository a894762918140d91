"""`tracebreak audit` on the real local stack: seven items pass and item 6 is skipped when it is
healthy, also where tshark fails once the request was sent; with each breaker on at rate 1, the item
the article would catch it with fails and names the boundary, and a service that was handed nothing
to extract is blocked by that item, not failed."""

import json
from collections.abc import Callable

import pytest

from tests.support.chaos import set_toggle, toggled
from tests.support.stack import Audit, audit
from tracebreak.audit.checklist import PROPAGATORS

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
    "context-leak": (3, "service-a (long-lived worker)"),
    "thread-pool-without-context": (3, "service-c (thread pool)"),
    "propagator-mismatch": (7, "service-b (every boundary)"),
    "baggage-overflow": (7, "service-b -> service-c (Kafka)"),
}


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


def test_a_healthy_stack_passes_where_the_capture_fails_after_it_started(stack):
    """tshark says 'Capturing on' and then finds no such interface, after the request was sent: the
    audit judges that request from its traces, the client's own spans among them."""
    code, items = audit(stack, "--interface", "nosuch0")
    assert code == 0, json.dumps(items, indent=1)
    assert {n: item["status"] for n, item in items.items()} == {
        **{n: "PASS" for n in range(1, 9)},
        6: "SKIP",
    }, json.dumps(items, indent=1)
    not_captured = "not looked at: tshark could not capture on nosuch0"
    assert any(line.startswith(not_captured) for line in items[1]["evidence"]), items[1]
    assert any("one trace" in line and "tracebreak-client" in line for line in items[8]["evidence"])


@pytest.fixture(scope="module")
def audited(stack, client_telemetry) -> Callable[[str], Audit]:
    """The audit with a breaker on at rate 1, run once per breaker for every test that reads it."""
    runs: dict[str, Audit] = {}

    def with_breaker(breaker: str) -> Audit:
        if breaker in runs:
            return runs[breaker]
        if breaker == "silent-exception-recovery":  # it acts only when the database times out
            set_toggle(stack, breaker, 1.0)
            try:
                runs[breaker] = audit(stack)
            finally:
                set_toggle(stack, breaker, None)
        else:
            with toggled(stack, client_telemetry, breaker):
                runs[breaker] = audit(stack)
        return runs[breaker]

    return with_breaker


@pytest.mark.parametrize("breaker", list(CAUGHT_BY))
def test_each_breaker_fails_the_item_that_catches_it(audited, breaker):
    number, boundary = CAUGHT_BY[breaker]
    code, items = audited(breaker)
    assert code == 1
    item = items[number]
    assert item["status"] == "FAIL", item
    assert boundary in item["boundaries"], item
    assert item["fix"]


def test_a_consumer_handed_no_traceparent_is_blocked_not_failed(audited):
    """B registers no propagator: the record reaches C without a traceparent, so C had nothing to
    extract. Item 4 is blocked by item 1, which fails B's produce; item 2 fails B's root, not C's."""
    _, items = audited("propagator-not-registered")
    kafka = items[4]
    assert kafka["status"] == "BLOCKED" and kafka["blocked_by"] == [1], kafka
    assert kafka["boundaries"] == [] and kafka["fix"] is None
    assert any(
        "nothing arrived to extract: broker -> service-c (Kafka fetch) carried no traceparent (see item 1)"
        in line
        for line in kafka["evidence"]
    ), kafka
    assert items[1]["status"] == "FAIL" and items[1]["boundaries"] == ["service-b -> broker"], items[1]
    assert items[2]["status"] == "FAIL" and items[2]["boundaries"] == ["service-b"], items[2]
    assert items[7]["boundaries"] == ["service-b (every boundary)"]  # once, not once per source
    # The produce carried nothing because B's propagators write nothing: item 1's fix is item 7's.
    assert items[1]["fix"] == PROPAGATORS.fix, items[1]


@pytest.mark.parametrize(
    ("breaker", "callee"), [("strip-traceparent-at-lb", "service-a"), ("uninstrumented-client", "service-b")]
)
def test_a_callee_handed_no_traceparent_is_no_root_of_its_own(audited, breaker, callee):
    """Envoy strips A's header, or A's client injects none into B's: item 1 fails that hop alone,
    and the callee's new trace blocks item 2 instead of failing it."""
    _, items = audited(breaker)
    assert items[1]["boundaries"] == [CAUGHT_BY[breaker][1]], items[1]
    roots = items[2]
    assert roots["status"] == "BLOCKED" and roots["blocked_by"] == [1], roots
    assert any(
        line.startswith(f"{callee} starts trace") and "(see item 1)" in line for line in roots["evidence"]
    )
    assert items[4]["status"] == "PASS", items[4]


@pytest.mark.parametrize(
    ("breaker", "start"),
    [
        ("kafka-consumer-no-extract", "service-c ('enrichment.requests process')"),
        ("orphan-background-task", "service-a ('audit order')"),
    ],
)
def test_a_trace_split_inside_a_service_names_where_the_second_trace_starts(audited, breaker, start):
    """The request's trace crosses every service and a second one starts inside one of them: item 8
    names that service and span, as the evidence shows, not 'every service'."""
    _, items = audited(breaker)
    synthetic = items[8]
    assert synthetic["status"] == "FAIL" and synthetic["boundaries"] == [start], synthetic


def test_a_request_whose_work_sits_in_another_requests_trace_fails_item_3_from_its_traces(audited):
    """context-leak: the audited request's notice is in the trace of the request that started the
    worker. Item 3 says so from the traces, beside lint's WRONG branch; item 2 finds no new root."""
    _, items = audited("context-leak")
    tasks = items[3]
    assert any(
        line.startswith("service-a ('notify order served') of request ") and "holds" in line
        for line in tasks["evidence"]
    ), tasks
    assert items[2]["status"] == "PASS", items[2]


def test_a_baggage_cut_off_fails_item_7_with_its_sizes(audited):
    """The traces say it, not only lint: what B set against what C got, tenant.id among the lost."""
    _, items = audited("baggage-overflow")
    cut = [line for line in items[7]["evidence"] if line.startswith("baggage cut off: service-b set")]
    assert cut and "tenant.id" in cut[0] and "the W3C limit is 8,192" in cut[0], items[7]
