"""The store's `/api/v3`, in Jaeger v2's shape: the doctor reads the same verdict through it as
through Jaeger's `/api` and the store's own `/api/doctor`."""

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from starlette.testclient import TestClient

from tests.support.doctor_store import HOUR_US, filled, judged
from tracebreak.doctor import report
from tracebreak.store.database import Database
from tracebreak.store.query import query_app
from tracebreak.traces.query import TraceQuery
from tracebreak.traces.sources.jaeger_v3 import JaegerV3, rfc3339


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return filled(tmp_path_factory.mktemp("v3") / "traces.db")


@pytest.fixture(scope="module")
def client(store: Database) -> TestClient:
    return TestClient(query_app(store))


def window() -> dict[str, str]:
    now_us = time.time_ns() // 1000
    return {"query.start_time_min": rfc3339(now_us - HOUR_US), "query.start_time_max": rfc3339(now_us)}


def test_the_doctor_gives_the_same_verdict_through_v3_as_through_the_store(client: TestClient) -> None:
    now_us = time.time_ns() // 1000
    through_v3 = report.judge(JaegerV3("http://testserver", http=client), now_us - HOUR_US, now_us, 0)
    del through_v3["totals"]["took_seconds"]
    expected = judged(client.app)
    assert through_v3["totals"]["requests"] == 6
    assert through_v3["requests"] == expected["requests"]
    assert through_v3["totals"] == expected["totals"]


def test_a_search_answers_otlp_json_with_the_stored_hex_ids(client: TestClient) -> None:
    answer = client.get("/api/v3/traces", params={"query.service_name": "service-a", **window()})
    assert answer.status_code == 200
    spans = [
        span
        for resource in answer.json()["result"]["resourceSpans"]
        for scope in resource["scopeSpans"]
        for span in scope["spans"]
    ]
    v1 = TraceQuery("http://testserver", http=client)
    stored = {(s.trace_id, s.span_id, s.parent_id or "") for t in v1.find("service-a") for s in t.spans}
    assert {(s["traceId"], s["spanId"], s["parentSpanId"]) for s in spans} == stored
    assert {s["kind"] for s in spans} == {1, 2, 3}  # integer enums, as Jaeger's gateway writes them


def test_a_search_filters_by_attributes(client: TestClient) -> None:
    params = {"query.service_name": "service-a", "query.attributes": '{"http.request.method": "POST"}'}
    found = client.get("/api/v3/traces", params={**params, **window()}).json()["result"]["resourceSpans"]
    assert found
    nothing = {**params, "query.attributes": '{"http.request.method": "PATCH"}', **window()}
    answer = client.get("/api/v3/traces", params=nothing)
    assert answer.status_code == 404 and answer.json()["error"]["httpCode"] == 404


def test_a_search_without_its_window_is_a_400_naming_the_parameter(client: TestClient) -> None:
    answer = client.get("/api/v3/traces", params={"query.service_name": "service-a"})
    assert answer.status_code == 400
    assert "query.start_time_min" in answer.json()["error"]["message"]


def test_one_trace_and_a_missing_one(client: TestClient) -> None:
    source = JaegerV3("http://testserver", http=client)
    [first, *_] = TraceQuery("http://testserver", http=client).find("service-b")
    trace = source.trace(first.trace_id)
    assert trace is not None
    assert [(s.span_id, s.parent_id, s.kind, s.tags) for s in trace.spans] == [
        (s.span_id, s.parent_id, s.kind, s.tags) for s in first.spans
    ]
    assert source.trace("0" * 31 + "1") is None


def test_services_and_operations(client: TestClient) -> None:
    assert client.get("/api/v3/services").json() == {"services": ["service-a", "service-b"]}
    answer = client.get("/api/v3/operations", params={"service": "service-a", "span_kind": "server"})
    assert answer.json() == {"operations": [{"name": "GET /orders/{order_id}", "spanKind": "server"}]}


def test_a_search_window_is_read_to_the_microsecond_whatever_its_offset(client: TestClient) -> None:
    [first, *_] = TraceQuery("http://testserver", http=client).find("service-a")
    start_us = min(s.start_us for s in first.spans if s.service == "service-a")

    def found_at(time_us: int) -> set[str]:
        """The trace ids a search from `time_us` to `time_us` finds, the time written in +01:00 with
        nanoseconds, as RFC 3339 allows."""
        moment = datetime.fromtimestamp(0, UTC) + timedelta(microseconds=time_us)
        text = moment.astimezone(timezone(timedelta(hours=1))).strftime("%Y-%m-%dT%H:%M:%S.%f789+01:00")
        params = {
            "query.service_name": "service-a",
            "query.start_time_min": text,
            "query.start_time_max": text,
        }
        answer = client.get("/api/v3/traces", params=params)
        if answer.status_code == 404:
            return set()
        resources = answer.json()["result"]["resourceSpans"]
        return {s["traceId"] for r in resources for scope in r["scopeSpans"] for s in scope["spans"]}

    assert first.trace_id in found_at(start_us)
    assert first.trace_id not in found_at(start_us - 1) | found_at(start_us + 1)
