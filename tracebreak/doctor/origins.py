"""Where a request's failure began: the deepest failed span, and whether the traces say why."""

from dataclasses import dataclass

from tracebreak import signatures as sig
from tracebreak.doctor.findings import Findings
from tracebreak.doctor.request import Request
from tracebreak.doctor.spans import protocol, rejected
from tracebreak.signatures import Boundary


@dataclass(frozen=True)
class ErrorOrigin:
    """The deepest failed span of a request, where its error was recorded."""

    service: str
    operation: str
    span_id: str
    trace_id: str
    reason: str


def hidden_error_origins(request: Request, findings: Findings) -> None:
    deepest = request.deepest_failures
    for failed in deepest:
        downstream = [d for d in request.descendants(failed) if d.service != failed.service]
        if not downstream or any(rejected(d) for d in downstream if d.kind == "server"):
            continue  # failed on its own, or the callee answered no on purpose: the origin is visible
        if any(event.get("event") == "exception" for event in failed.events):
            continue  # it says why itself (a timeout waiting for its callee, say)
        if any(request.trace_of(other) is not request.trace_of(failed) for other in deepest):
            continue  # the failure's origin is recorded, in another fragment of the request
        boundary = Boundary(failed.service, downstream[0].service, protocol(downstream[0]))
        findings.add(sig.HIDDEN_ERROR_ORIGIN, boundary, failed, lost=[])  # a failure told, no context lost


def error_origin(request: Request) -> ErrorOrigin | None:
    """Where the request's failure was recorded, if it failed and its origin is visible."""
    deepest = request.deepest_failures
    if not deepest:
        return None
    span = max(deepest, key=lambda s: s.start_us)  # the one furthest downstream, where it began
    exception = next((e for e in span.events if e.get("event") == "exception"), None)
    description = span.tags.get("otel.status_description")
    # grpc.aio's abort() unwinds with AbortError("Locally aborted."): the reason is in the status.
    if exception and not (description and str(exception.get("exception.type")).endswith("AbortError")):
        reason = f"{exception.get('exception.type')}: {exception.get('exception.message')}"
    else:
        reason = str(description or "status ERROR")
    return ErrorOrigin(span.service, span.operation, span.span_id, span.trace_id, reason)
