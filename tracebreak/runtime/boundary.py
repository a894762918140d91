"""The one call each service makes where a request comes in (A's HTTP middleware, B's gRPC handler,
C's processing span): `received` binds the request id to the span and the log lines, and records the
hits no line of a handler could, so the ground truth of what was hit is complete.
"""

from opentelemetry.trace import Span

from tracebreak.chaos.catalogue import (
    LOGS_WITHOUT_TRACE_ID,
    PROPAGATOR_MISMATCH,
    PROPAGATOR_NOT_REGISTERED,
    SAMPLER_NOT_PARENT_BASED,
    SPAN_EXPORT_OVERFLOW,
)
from tracebreak.chaos.reader import chaos
from tracebreak.runtime import baggage_sizes, propagation
from tracebreak.runtime.correlation import Protocol, bind
from tracebreak.runtime.logs import logs_correlated
from tracebreak.span_attributes import FIELDS_ATTRIBUTE, PARENT_SAMPLED_ATTRIBUTE


def received(request_id: str | None, span: Span, protocol: Protocol) -> None:
    """A request arrived on `span` carrying `request_id` (Envoy's x-request-id) over `protocol`."""
    bind(request_id, span, protocol)
    span.set_attribute(FIELDS_ATTRIBUTE, propagation.fields())
    baggage_sizes.record_received(span)
    parent = getattr(span, "parent", None)  # the SDK's span: the context it was started under
    if parent is not None and parent.is_remote:
        span.set_attribute(PARENT_SAMPLED_ATTRIBUTE, parent.trace_flags.sampled)
    chaos.record_pending()  # hits decided before the request had a span (a consumer's)
    if request_id:
        record_process_wide_hits(span)


def record_process_wide_hits(span: Span) -> None:
    """Record the toggles that shape the whole process as hits of this request: their WRONG branch
    runs once for all requests (where logging is set up, where the propagator is registered) or in
    the SDK (B's sampler), on no line the request itself runs through."""
    if not logs_correlated():
        chaos.record(LOGS_WITHOUT_TRACE_ID, chaos.service)
    if chaos.chooses_me(SPAN_EXPORT_OVERFLOW):
        chaos.record(SPAN_EXPORT_OVERFLOW, chaos.service)
    if not propagation.registered():
        chaos.record(PROPAGATOR_NOT_REGISTERED, True)
    if propagation.speaks_b3_only():
        chaos.record(PROPAGATOR_MISMATCH, True)
    rate = chaos.value(SAMPLER_NOT_PARENT_BASED)
    if rate > 0 and not span.is_recording():
        # Dropped by the sampler: the span event goes nowhere, the log line still says so.
        chaos.record(SAMPLER_NOT_PARENT_BASED, rate)
