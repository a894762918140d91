"""Requests of a fixed shape (client, Envoy, A, its call to B, B) written straight as OTLP protobuf,
a ghost span in one request of every hundred: a store filled with many without running the stack."""

import random

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

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
