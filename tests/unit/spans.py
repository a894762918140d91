"""Real SDK spans, recorded in memory and encoded as the OTLP exporter would send them."""

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode


def record_cascade(service: str = "service-a") -> list[ReadableSpan]:
    """A server span with a failing client child that carries an event and typed attributes."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("tests")
    with tracer.start_as_current_span("GET /orders/{order_id}", kind=SpanKind.SERVER) as server:
        server.set_attribute("http.request.header.x-request-id", "rid-1")
        with tracer.start_as_current_span("SELECT orders", kind=SpanKind.CLIENT) as client:
            client.set_attributes(
                {"db.system.name": "postgresql", "retries": 2, "ratio": 0.5, "cached": False}
            )
            client.set_attribute("tags", ["a", "b"])
            client.add_event("timeout", {"after_ms": 500})
            client.set_status(Status(StatusCode.ERROR, "downstream timed out"))
    provider.shutdown()
    return list(exporter.get_finished_spans())


def otlp_protobuf(spans: list[ReadableSpan]) -> bytes:
    return encode_spans(spans).SerializeToString()
