"""Each checklist item judged on what was observed."""

from collections.abc import Callable

from tracebreak.audit import checklist as c
from tracebreak.audit import collector, logs
from tracebreak.audit.arrivals import (
    INBOUND,
    arrival,
    injects_no_traceparent,
    nothing_arrived,
    propagated,
    sender,
)
from tracebreak.audit.gather import Observed
from tracebreak.audit.static import weigh
from tracebreak.demo import CLIENT_SERVICE, SERVICES
from tracebreak.doctor.baggage import cut_offs
from tracebreak.doctor.links import joined_by_link, linked_crossing
from tracebreak.doctor.request import Request
from tracebreak.doctor.shared import Piece
from tracebreak.signatures import Boundary
from tracebreak.terminal import counted
from tracebreak.traces.model import Span, Trace
from tracebreak.wire.hops import MALFORMED, Hop

EDGE = "envoy"
CHAIN = (CLIENT_SERVICE, EDGE, *SERVICES)  # the services one request crosses, in order
NEEDED_FIELDS = {"traceparent", "baggage"}


def _new(item: c.Item, observed: Observed, *needs: str) -> c.Result:
    """A passing result, or a skipped one if none of what it needs could be looked at."""
    missing = [observed.skipped[need] for need in needs if need in observed.skipped]
    result = c.Result(item, "SKIP" if len(missing) == len(needs) else "PASS")
    result.evidence += [f"not looked at: {why}" for why in missing]
    return result


def wire(observed: Observed) -> c.Result:
    result = _new(c.WIRE, observed, "wire", "lint")
    if observed.wire is not None:
        # A fetch repeats its produce: it counts only where the produce was not captured.
        seen = {hop.order for hop in observed.wire.hops}
        sent = [hop for hop in observed.wire.hops if hop.source != "broker" or hop.order - 1 not in seen]
        for hop in sent:
            if hop.traceparent is None or hop.verdict == MALFORMED:
                _carried_none(result, observed, hop)
        if result.status == "PASS":
            result.evidence.append(
                f"{counted(len(sent), 'call')} of request {observed.wire.request_id}: each carries a "
                "traceparent"
            )
    _lost_in_the_traces(result, observed)
    weigh(result, observed.lint, {"gateway", "grpc", "http"}, observed.toggles)
    return result


def _carried_none(result: c.Result, observed: Observed, hop: Hop) -> None:
    """A hop without a valid traceparent: its sender's propagators write none (item 7's fix), or
    something on the way did not carry it (the item's own)."""
    name = f"{hop.source} -> {hop.target}"
    said = f"no traceparent on {name} ({hop.protocol}), request {hop.request_id}"
    if hop.other_format:
        said += f", though the context is there in another format: {hop.other_format}"
    spans = observed.request.spans if observed.request else []
    if hop.traceparent is None and injects_no_traceparent(spans, sender(hop)):
        why = f"{sender(hop)}'s propagators inject no traceparent (see item {c.PROPAGATORS.number})"
        result.fail(f"{said}: {why}", name, c.PROPAGATORS.fix)
    else:
        result.fail(said, name)


def _lost_in_the_traces(result: c.Result, observed: Observed) -> None:
    """The calls the capture did not show, where the traces show that nothing reached the callee."""
    for service, inbound in INBOUND.items():
        got = arrival(observed, service)
        if got.carried is False and got.cause == c.WIRE.number and not got.on_wire:
            result.fail(f"no traceparent reached {service}: {got.why}", inbound.boundary)


def roots(observed: Observed) -> c.Result:
    result = _new(c.ROOTS, observed, "traces")
    request = observed.request
    if request is None:
        return _no_traces(result, observed)
    for trace in request.traces:
        if trace is not request.main and joined_by_link(request, trace):
            continue  # a trace begun on purpose, linked to the request (a batch's)
        for top in trace.tops:
            said = _starts_trace(top)
            if top.service in SERVICES and not nothing_arrived(result, observed, top, said):
                result.fail(said, top.service)
    if result.status == "PASS":
        result.evidence.append(f"request {request.request_id}: its traces start at {_starts(request.traces)}")
    return result


def _starts(traces: list[Trace]) -> str:
    return ", ".join(sorted({_at(top) for t in traces for top in t.tops}))


def _at(top: Span) -> str:
    return f"{top.service} ('{top.operation}')"


def _starts_trace(top: Span) -> str:
    return f"{top.service} starts trace {top.trace_id} with '{top.operation}'"


def _no_traces(result: c.Result, observed: Observed) -> c.Result:
    if "traces" not in observed.skipped:
        result.fail(f"request {observed.sent.request_id} did not reach the backend", "every service")
    return result


def tasks(observed: Observed) -> c.Result:
    result = _new(c.TASKS, observed, "lint")
    request = observed.request
    for piece in (t for t in request.traces if isinstance(t, Piece)) if request else ():
        for parent, child in piece.crossings:
            if request.has_span(child.span_id) and not linked_crossing(request, parent, child):
                result.fail(
                    f"{_at(child)} of request {request.request_id} sits in trace {piece.trace_id}, under "
                    f"another request's {_at(parent)}: the trace holds {piece.held} requests",
                    str(Boundary(child.service, child.service, "long-lived worker")),
                )
    weigh(result, observed.lint, {"task", "executor"}, observed.toggles)
    return result


