"""The request id that Envoy assigns (`x-request-id`) and every hop carries beside the trace context.

It travels as an HTTP header, gRPC metadata and a Kafka record header, and is recorded on each
service's server/consumer span and log lines, so the pieces of one request can be joined even
where trace context was lost. Its names are tracebreak/join_key.py's.
"""

from contextvars import ContextVar
from typing import Literal

from opentelemetry.trace import Span

from tracebreak.join_key import REQUEST_ID_HEADER, SPAN_ATTRIBUTE

__all__ = ["REQUEST_ID_HEADER", "SPAN_ATTRIBUTE", "Protocol", "bind", "current_request_id", "tag"]

Protocol = Literal["http", "grpc", "kafka"]

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_on_spans = True  # whether bind records the id on the span too (TRACEBREAK_SPAN_REQUEST_ID)


def record_on_spans(wanted: bool) -> None:
    global _on_spans
    _on_spans = wanted


def bind(request_id: str | None, span: Span, protocol: Protocol) -> None:
    """Make `request_id` the current one (for log lines) and record it on the span that received it."""
    current_request_id.set(request_id)
    tag(span, request_id, protocol)


def tag(span: Span, request_id: str | None, protocol: Protocol) -> None:
    """Record `request_id` on the span, where the stack records it on spans at all."""
    if request_id and _on_spans:
        span.set_attribute(SPAN_ATTRIBUTE[protocol], request_id)
