"""A trace far longer than its request: the other face of a mega-trace. Where the work a leaked
worker does for later requests carries no request id, the trace cannot be cut per request, but it
outlives its request: spans keep beginning in it long after the request was answered. Every fragment
of a request begins within FRAGMENT_SPREAD_US of its start (collect.py), so a span that begins later
than that after the request ended is another request's work in this one's trace."""

from tracebreak import signatures as sig
from tracebreak.doctor.collect import FRAGMENT_SPREAD_US
from tracebreak.doctor.findings import Findings
from tracebreak.doctor.request import Request
from tracebreak.signatures import Boundary
from tracebreak.traces.model import Span, Trace


def outlived(request: Request, findings: Findings) -> None:
    answered_us = max(top.end_us for top in request.main.roots) if request.main.roots else None
    if answered_us is None:
        return
    for trace in request.traces:
        late = [span for span in trace.spans if span.start_us > answered_us + FRAGMENT_SPREAD_US]
        if not late:
            continue
        first = min(late, key=lambda span: span.start_us)
        kept = _kept_at(trace, first, answered_us)
        finding = findings.add(sig.MEGA_TRACE, Boundary(first.service, first.service, "in-process"),
                               kept, first, lost=[kept])  # fmt: skip
        last = max(span.start_us for span in late)
        finding.detail = (
            f"trace {trace.trace_id[:8]} runs {(last - answered_us) / 1e6:.0f} s past its request, "
            f"which was answered after {(answered_us - request.main.spans[0].start_us) / 1000:.0f} ms: "
            f"{len(late)} spans began later than {FRAGMENT_SPREAD_US // 1_000_000} s after it"
        )


def _kept_at(trace: Trace, late: Span, answered_us: int) -> Span:
    """The span the late one hangs from that began while the request was served: where the worker
    that outlived it took its context."""
    for ancestor in trace.ancestors(late):
        if ancestor.start_us <= answered_us:
            return ancestor
    return late