def kafka(observed: Observed) -> c.Result:
    result = _new(c.KAFKA, observed, "traces", "lint")
    request = observed.request
    if request is not None:
        produced = {s.trace_id for s in request.spans if s.service == "service-b" and s.kind == "producer"}
        for span in request.spans:
            if (
                span.service == "service-c"
                and span.kind == "consumer"
                and span.operation.endswith(" process")
            ):
                _consumed(result, observed, request, span, produced)
    weigh(result, observed.lint, {"kafka"}, observed.toggles)
    return result


def _consumed(result: c.Result, observed: Observed, request: Request, span: Span, produced: set[str]) -> None:
    said = f"service-c's '{span.operation}' starts trace {span.trace_id}"
    if span.trace_id in produced:
        result.evidence.append(f"service-c's '{span.operation}' continues service-b's trace {span.trace_id}")
    elif joined_by_link(request, request.trace_of(span)):
        result.evidence.append(
            f"service-c's '{span.operation}' is in batch trace {span.trace_id}, linked to service-b's send"
        )
    elif not nothing_arrived(result, observed, span, said):
        result.fail(f"{said}; service-b sent {sorted(produced)}", "service-b -> service-c (Kafka)")


def log_lines(observed: Observed) -> c.Result:
    result = _new(c.LOGS, observed, "logs", "lint")
    if observed.logs is not None:
        by_service: dict[str, list[dict]] = {}
        for line in observed.logs:
            by_service.setdefault(str(line["service"]), []).append(line)
        for service, lines in sorted(by_service.items()):
            dark = [line for line in lines if logs.empty(line["trace_id"])]
            if dark:
                result.fail(
                    f"{service}: {len(dark)} of {counted(len(lines), 'log line')} without a trace_id",
                    f"{service}'s logs",
                )
            else:
                result.evidence.append(f"{service}: {counted(len(lines), 'log line')}, each with a trace_id")
        if not by_service:
            result.fail(
                f"no log line of request {observed.sent.request_id} was found", "every service's logs"
            )
    weigh(result, observed.lint, {"logging"}, observed.toggles)
    return result


def sampling(observed: Observed) -> c.Result:
    return collector.judge(c.Result(c.SAMPLING, "PASS"), observed.collector)


def propagators(observed: Observed) -> c.Result:
    result = _new(c.PROPAGATORS, observed, "traces", "lint")
    reported = propagated(observed.request.spans if observed.request else [])
    for service, fields in sorted(reported.items()):
        if fields >= NEEDED_FIELDS:
            result.evidence.append(f"{service} propagates {', '.join(sorted(fields))}")
        else:
            lacking = ", ".join(sorted(NEEDED_FIELDS - fields))
            said = "it injects and extracts nothing of it"
            if fields:  # another format (B3, say): its W3C neighbours and it do not read each other
                said = f"it speaks {', '.join(sorted(fields))}, which W3C neighbours neither read nor write"
            where = str(Boundary.everywhere(service))
            result.fail(f"{service}'s propagators handle no {lacking}: {said}", where)
    for cut in cut_offs(observed.request) if observed.request else []:
        result.fail(f"baggage cut off: {cut.detail}", str(cut.boundary), cut.fix)
    weigh(result, observed.lint, {"propagator"}, observed.toggles)
    return result


def synthetic(observed: Observed) -> c.Result:
    result = _new(c.SYNTHETIC, observed, "traces", "lint")
    request = observed.request
    if request is None:
        _no_traces(result, observed)
    else:
        _one_trace(result, request)
    weigh(result, observed.lint, {"sampler", "exception"}, observed.toggles)
    return result


def _one_trace(result: c.Result, request: Request) -> None:
    present = request.main.services
    missing = [service for service in CHAIN if service not in present]
    if len(request.traces) == 1 and not missing:
        result.evidence.append(
            f"request {request.request_id}: one trace {request.main.trace_id} across {', '.join(CHAIN)}"
        )
        return
    gap = _first_gap(missing)
    if len(request.traces) > 1:
        ids = ", ".join(t.trace_id for t in request.traces)
        said = f"request {request.request_id} is {len(request.traces)} traces: {ids}"
        if gap:
            result.fail(said, gap)
        else:
            result.evidence.append(said)
            _split_inside(result, request)
    if gap:
        result.fail(f"trace {request.main.trace_id} lacks {', '.join(missing)}", gap)


def _split_inside(result: c.Result, request: Request) -> None:
    """The main trace crosses every service, yet the request has more: each begins inside a service,
    at the span that started without the request's context (a consumer's processing, a task)."""
    for fragment in request.fragments:
        if joined_by_link(request, fragment):
            result.evidence.append(f"trace {fragment.trace_id} is joined to it by link (a batch's)")
            continue
        for top in fragment.tops:
            result.fail(_starts_trace(top), _at(top))


def _first_gap(missing: list[str]) -> str | None:
    """Where the chain leaves the main trace: the last service in it -> the first one not (the
    client alone, where its own spans are what is missing)."""
    first = next((CHAIN.index(s) for s in missing), None)
    if first is None:
        return None
    return f"{CHAIN[first - 1]} -> {CHAIN[first]}" if first else CHAIN[0]


CHECKS: tuple[Callable[[Observed], c.Result], ...] = (
    wire,
    roots,
    tasks,
    kafka,
    log_lines,
    sampling,
    propagators,
    synthetic,
)
