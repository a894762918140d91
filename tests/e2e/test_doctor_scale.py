"""The doctor over a store holding more than 10,000 traces: every request judged, and the time said."""

import json
import os
import random
import subprocess
import sys
import time

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from tracebreak.local.parts import trace_store
from tracebreak.runtime.ports import Ports

REQUESTS = 10_000
GHOST_EVERY = 100  # one request in a hundred has a ghost span
KINDS = {
    "internal": Span.SPAN_KIND_INTERNAL,
    "server": Span.SPAN_KIND_SERVER,
    "client": Span.SPAN_KIND_CLIENT,
}
# (service, name, kind, parent index, request-id attribute)
SHAPE = [
    ("tracebreak-client", "request order", "internal", None, None),
    ("envoy", "ingress", "server", 0, "guid:x-request-id"),
    ("service-a", "GET /orders/{order_id}", "server", 1, "http.request.header.x-request-id"),
    ("service-a", "/tracebreak.auth.v1.Auth/AuthorizeOrder", "client", 2, None),
    (
        "service-b",
        "/tracebreak.auth.v1.Auth/AuthorizeOrder",
        "server",
        3,
        "rpc.grpc.request.metadata.x-request-id",
    ),
]


def add_span(request, service, trace_id, span_id, parent, name, kind, start_ns, attributes):
    resource_spans = request.resource_spans.add()
    attribute = resource_spans.resource.attributes.add()
    attribute.key, attribute.value.string_value = "service.name", service
    span = resource_spans.scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.parent_span_id = trace_id, span_id, parent
    span.name, span.kind = name, KINDS[kind]
    span.start_time_unix_nano, span.end_time_unix_nano = start_ns, start_ns + 1_000_000
    for key, value in attributes.items():
        kv = span.attributes.add()
        kv.key, kv.value.string_value = key, value


def synthetic_batch(first, count, start_ns):
    request = ExportTraceServiceRequest()
    rng = random.Random(first)
    for n in range(first, first + count):
        request_id = f"req-{n:05d}"
        trace_id = rng.randbytes(16)
        ids = [rng.randbytes(8) for _ in SHAPE]
        for i, (service, name, kind, parent, key) in enumerate(SHAPE):
            attributes = {key: request_id} if key else {}
            if kind == "client":
                attributes["rpc.system"] = "grpc"
            add_span(request, service, trace_id, ids[i], ids[parent] if parent is not None else b"", name, kind,
                     start_ns + n * 1000 + i * 10, attributes)  # fmt: skip
        if n % GHOST_EVERY == 0:
            add_span(request, "service-a", rng.randbytes(16), rng.randbytes(8), b"", "audit order", "internal",
                     start_ns + n * 1000 + 100, {"http.request.header.x-request-id": request_id})  # fmt: skip
    return request.SerializeToString()


@pytest.fixture
def store(tmp_path):
    ports = Ports.free()
    query_url = f"http://127.0.0.1:{ports.query}"
    part = trace_store(ports, tmp_path / "traces.db", dict(os.environ), tmp_path / "store.log")
    part.start()
    try:
        part.wait_healthy(30)
        yield f"http://127.0.0.1:{ports.otlp}", query_url
    finally:
        part.stop()


def fill(otlp_url, requests):
    start_ns = time.time_ns() - 600 * 10**9
    for first in range(0, requests, 1000):
        response = httpx.post(f"{otlp_url}/v1/traces", content=synthetic_batch(first, min(1000, requests - first), start_ns),
                              headers={"content-type": "application/x-protobuf"}, timeout=60)  # fmt: skip
        assert response.status_code == 200


def test_the_doctor_judges_ten_thousand_requests_and_says_how_long_it_took(store):
    otlp_url, query_url = store
    fill(otlp_url, REQUESTS)
    doctor = subprocess.run(
        [sys.executable, "-m", "tracebreak.cli", "doctor", "--since", "1h", "--source", query_url, "--json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert doctor.returncode == 0, doctor.stderr
    totals = json.loads(doctor.stdout)["totals"]
    print(f"doctor over {REQUESTS + REQUESTS // GHOST_EVERY} traces: {totals['took_seconds']} s")
    assert totals["requests"] == REQUESTS
    assert totals["broken"] == REQUESTS // GHOST_EVERY == totals["by_signature"]["ghost-span"]
    assert totals["ghost_spans"] == REQUESTS // GHOST_EVERY
    assert totals["took_seconds"] > 0


def test_the_doctor_gates_a_ci_run_with_fail_on(store):
    otlp_url, query_url = store
    fill(otlp_url, 300)

    def doctor(*args):
        run = subprocess.run([sys.executable, "-m", "tracebreak.cli", "doctor", "--since", "1h", "--source", query_url, *args],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        return run.returncode, run.stdout + run.stderr

    assert doctor("--json", "--fail-on", "ghost-span")[0] == 1
    assert doctor("--json", "--fail-on", "any")[0] == 1
    assert doctor("--json", "--fail-on", "uninstrumented-client,hidden-error-origin")[0] == 0
    code, output = doctor("--fail-on", "no-such-signature")
    assert code == 2 and "unknown signature" in output and "Traceback" not in output
    code, output = doctor("--show", "2")
    assert code == 0 and "ghost-span" in output and "99.0% whole" in output and "Took" in output
