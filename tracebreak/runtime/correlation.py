"""The request id that Envoy assigns (`x-request-id`) and every hop carries beside the trace context.

It travels as an HTTP header, gRPC metadata and a Kafka record header, and is recorded on each
service's server/consumer span and log lines, so the pieces of one request can be joined even
where trace context was lost.
"""

from contextvars import ContextVar
from typing import Literal

from opentelemetry.trace import Span

REQUEST_ID_HEADER = "x-request-id"

# Where each protocol records the id on its server/consumer span. HTTP and gRPC follow the semantic
# conventions for captured headers and metadata; Kafka has none for record headers, so it follows
# the same pattern.
SPAN_ATTRIBUTE: dict[str, str] = {
    "http": "http.request.header.x-request-id",
    "grpc": "rpc.grpc.request.metadata.x-request-id",
    "kafka": "messaging.kafka.message.header.x-request-id",
}

Protocol = Literal["http", "grpc", "kafka"]

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def bind(request_id: str | None, span: Span, protocol: Protocol) -> None:
    """Make `request_id` the current one (for log lines) and record it on the span that received it."""
    current_request_id.set(request_id)
    if request_id:
        span.set_attribute(SPAN_ATTRIBUTE[protocol], request_id)
