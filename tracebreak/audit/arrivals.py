"""What reached each service's inbound boundary on the synthetic request: a traceparent, or nothing.
An item judges a service on what it received: one that was handed nothing had nothing to extract,
and its new trace is the sender's break, not its own. The wire says what arrived where it was
captured; without a capture the traces tell what they can, and say nothing where they cannot."""

from collections.abc import Iterable
from dataclasses import dataclass

from tracebreak.audit import checklist as c
from tracebreak.audit.gather import Observed
from tracebreak.span_attributes import FIELDS_ATTRIBUTE
from tracebreak.traces.model import Span
from tracebreak.wire.hops import HOPS, MALFORMED, Hop


@dataclass(frozen=True)
class Inbound:
    service: str
    sender: str  # whose context it should be handed
    kind: str  # the span its instrumentation starts on receipt, having extracted what came
    hops: tuple[int, ...]  # the wire's hops that bring it the request (tracebreak.wire.hops.HOPS)

    @property
    def boundary(self) -> str:
        return f"{self.sender} -> {self.service}"


INBOUND = {
    inbound.service: inbound
    for inbound in (
        Inbound("service-a", "envoy", "server", (2,)),
        Inbound("service-b", "service-a", "server", (3,)),
        # The record as the broker hands it over; as service-b produced it where the fetch was not seen.
        Inbound("service-c", "service-b", "consumer", (5, 4)),
    )
}


@dataclass(frozen=True)
class Arrival:
    carried: bool | None  # None: neither the wire nor the traces tell
    why: str = ""  # where nothing arrived: what shows it
    cause: int | None = None  # the checklist item that fails the break which sent nothing
    on_wire: bool = False


def arrival(observed: Observed, service: str) -> Arrival:
    inbound = INBOUND.get(service)
    if inbound is None:
        return Arrival(None)
    return _on_the_wire(observed, inbound) or _in_the_traces(observed, inbound)


def nothing_arrived(result: c.Result, observed: Observed, span: Span, said: str) -> bool:
    """Where `span` began a trace because nothing arrived at its service to extract, say so on
    `result`, blocked by the item that names the break, and return True."""
    inbound = INBOUND.get(span.service)
    if inbound is None or span.kind != inbound.kind or span.parent_id is not None:
        return False  # a span with a parent, or one no message started, was handed context
    got = arrival(observed, span.service)
    if got.carried is not False or got.cause is None:
        return False
    result.block(f"{said}: nothing arrived to extract: {got.why} (see item {got.cause})", got.cause)
    return True


def propagated(spans: Iterable[Span]) -> dict[str, set[str]]:
    """The headers each service's propagators read and write, as its inbound spans report them."""
    reported: dict[str, set[str]] = {}
    for span in spans:
        if FIELDS_ATTRIBUTE in span.tags:
            fields = filter(None, str(span.tags[FIELDS_ATTRIBUTE]).split(","))
            reported.setdefault(span.service, set()).update(fields)
    return reported


def sender(hop: Hop) -> str:
    """Whose propagators wrote the hop's headers: a fetch hands over what its produce carried."""
    return HOPS[hop.order - 1][0] if hop.source == "broker" else hop.source


def injects_no_traceparent(spans: Iterable[Span], service: str) -> bool:
    """Whether `service`'s propagators, as its inbound spans report them, write no traceparent."""
    fields = propagated(spans)
    return service in fields and "traceparent" not in fields[service]


def _on_the_wire(observed: Observed, inbound: Inbound) -> Arrival | None:
    seen: dict[int, Hop] = {hop.order: hop for hop in observed.wire.hops} if observed.wire else {}
    hop = next((seen[order] for order in inbound.hops if order in seen), None)
    if hop is None:
        return None
    if hop.trace_id:
        return Arrival(True, on_wire=True)
    what = "a malformed traceparent" if hop.verdict == MALFORMED else "no traceparent"
    where = f"{hop.source} -> {hop.target} ({hop.protocol})"
    return Arrival(False, f"{where} carried {what}", c.WIRE.number, on_wire=True)


def _in_the_traces(observed: Observed, inbound: Inbound) -> Arrival:
    spans = observed.request.spans if observed.request else []
    received = [s for s in spans if s.service == inbound.service and s.kind == inbound.kind]
    if any(span.parent_id is not None for span in received):
        return Arrival(True)
    if injects_no_traceparent(spans, inbound.sender):
        return Arrival(False, f"{inbound.sender}'s propagators inject no traceparent", c.PROPAGATORS.number)
    # A server span is the instrumentation's extract: a root though its propagators read traceparent
    # means none came. (A consumer's processing span is the service's own code: it tells nothing.)
    reads = propagated(spans).get(inbound.service, set())
    if inbound.kind == "server" and received and "traceparent" in reads:
        why = (
            f"{inbound.service}'s server span '{received[0].operation}' starts a trace though its "
            "propagators read traceparent (the traces: the wire was not looked at)"
        )
        return Arrival(False, why, c.WIRE.number)
    return Arrival(None)
