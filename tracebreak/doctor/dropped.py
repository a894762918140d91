"""Spans dropped on the way: a span whose parent id points into its own trace at a span that never
arrived, while the traceparent it received said sampled. The context crossed; the parent was made and
lost between its service's SDK and the backend (an export queue that overflowed, an exporter or a
backend that dropped it). Not propagated looks otherwise (the child is a root of another trace), and so
does sampled out (nothing below the call arrives at all: holes.py)."""

from tracebreak import signatures as sig
from tracebreak.doctor.findings import Findings
from tracebreak.doctor.request import Request
from tracebreak.doctor.spans import within
from tracebreak.signatures import Boundary
from tracebreak.span_attributes import PARENT_SAMPLED_ATTRIBUTE
from tracebreak.traces.model import Span, Trace

INBOUND = ("server", "consumer")


def orphans(trace: Trace) -> list[Span]:
    """Spans whose parent is in none of the trace's spans, though its flags said it was sampled. In a
    trace with no root, not the first of them: its parent is the caller's, and a caller outside the
    stack (a load generator, a browser) may trace nothing or export elsewhere."""
    found = [span for span in trace.unresolved if span.tags.get(PARENT_SAMPLED_ATTRIBUTE) is not False]
    if found and not trace.roots:
        found.remove(min(found, key=lambda span: span.start_us))
    return found


def dropped_on_the_way(request: Request, findings: Findings) -> None:
    found = [(trace, child) for trace in request.traces for child in orphans(trace)]
    # A span whose in-process parent is missing names the service that dropped: so does every hole of
    # the request, where one does (a service that drops, drops its spans at every hop).
    in_process = sorted({child.service for _, child in found if child.kind not in INBOUND})
    for trace, child in found:
        service = in_process[0] if in_process else _caller(trace, child)
        finding = findings.add(sig.DROPPED_ON_THE_WAY, Boundary(service, service, "span export"), child)
        finding.detail = (
            f"{child.service} '{child.operation}' names parent {child.parent_id} of trace "
            f"{trace.trace_id[:8]}, which never arrived; the traceparent it received said sampled"
        )


def dropped_below(request: Request, call: Span) -> bool:
    """A span of the call's trace began within the call and lacks its parent: what is missing below the
    call was dropped on the way, not sampled out (a sampler leaves nothing below the call at all)."""
    return any(within(call, orphan) for orphan in orphans(request.trace_of(call)))


def _caller(trace: Trace, child: Span) -> str:
    """For an inbound span whose parent is missing: the other service's innermost span open when it
    began (its caller's, or the caller's caller's)."""
    open_then = [
        s for s in trace.spans if s.service != child.service and s.start_us <= child.start_us <= s.end_us
    ]
    return max(open_then, key=lambda s: s.start_us).service if open_then else "an unknown sender"
