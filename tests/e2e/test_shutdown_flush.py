"""SIGTERM to each service in turn loses no span: each one flushes on its way out."""

import httpx
import pytest
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

from tests.support.stack import SERVICE_SPANS, has_spans, span_counts, start_stack
from tracebreak.demo import DEMO_TOKEN
from tracebreak.traces.query import TraceQuery

REQUESTS = 8


@pytest.fixture(scope="module")
def slow_export_stack(tmp_path_factory):
    # Batches would leave only after a minute: whatever reaches the store sooner was flushed at exit.
    env = {"OTEL_BSP_SCHEDULE_DELAY": "60000", "OTEL_BLRP_SCHEDULE_DELAY": "60000"}
    yield from start_stack(tmp_path_factory.mktemp("flush"), service_env=env)


def test_sigterm_to_each_service_in_turn_keeps_every_span(slow_export_stack):
    stack = slow_export_stack
    with httpx.Client(timeout=10) as http:
        HTTPXClientInstrumentor.uninstrument_client(http)
        responses = [
            http.get(f"{stack.config.edge_url}/orders/{n}", headers={"authorization": f"Bearer {DEMO_TOKEN}"})
            for n in range(1, REQUESTS + 1)
        ]
    assert [r.status_code for r in responses] == [200] * REQUESTS
    trace_ids = [r.headers["traceresponse"].split("-")[1] for r in responses]

    for service in ("service-a", "service-b", "service-c"):
        assert stack.stop_part(service) is not None

    query = TraceQuery(stack.config.query_url)
    try:
        for trace_id in trace_ids:
            trace = query.wait_for_trace(trace_id, complete=has_spans(SERVICE_SPANS), timeout_s=15)
            assert trace is not None, trace_id
            assert span_counts(trace) == SERVICE_SPANS, trace_id
            assert len(trace.roots) == 1 and not trace.unresolved
    finally:
        query.close()
