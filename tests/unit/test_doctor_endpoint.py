"""The store's GET /api/doctor: the verdict judged in-process from the database is the one the doctor
reaches through Jaeger's API, which it falls back to where the endpoint is absent (a real Jaeger)."""

import time

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from starlette.testclient import TestClient

from tests.unit.spans import otlp_protobuf
from tracebreak.doctor import report
from tracebreak.store.database import Database
from tracebreak.store.ingest import ingest_app
from tracebreak.store.otlp import PROTOBUF
from tracebreak.store.query import query_app
from tracebreak.traces.query import TraceQuery

HOUR_US = 3_600_000_000


def record(service: str, request_id: str, ghost: bool = False, failed: bool = False) -> list:
    """One request's spans in `service`: a server span and its client call; a ghost span of its own
    trace (carrying the request id) where asked; a failure, and a span link, to be judged alike."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("tests")
    with tracer.start_as_current_span("GET /orders/{order_id}", kind=SpanKind.SERVER) as server:
        server.set_attributes(
            {"http.request.header.x-request-id": (request_id,), "http.request.method": "GET"}
        )
        with tracer.start_as_current_span(
            "POST /pay", kind=SpanKind.CLIENT, links=[Link(server.get_span_context())]
        ) as call:
            call.set_attributes({"http.request.method": "POST", "url.full": "http://pay/pay"})
            if failed:
                call.add_event("exception", {"exception.type": "Timeout", "exception.message": "late"})
                call.set_status(Status(StatusCode.ERROR, "late"))
    if ghost:
        with tracer.start_as_current_span("audit order", context=None, kind=SpanKind.INTERNAL) as orphan:
            orphan.set_attribute("http.request.header.x-request-id", request_id)
    provider.shutdown()
    return list(exporter.get_finished_spans())  # fmt: skip


def filled(path) -> Database:
    """A store holding six requests: two with a ghost span, one failed."""
    database = Database(path)
    ingest = TestClient(ingest_app(database))
    for n in range(6):
        spans = record(f"service-{'ab'[n % 2]}", f"rid-{n}", ghost=n % 3 == 0, failed=n == 4)
        response = ingest.post("/v1/traces", content=otlp_protobuf(spans), headers={"content-type": PROTOBUF})
        assert response.status_code == 200
    return database


@pytest.fixture
def db(tmp_path):
    database = filled(tmp_path / "traces.db")
    yield database
    database.close()


def judged(app) -> dict:
    """The doctor's verdict over the last hour, as `tracebreak doctor --json` prints it (bar the time)."""
    now_us = time.time_ns() // 1000
    query = TraceQuery("http://testserver", http=TestClient(app))
    found = report.judge(query, now_us - HOUR_US, now_us, settle_us=0)
    del found["totals"]["took_seconds"]
    return found


def without_doctor(app):
    """The store's query API as a real Jaeger has it: no /api/doctor."""
    app.router.routes = [route for route in app.router.routes if route.path != "/api/doctor"]
    return app


def test_the_store_judges_in_process_what_the_doctor_judges_through_jaegers_api(db):
    in_process = judged(query_app(db))
    through_jaeger = judged(without_doctor(query_app(db)))
    assert in_process == through_jaeger
    totals = in_process["totals"]
    assert totals["requests"] == 6 and totals["by_signature"]["ghost-span"] == 2
    assert totals["failed_requests"] == 1
    assert [r["request_id"] for r in in_process["requests"]] == [f"rid-{n}" for n in range(6)]


def test_the_endpoint_answers_the_doctors_json_over_a_lookback(db):
    response = TestClient(query_app(db)).get("/api/doctor", params={"lookback": "1h", "settle": "0s"})
    assert response.status_code == 200
    assert response.json()["totals"]["requests"] == 6
    assert response.json()["source"] == "http://testserver"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "yesterday"}, "'start' must be an integer"),
        ({"start": "20", "end": "10"}, "'start' (20) is after 'end' (10)"),
        ({"lookback": "a while"}, "is not a duration"),
        ({"settle": "-1"}, "is not a duration"),
    ],
)
def test_bad_parameters_get_a_jaeger_error(db, params, message):
    response = TestClient(query_app(db)).get("/api/doctor", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["data"] is None and body["errors"][0]["code"] == 400
    assert message in body["errors"][0]["msg"]


def test_a_limit_judges_the_newest_requests_only(db):
    app = query_app(db)
    found = TestClient(app).get("/api/doctor", params={"lookback": "1h", "settle": "0s", "limit": 2}).json()
    assert [r["request_id"] for r in found["requests"]] == ["rid-4", "rid-5"]
