"""The stack's hops, in the order a request crosses them, and what each one carried."""

from dataclasses import dataclass, field

from tracebreak.join_key import REQUEST_ID_HEADER
from tracebreak.runtime.generations import GENERATION_SUFFIX
from tracebreak.runtime.ports import DEFAULT as PORTS
from tracebreak.runtime.settings import Settings
from tracebreak.traceparent import parse_traceparent
from tracebreak.wire.formats import other_format
from tracebreak.wire.packets import FETCH, GRPC, HTTP, PRODUCE, Capture, Message

CARRIED = "carried"
MISSING = "missing"
CHANGED = "changed trace id"
MALFORMED = "malformed"
OTHER_FORMAT = "another format"  # no traceparent, and the context in B3's or Jaeger's headers
# The hops a request crosses, in order: (from, to).
HOPS = {
    1: ("client", "envoy"),
    2: ("envoy", "service-a"),
    3: ("service-a", "service-b"),
    4: ("service-b", "broker"),
    5: ("broker", "service-c"),
    6: ("service-c", "broker"),
    7: ("broker", "service-b"),
}


@dataclass(frozen=True)
class Layout:
    """Where the stack listens and what its topics are called: how a packet is told to be a hop."""

    edge: int = PORTS.edge
    service_a: int = PORTS.service_a
    service_b: int = PORTS.service_b
    broker: int = PORTS.broker
    request_topic: str = Settings.request_topic
    reply_topic: str = Settings.reply_topic
    health_path: str = "/healthz"  # Envoy answers it itself: no request crosses the stack

    @property
    def ports(self) -> list[int]:
        return [self.edge, self.service_a, self.service_b, self.broker]

    def decode_as(self) -> list[str]:
        """tshark's decode-as rules: gRPC is HTTP/2 on B's port, whatever the port's number."""
        return [
            f"tcp.port=={self.edge},http",
            f"tcp.port=={self.service_a},http",
            f"tcp.port=={self.service_b},http2",
            f"tcp.port=={self.broker},kafka",
        ]

    def route(self, message: Message) -> tuple[int, str, str] | None:
        """(order, from, to) of the hop `message` travelled, or None if it is none of them."""
        topic = GENERATION_SUFFIX.sub("", message.topic or "")
        into, out_of = message.target_port, message.source_port
        requests, replies = topic == self.request_topic, topic == self.reply_topic
        found = [
            (HTTP, into == self.edge),
            (HTTP, into == self.service_a),
            (GRPC, into == self.service_b),
            (PRODUCE, into == self.broker and requests),
            (FETCH, out_of == self.broker and requests),
            (PRODUCE, into == self.broker and replies),
            (FETCH, out_of == self.broker and replies),
        ]
        kinds = (protocol == message.protocol and it for protocol, it in found)
        order = next((n for n, it in enumerate(kinds, 1) if it), 0)
        return (order, *HOPS[order]) if order else None


@dataclass
class Hop:
    order: int
    source: str
    target: str
    protocol: str
    request_id: str
    time: float
    traceparent: str | None
    tracestate: str | None
    baggage: str | None
    trace_id: str | None = None
    parent_id: str | None = None
    flags: str | None = None
    verdict: str = MISSING
    other_format: str | None = None  # e.g. "B3 multi-header (X-B3-TraceId: …)"
    baggage_bytes: int = 0  # what the baggage header costs on this hop, each time a request crosses it

    @classmethod
    def of(cls, route: tuple[int, str, str], message: Message, request_id: str) -> "Hop":
        baggage = message.header("baggage")
        hop = cls(
            *route,
            protocol=message.protocol,
            request_id=request_id,
            time=message.time,
            traceparent=message.header("traceparent"),
            tracestate=message.header("tracestate"),
            baggage=baggage,
            other_format=other_format(message),
            baggage_bytes=len((baggage or "").encode()),
        )
        parsed = parse_traceparent(hop.traceparent) if hop.traceparent else None
        if parsed is not None:
            trace_id, span_id, flags = parsed
            hop.trace_id, hop.parent_id, hop.flags = f"{trace_id:032x}", f"{span_id:016x}", f"{flags:02x}"
        elif hop.traceparent:
            hop.verdict = MALFORMED
        elif hop.other_format:
            hop.verdict = OTHER_FORMAT
        return hop


@dataclass
class RequestWire:
    """One request's hops, first seen first, with a verdict each and the breaks they show."""

    request_id: str
    hops: list[Hop] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)
    # Hops the capture did not see: a refused call stops early, a capture may start mid-request.
    unseen: list[str] = field(default_factory=list)

    @property
    def trace_id(self) -> str | None:
        return next((hop.trace_id for hop in self.hops if hop.trace_id), None)

    @property
    def whole(self) -> bool:
        return not self.breaks and all(hop.verdict == CARRIED for hop in self.hops)


def group(capture: Capture, layout: Layout) -> dict[str, RequestWire]:
    """The captured hops per request id, each hop once (a record fetched twice is one hop)."""
    requests: dict[str, RequestWire] = {}
    for message in sorted(capture.messages, key=lambda m: (m.time, m.frame)):
        route = layout.route(message)
        request_id = message.header(REQUEST_ID_HEADER) or capture.answered.get(message.frame)
        if route is None or not request_id or message.path == layout.health_path:
            continue
        wire = requests.setdefault(request_id, RequestWire(request_id))
        if all(hop.order != route[0] for hop in wire.hops):
            wire.hops.append(Hop.of(route, message, request_id))
    for wire in requests.values():
        wire.hops.sort(key=lambda hop: hop.order)
        judge(wire)
    return requests


def judge(wire: RequestWire) -> None:
    """Each hop against the request's trace id; a break where context was lost on the wire or where
    a service sent another trace than the one it received."""
    seen = {hop.order for hop in wire.hops}
    wire.unseen = [" -> ".join(names) for order, names in HOPS.items() if order not in seen]
    reference = wire.trace_id
    received: dict[str, str | None] = {}  # what each service was last handed: the context it should keep
    for hop in wire.hops:
        if hop.trace_id:
            hop.verdict = CARRIED if hop.trace_id == reference else CHANGED
        if hop.source != "broker" and hop.order > 1:
            wire.breaks += _break(hop, received.get(hop.source, reference))
        received[hop.target] = hop.trace_id


def _break(hop: Hop, had: str | None) -> list[str]:
    """Why `hop` breaks the trace, given the trace its sender had received (None: it had none)."""
    where = f"{hop.source} -> {hop.target} ({hop.protocol})"
    if hop.verdict == OTHER_FORMAT:
        return [
            f"context in another format: {where} carries no traceparent but {hop.other_format}; a W3C "
            "receiver does not read it and starts a new trace"
        ]
    if hop.trace_id is None:
        what = "a malformed traceparent" if hop.verdict == MALFORMED else "no traceparent"
        return [f"lost on the wire: {where} carries {what}"] if had else []
    if had and hop.trace_id != had:
        return [
            f"broken inside {hop.source}: it received trace {had} and sent trace {hop.trace_id} "
            f"on {where}; the wire is fine, the context was not extracted or not kept"
        ]
    return []
