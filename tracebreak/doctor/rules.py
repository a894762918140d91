"""The detection rules: the findings in the traces of one request.

How a fragment of the request begins says which boundary lost the context: a span of the request's
own work, a server with no caller in sight, a consumer of a record another trace sent. Then the holes
a sampler left (holes.py), the failures whose origin no span shows (origins.py), and the request's
log lines that carry no trace.
"""

from tracebreak import signatures as sig
from tracebreak.doctor.baggage import baggage_cut_off
from tracebreak.doctor.dropped import dropped_on_the_way
from tracebreak.doctor.findings import Finding, Findings
from tracebreak.doctor.formats import mismatched
from tracebreak.doctor.holes import sampling_holes
from tracebreak.doctor.lasting import outlived
from tracebreak.doctor.links import linked_crossing, linked_top
from tracebreak.doctor.origins import hidden_error_origins
from tracebreak.doctor.request import Request
from tracebreak.doctor.shared import Piece
from tracebreak.doctor.spans import SLACK_US, protocol, remote_call, within
from tracebreak.signatures import Boundary
from tracebreak.traces.model import Span


def diagnose(request: Request) -> list[Finding]:
    findings = Findings()
    shared_traces(request, findings)
    outlived(request, findings)
    for top in request.fragment_tops:
        if linked_top(request, top):
            continue  # a trace started on purpose, and linked to the request: legitimately separate
        if top.kind in ("internal", "client", "producer"):
            # Work of the request (its own, or a call it made) that started without its context.
            findings.add(sig.GHOST_SPAN, Boundary(top.service, top.service, "in-process"), top)
        elif top.kind == "server":
            _server_top(request, top, findings)
        elif top.kind == "consumer":
            _consumer_top(request, top, findings)
    sampling_holes(request, findings)
    hidden_error_origins(request, findings)
    baggage_cut_off(request, findings)
    dropped_on_the_way(request, findings)
    for record in request.logs:
        if not str(record.get("traceID") or "").strip("0"):
            service = str(record.get("serviceName") or "unknown")
            findings.add(sig.LOGS_WITHOUT_TRACE_ID, Boundary(service, service, "logs")).log_lines += 1
    return findings.all()


def shared_traces(request: Request, findings: Findings) -> None:
    """A trace the request shares with other requests: the span current when a worker was started,
    and the worker's span below it for another request."""
    for piece in (t for t in request.traces if isinstance(t, Piece)):
        for parent, child in piece.crossings:
            if linked_crossing(request, parent, child):
                continue  # a batch's span over this request's work, linked to it
            boundary = Boundary(child.service, child.service, "in-process")
            mine = [span for span in (parent, child) if request.has_span(span.span_id)]
            finding = findings.add(sig.MEGA_TRACE, boundary, parent, child, lost=mine)
            finding.requests_in_trace = max(finding.requests_in_trace, piece.held)


def _server_top(request: Request, top: Span, findings: Findings) -> None:
    others = [s for s in request.spans if request.trace_of(s) is not request.trace_of(top)]
    dangling = [
        s for s in others
        if remote_call(s) and not request.has_child(s, ("server",)) and within(s, top)
        and protocol(s) == protocol(top)  # the caller of this server speaks its protocol
    ]  # fmt: skip
    if not dangling:
        callers = [s for s in others if within(s, top)]
        caller = max(callers, key=lambda s: s.start_us) if callers else None
        boundary = Boundary(caller.service if caller else "an untraced caller", top.service, protocol(top))
        # The call left no span of its own: the span it was made from (the innermost open) lost it.
        findings.add(sig.UNINSTRUMENTED_CLIENT, boundary, top, lost=[caller or top])
        return
    client = max(dangling, key=lambda s: s.start_us)  # the innermost caller started last
    if _mismatch(request, client, top, findings):
        return
    blind = _blind_outbound(request, top.service)
    if blind:
        findings.add(sig.PROPAGATOR_NOT_REGISTERED, Boundary.everywhere(top.service), client, top, lost=blind)
    else:
        # Sent, and gone before the callee: the caller's hop lost it, not the callee that started anew.
        boundary = Boundary(client.service, top.service, protocol(client))
        findings.add(sig.CONTEXT_DROPPED_IN_TRANSIT, boundary, client, top, lost=[client])


def _blind_outbound(request: Request, service: str) -> list[Span]:
    """The service's outbound messages or calls that carried no context: their receivers start
    fragments."""
    # The latest start of a fragment that began by receiving: a call or send before it is suspect.
    latest_receiver = max(
        (t.start_us for t in request.fragment_tops if t.kind in ("consumer", "server")), default=None
    )
    if latest_receiver is None:
        return []
    return [
        span for span in request.spans
        if span.service == service and (span.kind == "producer" or remote_call(span))
        and not request.has_child(span, ("consumer", "server"))
        and latest_receiver >= span.start_us - SLACK_US
    ]  # fmt: skip


def _consumer_top(request: Request, top: Span, findings: Findings) -> None:
    destination = top.tags.get("messaging.destination.name")
    producers = [
        s for s in request.spans
        if s.kind == "producer" and s.tags.get("messaging.destination.name") == destination
        and s.start_us <= top.start_us + SLACK_US and request.trace_of(s) is not request.trace_of(top)
    ]  # fmt: skip
    if not producers:
        boundary = Boundary("an untraced producer", top.service, protocol(top))
        findings.add(sig.UNINSTRUMENTED_CLIENT, boundary, top)
        return
    producer = max(producers, key=lambda s: s.start_us)
    receivers = [s for s in request.trace_of(producer).children(producer) if s.kind == "consumer"]
    if receivers:
        # The library's receive span extracted the context; the processing did not: the context was
        # lost where the receive span handed the record on.
        boundary = Boundary(producer.service, top.service, protocol(top))
        findings.add(sig.CONSUMER_NOT_EXTRACTING, boundary, producer, top, lost=receivers)
        return
    if _mismatch(request, producer, top, findings):
        return
    # Nothing downstream of the message saw its context: one side of it has no propagator.
    service = top.service if _receiver_only(request, top) else producer.service
    blind = _blind_outbound(request, service) or [top]
    findings.add(sig.PROPAGATOR_NOT_REGISTERED, Boundary.everywhere(service), producer, top, lost=blind)


def _mismatch(request: Request, sender: Span, receiver: Span, findings: Findings) -> bool:
    """The context was sent in a format the receiver does not read: a finding at that hop."""
    sets = mismatched(request, sender.service, receiver.service)
    if sets is not None:
        boundary = Boundary(sender.service, receiver.service, protocol(receiver))
        findings.add(sig.PROPAGATOR_MISMATCH, boundary, sender, receiver, lost=[sender]).propagators = sets
    return sets is not None


def _receiver_only(request: Request, top: Span) -> bool:
    """The consumer's service also failed to extract where its caller did send context."""
    return any(t.service == top.service and t.kind == "server" for t in request.fragment_tops)
