"""Requests as far as service-a, made of synthetic spans, and the doctor's verdict on them: what the
unit tests of shared traces (a mega-trace, a batch's) build on."""

from tracebreak.doctor.collect import join
from tracebreak.doctor.report import Verdict
from tracebreak.doctor.rules import diagnose
from tracebreak.traces.model import Span, Trace

HTTP_ID = "http.request.header.x-request-id"
TRACED = frozenset({"service-a", "envoy"})


def span(span_id, parent, service, kind, start, end, trace, **tags):
    return Span(trace, span_id, parent, service, "op-" + span_id, kind, start, end - start, tags)


def request_of(request_id, offset_us):
    """A request as far as A, in a trace of its own: the client, Envoy and A's server span."""
    at, trace = offset_us, request_id
    return [
        span(f"{request_id}-client", None, "tracebreak-client", "internal", at, at + 1000, trace),
        span(f"{request_id}-http", f"{request_id}-client", "tracebreak-client", "client", at + 10, at + 990,
             trace, **{"http.request.method": "GET"}),
        span(f"{request_id}-ingress", f"{request_id}-http", "envoy", "server", at + 20, at + 980, trace,
             **{"guid:x-request-id": request_id}),
        span(f"{request_id}-egress", f"{request_id}-ingress", "envoy", "client", at + 30, at + 970, trace,
             upstream_cluster="service-a"),
        span(f"{request_id}-a", f"{request_id}-egress", "service-a", "server", at + 40, at + 960, trace,
             **{HTTP_ID: request_id}),
    ]  # fmt: skip


def notice(request_id, trace_id, parent, start_us):
    """The worker's span for a request, under `parent` (in trace `trace_id`)."""
    return span(f"{request_id}-notice", parent, "service-a", "internal", start_us, start_us + 5,
                trace_id, **{HTTP_ID: request_id})  # fmt: skip


def leaked(count):
    """`count` requests whose notices a worker started in request one wrote in request one's trace."""
    traces = {f"r{n}": request_of(f"r{n}", n * 10_000) for n in range(count)}
    for n in range(count):
        traces["r0"].append(notice(f"r{n}", "r0", "r0-a", n * 10_000 + 970))
    return [Trace(trace_id, sorted(spans, key=lambda s: s.start_us)) for trace_id, spans in traces.items()]


def verdicts(traces):
    collected = join(traces, 0, 10**9, known=TRACED)
    return {r.request_id: Verdict(r, diagnose(r)).as_dict() for r in collected.requests}
