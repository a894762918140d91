"""A trace store filled with requests the doctor judges, and the doctor's verdict over it through
Jaeger's API, as `tracebreak doctor --json` prints it."""

import time

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from starlette.testclient import TestClient

from tests.support.spans import otlp_protobuf
from tracebreak.doctor import report
from tracebreak.store.database import Database
from tracebreak.store.ingest import ingest_app
from tracebreak.traces.otlp import PROTOBUF
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
