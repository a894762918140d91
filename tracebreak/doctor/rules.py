"""The detection rules: the findings in the traces of one request.

A request is every trace that carries its correlation id. The first trace to start is the request's
own; any other is a fragment, and how a fragment begins says which boundary lost the context.
"""

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from tracebreak import mistakes as sig
from tracebreak.join_key import SPAN_KEYS
from tracebreak.mistakes import Boundary
from tracebreak.traces.model import Span, Trace

SLACK_US = 5_000  # clock skew allowed when one span should lie within another


@dataclass
class Finding:
    signature: sig.Signature
    boundary: Boundary
    trace_ids: list[str] = field(default_factory=list)
    span_ids: list[str] = field(default_factory=list)
    log_lines: int = 0  # the request's log lines without a trace id (logs-without-trace-id)
    # Where the context was lost, the spans a request's page marks: the hop that let it go, in the
    # fragment that held the context and failed to pass it on. Never a receiver that began a trace
    # of its own only because no context reached it: with no propagator in B, B's send to Kafka
    # carried nothing, and it is B's fragment that is marked, not C's, which started anew.
    lost_at: list[str] = field(default_factory=list)

    @property
    def fix(self) -> str:
        return self.signature.fix_at(self.boundary)

    def as_dict(self) -> dict[str, Any]:
        return {
            "signature": self.signature.name,
            "boundary": {
                "from": self.boundary.source,
                "to": self.boundary.target,
                "protocol": self.boundary.protocol,
            },
            "at": str(self.boundary),
            "evidence": {"trace_ids": self.trace_ids, "span_ids": self.span_ids, "log_lines": self.log_lines},
            "lost_at": self.lost_at,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class ErrorOrigin:
    """The deepest failed span of a request, where its error was recorded."""

    service: str
    operation: str
    span_id: str
    trace_id: str
    reason: str


def request_ids(span: Span) -> set[str]:
    return request_ids_of(span.tags)


def request_ids_of(tags: Mapping[str, Any]) -> set[str]:
    """The request ids a span's tags carry (Envoy's guid, or the header a service recorded)."""
    found: set[str] = set()
    for key in SPAN_KEYS:  # asked of every span: four lookups beat building a key set
        value = tags.get(key)
        if value is None:
            continue
        if isinstance(value, str) and value.startswith("["):  # a captured header is a string array
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        found.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    return found


def protocol(span: Span) -> str:
    if "rpc.system" in span.tags:
        return "gRPC" if span.tags["rpc.system"] == "grpc" else str(span.tags["rpc.system"])
    if "messaging.system" in span.tags:
        return "Kafka" if span.tags["messaging.system"] == "kafka" else str(span.tags["messaging.system"])
    if any(key.startswith("http.") or key == "upstream_cluster" for key in span.tags):
        return "HTTP"
    return "in-process"


def _within(outer: Span, inner: Span) -> bool:
    """`inner` began while `outer` was open: a callee starts inside its caller (its end may be recorded
    a little after the caller's, once it has answered)."""
    return outer.start_us - SLACK_US <= inner.start_us <= outer.end_us + SLACK_US


def _remote_call(span: Span) -> bool:
    """A CLIENT span for a call to another traced service (databases are rarely traced)."""
    return span.kind == "client" and not any(key.startswith("db.") for key in span.tags)


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def http_status(span: Span) -> int | None:
    """The HTTP status a span records (the current convention's key, or the older one)."""
    return _number(span.tags.get("http.response.status_code", span.tags.get("http.status_code")))


def _rejected(span: Span) -> bool:
    """A server span that answered no on purpose (4xx/5xx, or a gRPC status other than OK)."""
    status = http_status(span)
    grpc_status = _number(span.tags.get("rpc.grpc.status_code"))
    return (status is not None and status >= 400) or (grpc_status is not None and grpc_status != 0)


def callee_names(span: Span) -> set[str]:
    """What a CLIENT span says about whom it called, or a SERVER span about who it is."""
    keys = ("rpc.service", "server.address", "peer.service", "upstream_cluster")
    names = {str(span.tags[key]) for key in keys if span.tags.get(key)}
    return names | ({span.service} if span.kind == "server" else set())


class Request:
    """The traces of one request, the first to start being the request's own."""

    def __init__(
        self,
        request_id: str,
        traces: list[Trace],
        logs: list[dict[str, Any]] | None = None,
        traced_services: frozenset[str] = frozenset(),
        traced_routes: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.request_id = request_id
        self.logs = logs or []  # the log records that carry the request id, where the source has logs
        # Names under which servers record spans anywhere in the window: a call to anything else goes
        # to a callee that is not traced at all (an external API), which breaks nothing.
        self.traced_services = traced_services
        # Per service, the HTTP routes its servers have ever recorded ("GET /orders/{order_id}").
        self.traced_routes = traced_routes or {}
        self.traces = sorted(traces, key=lambda t: (min(s.start_us for s in t.spans), t.trace_id))
        self.main = self.traces[0]
        self.fragments = self.traces[1:]
        self.spans = [span for trace in self.traces for span in trace.spans]
        # Where the fragments' trees start: the spans that began without the request's context.
        self.fragment_tops = [top for fragment in self.fragments for top in fragment.tops]
        self._trace_of = {span.span_id: trace for trace in self.traces for span in trace.spans}

    def has_span(self, span_id: str) -> bool:
        return span_id in self._trace_of

    def trace_of(self, span: Span) -> Trace:
        return self._trace_of[span.span_id]

    def has_child(self, span: Span, kinds: tuple[str, ...]) -> bool:
        return any(child.kind in kinds for child in self.trace_of(span).children(span))

    def descendants(self, span: Span) -> list[Span]:
        trace, found, queue = self.trace_of(span), [], [span]
        while queue:
            for child in trace.children(queue.pop()):
                found.append(child)
                queue.append(child)
        return found

    @cached_property
    def deepest_failures(self) -> list[Span]:
        """Failed spans with no failed span below them: where failures began."""
        return [s for s in self.spans if s.failed and not any(d.failed for d in self.descendants(s))]


def diagnose(request: Request) -> list[Finding]:
    findings: dict[tuple[str, Boundary], Finding] = {}

    def found(
        signature: sig.Signature, boundary: Boundary, *spans: Span, lost: list[Span] | None = None
    ) -> Finding:
        """The finding, with `spans` as its evidence; `lost` (all of `spans` by default) are where the
        context was lost."""
        finding = findings.setdefault((signature.name, boundary), Finding(signature, boundary))
        for span in spans:
            if span.trace_id not in finding.trace_ids:
                finding.trace_ids.append(span.trace_id)
            if span.span_id not in finding.span_ids:
                finding.span_ids.append(span.span_id)
        for span in spans if lost is None else lost:
            if span.span_id not in finding.lost_at:
                finding.lost_at.append(span.span_id)
        return finding

    linked = {span_id for span in request.spans for span_id in span.links}
    for top in request.fragment_tops:
        if any(request.has_span(link) for link in top.links) or top.span_id in linked:
            continue  # a trace started on purpose, and linked to the request: legitimately separate
        if top.kind in ("internal", "client", "producer"):
            # Work of the request (its own, or a call it made) that started without its context.
            found(sig.GHOST_SPAN, Boundary(top.service, top.service, "in-process"), top)
        elif top.kind == "server":
            _server_top(request, top, found)
        elif top.kind == "consumer":
            _consumer_top(request, top, found)
    _sampling_holes(request, found)
    _hidden_error_origins(request, found)
    for record in request.logs:
        if not str(record.get("traceID") or "").strip("0"):
            service = str(record.get("serviceName") or "unknown")
            found(sig.LOGS_WITHOUT_TRACE_ID, Boundary(service, service, "logs")).log_lines += 1
    return list(findings.values())


def _server_top(request: Request, top: Span, found: Any) -> None:
    others = [s for s in request.spans if request.trace_of(s) is not request.trace_of(top)]
    dangling = [
        s for s in others
        if _remote_call(s) and not request.has_child(s, ("server",)) and _within(s, top)
        and protocol(s) == protocol(top)  # the caller of this server speaks its protocol
    ]  # fmt: skip
    if not dangling:
        callers = [s for s in others if _within(s, top)]
        caller = max(callers, key=lambda s: s.start_us) if callers else None
        boundary = Boundary(caller.service if caller else "an untraced caller", top.service, protocol(top))
        # The call left no span of its own: the span it was made from (the innermost open) lost it.
        found(sig.UNINSTRUMENTED_CLIENT, boundary, top, lost=[caller or top])
        return
    client = max(dangling, key=lambda s: s.start_us)  # the innermost caller started last
    blind = _blind_outbound(request, top.service)
    if blind:
        found(sig.PROPAGATOR_NOT_REGISTERED, Boundary.everywhere(top.service), client, top, lost=blind)
    else:
        # Sent, and gone before the callee: the caller's hop lost it, not the callee that started anew.
        boundary = Boundary(client.service, top.service, protocol(client))
        found(sig.CONTEXT_DROPPED_IN_TRANSIT, boundary, client, top, lost=[client])


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
        if span.service == service and (span.kind == "producer" or _remote_call(span))
        and not request.has_child(span, ("consumer", "server"))
        and latest_receiver >= span.start_us - SLACK_US
    ]  # fmt: skip


def _consumer_top(request: Request, top: Span, found: Any) -> None:
    destination = top.tags.get("messaging.destination.name")
    producers = [
        s for s in request.spans
        if s.kind == "producer" and s.tags.get("messaging.destination.name") == destination
        and s.start_us <= top.start_us + SLACK_US and request.trace_of(s) is not request.trace_of(top)
    ]  # fmt: skip
    if not producers:
        found(sig.UNINSTRUMENTED_CLIENT, Boundary("an untraced producer", top.service, protocol(top)), top)
        return
    producer = max(producers, key=lambda s: s.start_us)
    receivers = [s for s in request.trace_of(producer).children(producer) if s.kind == "consumer"]
    if receivers:
        # The library's receive span extracted the context; the processing did not: the context was
        # lost where the receive span handed the record on.
        boundary = Boundary(producer.service, top.service, protocol(top))
        found(sig.CONSUMER_NOT_EXTRACTING, boundary, producer, top, lost=receivers)
        return
    # Nothing downstream of the message saw its context: one side of it has no propagator.
    service = top.service if _receiver_only(request, top) else producer.service
    blind = _blind_outbound(request, service) or [top]
    found(sig.PROPAGATOR_NOT_REGISTERED, Boundary.everywhere(service), producer, top, lost=blind)


def _receiver_only(request: Request, top: Span) -> bool:
    """The consumer's service also failed to extract where its caller did send context."""
    return any(t.service == top.service and t.kind == "server" for t in request.fragment_tops)


def _sampling_holes(request: Request, found: Any) -> None:
    for span in request.spans:
        # A call that failed may never have reached its callee (refused, timed out in a queue): no hole.
        if not _remote_call(span) or span.failed:
            continue
        if request.has_child(span, ("server",)) or any(_within(span, top) for top in request.fragment_tops):
            continue
        if not (callee_names(span) | {span.operation}) & request.traced_services:
            continue  # a callee that traces nothing (an external API): nothing to break
        if _route_never_traced(request, span):
            continue  # a route the callee leaves out on purpose (a health check): nothing to break
        callee = str(span.tags.get("rpc.service") or span.tags.get("server.address") or "its callee")
        found(sig.SAMPLER_NOT_PARENT_BASED, Boundary(span.service, callee, protocol(span)), span)


def _route_never_traced(request: Request, span: Span) -> bool:
    """An HTTP call to a service whose servers have recorded HTTP routes, none of them this call's:
    the callee leaves the route out on purpose. A sampling hole drops *some* calls to a route it does
    record. (A callee that sampled out a route from its very first call looks the same: a limit.)"""
    method, url = _http_target(span) or _http_target(_forwarded(request, span)) or (None, None)
    routes = request.traced_routes
    recorded = next((routes[name] for name in sorted(callee_names(span)) if routes.get(name)), None)
    if not method or not url or not recorded:
        return False
    path = urlsplit(str(url)).path or "/"
    return not any(_route_matches(route, str(method).upper(), path) for route in recorded)


def _http_target(span: Span | None) -> tuple[Any, Any] | None:
    """The method and URL an HTTP span records, old or stable semantic conventions alike."""
    if span is None:
        return None
    method = span.tags.get("http.request.method") or span.tags.get("http.method")
    url = span.tags.get("url.full") or span.tags.get("http.url") or span.tags.get("url.path")
    return (method, url) if method and url else None


def _forwarded(request: Request, span: Span) -> Span | None:
    """For a proxy's upstream CLIENT span (Envoy's records no URL), the request it forwards: its parent
    SERVER span in the same service."""
    parent = request.trace_of(span).by_id.get(span.parent_id or "")
    return (
        parent if parent is not None and parent.kind == "server" and parent.service == span.service else None
    )


def _route_matches(route: str, method: str, path: str) -> bool:
    """Whether "GET /orders/{order_id}" (a server span's name: method and route template) covers a call."""
    route_method, _, template = route.partition(" ")
    pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template))
    return route_method == method and re.fullmatch(pattern, path) is not None


def _hidden_error_origins(request: Request, found: Any) -> None:
    deepest = request.deepest_failures
    for failed in deepest:
        downstream = [d for d in request.descendants(failed) if d.service != failed.service]
        if not downstream or any(_rejected(d) for d in downstream if d.kind == "server"):
            continue  # failed on its own, or the callee answered no on purpose: the origin is visible
        if any(event.get("event") == "exception" for event in failed.events):
            continue  # it says why itself (a timeout waiting for its callee, say)
        if any(request.trace_of(other) is not request.trace_of(failed) for other in deepest):
            continue  # the failure's origin is recorded, in another fragment of the request
        boundary = Boundary(failed.service, downstream[0].service, protocol(downstream[0]))
        found(sig.HIDDEN_ERROR_ORIGIN, boundary, failed)


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
