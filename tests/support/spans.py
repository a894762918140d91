"""Real SDK spans, recorded in memory and encoded as the OTLP exporter would send them."""

import base64
from contextlib import ExitStack

from aiokafka import TopicPartition
from aiokafka.structs import RecordMetadata
from google.protobuf.json_format import MessageToDict
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from tracebreak.local.loops import run_beside_any_loop
from tracebreak.runtime import messaging

SERVER, CLIENT, PRODUCER, CONSUMER = SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER


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


def otlp_json(spans: list[ReadableSpan]) -> dict:
    """The spans as OTLP/JSON writes them (a Collector's file exporter, a document a line): protobuf's
    JSON mapping of the exporter's request, its base64 ids written as the hex OTLP/JSON takes."""
    document = MessageToDict(encode_spans(spans))
    for resource in document["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
    return document


STOCK_CALL = {"http.request.method": "GET", "server.address": "stock", "url.full": "http://stock/items/1"}


def record_call(request_id: str | None, carried: bool) -> list[ReadableSpan]:
    """One request through two services, shop calling stock over HTTP with the W3C propagator, each
    server span recording the request id (where there is one): the context carried across (one trace),
    or lost on the way (stock's server span a root of its own)."""
    exporter = InMemorySpanExporter()
    shop, stock = (_tracer(service, exporter) for service in ("shop", "stock"))
    recorded = {"http.request.header.x-request-id": request_id} if request_id else {}
    w3c = TraceContextTextMapPropagator()
    with (
        shop.start_as_current_span(
            "GET /orders/{id}", kind=SERVER, attributes={**recorded, **_route("/orders/{id}")}
        ),
        shop.start_as_current_span("GET", kind=CLIENT, attributes=STOCK_CALL),
    ):
        headers: dict[str, str] = {}
        w3c.inject(headers)
        received = w3c.extract(headers if carried else {})
        stock.start_span("GET /items/{id}", received, SERVER, {**recorded, **_route("/items/{id}")}).end()
    return list(exporter.get_finished_spans())


def _tracer(service: str, exporter: InMemorySpanExporter) -> Tracer:
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("tests")


def _route(route: str) -> dict:
    return {"http.request.method": "GET", "http.route": route}


class Broker:
    """A producer as `messaging.send` uses it: the broker takes each record at the next offset."""

    def __init__(self, partition: int, offset: int) -> None:
        self.partition, self.offset = partition, offset

    async def send_and_wait(self, topic: str, value: bytes, headers: object = None) -> RecordMetadata:
        self.offset += 1
        where = TopicPartition(topic, self.partition)
        return RecordMetadata(topic, self.partition, where, self.offset - 1, -1, 0, -1)


REQUESTS, REPLIES = "enrichment.requests.g1", "enrichment.replies.g1"
GRPC = {"rpc.system": "grpc", "rpc.service": "tracebreak.auth.v1.Auth"}


def record_blind_b(request_id: str) -> list[ReadableSpan]:
    """One request with no propagator in B, its 14 spans as the local stack records them (read off a
    real run): B's server span, C's receive and processing spans and B's receive of the reply each
    start a trace; the receive spans carry no request id, only the record they received. The aiokafka
    PRODUCER spans name a partition of their own drawing and no offset; the span each record was
    sent from says where it landed (`messaging.send`)."""
    exporter = InMemorySpanExporter()
    tracers = {}
    for service in ("tracebreak-client", "envoy", "service-a", "service-b", "service-c"):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracers[service] = provider.get_tracer("tests")
    client, envoy, a = tracers["tracebreak-client"], tracers["envoy"], tracers["service-a"]
    rid = {"http.request.header.x-request-id": request_id}
    with ExitStack() as request:
        for tracer, name, kind, attributes in (
            (client, "request order", SpanKind.INTERNAL, {}),
            (client, "GET", CLIENT, {"http.request.method": "GET"}),
            (envoy, "ingress", SERVER, {"guid:x-request-id": request_id}),
            (envoy, "router service-a egress", CLIENT, {"upstream_cluster": "service-a"}),
            (a, "GET /orders/{order_id}", SERVER, rid),
        ):
            request.enter_context(tracer.start_as_current_span(name, kind=kind, attributes=attributes))
        with a.start_as_current_span("/tracebreak.auth.v1.Auth/AuthorizeOrder", kind=CLIENT, attributes=GRPC):
            _blind_b(tracers["service-b"], tracers["service-c"], request_id)
        a.start_span("audit order", attributes=rid).end()
    return list(exporter.get_finished_spans())


def _kafka(topic: str, partition: int, **more: object) -> dict:
    return {
        "messaging.system": "kafka",
        "messaging.destination.name": topic,
        "messaging.destination.partition.id": str(partition),
        **more,
    }


def _blind_b(b: Tracer, c: Tracer, request_id: str) -> None:
    grpc = {**GRPC, "rpc.grpc.request.metadata.x-request-id": request_id, "rpc.grpc.status_code": 0}
    with b.start_as_current_span("/tracebreak.auth.v1.Auth/AuthorizeOrder", Context(), SERVER, grpc):
        b.start_span(f"{REQUESTS} send", kind=PRODUCER, attributes=_kafka(REQUESTS, 0)).end()
        run_beside_any_loop(messaging.send(Broker(partition=2, offset=5), REQUESTS, b"{}", []))  # type: ignore[arg-type]
        received = _kafka(REQUESTS, 2, **{"messaging.kafka.message.offset": 5})
        c.start_span(f"{REQUESTS} receive", Context(), CONSUMER, received).end()
        process = _kafka(REQUESTS, 2, **{"messaging.kafka.offset": 5})
        process["messaging.kafka.message.header.x-request-id"] = request_id
        with c.start_as_current_span("enrichment.requests process", Context(), CONSUMER, process):
            c.start_span("SELECT orders", kind=CLIENT, attributes={"db.system.name": "postgresql"}).end()
            c.start_span(f"{REPLIES} send", kind=PRODUCER, attributes=_kafka(REPLIES, 0)).end()
            run_beside_any_loop(messaging.send(Broker(partition=0, offset=3), REPLIES, b"{}", []))  # type: ignore[arg-type]
        reply = _kafka(REPLIES, 0, **{"messaging.kafka.message.offset": 3})
        b.start_span(f"{REPLIES} receive", Context(), CONSUMER, reply).end()
