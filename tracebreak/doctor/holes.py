"""Sampling holes: a call to a traced service that left no span on the other side, where nothing but
the callee's sampler can have dropped it."""

import re
from typing import Any
from urllib.parse import urlsplit

from tracebreak import signatures as sig
from tracebreak.doctor.dropped import dropped_below
from tracebreak.doctor.findings import Findings
from tracebreak.doctor.request import Request
from tracebreak.doctor.spans import callee_names, protocol, remote_call, within
from tracebreak.signatures import Boundary
from tracebreak.traces.model import Span


def sampling_holes(request: Request, findings: Findings) -> None:
    for span in request.spans:
        # A call that failed may never have reached its callee (refused, timed out in a queue): no hole.
        if not remote_call(span) or span.failed:
            continue
        if request.has_child(span, ("server",)) or any(within(span, top) for top in request.fragment_tops):
            continue
        if not (callee_names(span) | {span.operation}) & request.traced_services:
            continue  # a callee that traces nothing (an external API): nothing to break
        if dropped_below(request, span):
            continue  # spans below it arrived without their parent: dropped on the way (dropped.py)
        if _route_never_traced(request, span):
            continue  # a route the callee leaves out on purpose (a health check): nothing to break
        callee = str(span.tags.get("rpc.service") or span.tags.get("server.address") or "its callee")
        findings.add(sig.SAMPLER_NOT_PARENT_BASED, Boundary(span.service, callee, protocol(span)), span)


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
