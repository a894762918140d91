"""Failures reach the caller with a clear status, and the trace records them; nothing hangs."""

import time

import pytest

from tests.support.stack import cli_request, start_stack
from tracebreak.runtime.settings import Settings

REPLY_TIMEOUT_MS = 1000


@pytest.fixture(scope="module")
def failing_stack(tmp_path_factory):
    settings = Settings(reply_timeout_ms=REPLY_TIMEOUT_MS, auth_deadline_ms=4000)
    yield from start_stack(tmp_path_factory.mktemp("failing"), settings=settings)


@pytest.fixture(scope="module")
def failing_query(failing_stack):
    from tracebreak.traces.query import TraceQuery

    reader = TraceQuery(failing_stack.config.query_url)
    yield reader
    reader.close()


def a_spans_complete(trace):
    kinds = {(s.service, s.kind) for s in trace.spans}
    return {("service-a", "server"), ("service-a", "client"), ("tracebreak-client", "internal")} <= kinds


def test_with_b_stopped_a_answers_503_and_the_trace_records_it(failing_stack, failing_query):
    failing_stack.stop_part("service-b")
    try:
        answer = cli_request(failing_stack.config, "42")
    finally:
        failing_stack.start_part("service-b")
    assert answer["status"] == 503
    assert answer["body"]["error"] == "auth_unavailable" and answer["body"]["trace_id"] == answer["trace_id"]
    trace = failing_query.wait_for_trace(answer["trace_id"], complete=a_spans_complete)
    [grpc_call] = [s for s in trace.spans if s.service == "service-a" and s.kind == "client"]
    assert grpc_call.failed
    [server] = [s for s in trace.spans if s.service == "service-a" and s.kind == "server"]
    assert server.failed and server.tags["http.response.status_code"] == 503
    assert "service-b" not in trace.services


def test_the_stack_serves_again_once_b_is_back(failing_stack):
    """A's channel reconnects by itself; the first requests after B's return may still fail fast."""
    deadline = time.monotonic() + 15
    statuses = [cli_request(failing_stack.config, "42")["status"]]
    while statuses[-1] != 200 and time.monotonic() < deadline:
        statuses.append(cli_request(failing_stack.config, "42")["status"])
    assert statuses[-1] == 200, statuses
    assert set(statuses) <= {503, 200}


def test_a_reply_that_never_comes_gives_504_within_the_deadline(failing_stack, failing_query):
    # Last in this module: C stays down (a restarted consumer takes many seconds to rejoin its group).
    failing_stack.stop_part("service-c")
    # The CLI's own timeout bounds the wait: a hang fails the test instead of stalling it.
    answer = cli_request(failing_stack.config, "42")
    assert answer["status"] == 504
    assert answer["body"]["error"] == "deadline_exceeded"
    assert f"no reply from enrichment within {REPLY_TIMEOUT_MS} ms" in answer["body"]["message"]
    trace = failing_query.wait_for_trace(answer["trace_id"], complete=a_spans_complete)
    [b_server] = [s for s in trace.spans if s.service == "service-b" and s.kind == "server"]
    assert b_server.failed
    assert REPLY_TIMEOUT_MS * 1000 <= b_server.duration_us < 4_000_000
    [request_sent] = [s for s in trace.spans if s.service == "service-b" and s.kind == "producer"]
    assert not request_sent.failed  # the request was handed over; nobody answered it
    assert "service-c" not in trace.services


def test_a_broker_that_goes_away_gives_503_naming_it(failing_stack):
    """After C's test: the request waits for no consumer, only for the broker's acknowledgement."""
    failing_stack.stop_part("broker")
    answer = cli_request(failing_stack.config, "42")
    assert answer["status"] == 503
    assert "broker" in answer["body"]["message"], answer["body"]
