"""The doctor on a trace shared by several requests (a mega-trace): cut per request, each request told."""

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


def test_every_request_in_a_shared_trace_is_told_apart_and_named_a_mega_trace():
    found = verdicts(leaked(4))
    assert sorted(found) == ["r0", "r1", "r2", "r3"]  # four requests, not one joined by the trace
    for verdict in found.values():
        assert verdict["signatures"] == ["mega-trace"], verdict
        [finding] = verdict["findings"]
        assert finding["at"] == "service-a (in-process)"
        assert finding["evidence"]["trace_ids"] == ["r0"]
        assert finding["evidence"]["requests_in_trace"] == 4
        assert "r0-a" in finding["evidence"]["span_ids"]  # the span current when the worker started


def test_a_later_request_marks_its_own_work_in_the_shared_trace_not_request_ones():
    finding = verdicts(leaked(3))["r2"]["findings"][0]
    assert finding["lost_at"] == ["r2-notice"]
    assert finding["evidence"]["span_ids"] == ["r0-a", "r2-notice"]


def test_a_worker_that_runs_each_notice_in_its_own_requests_context_leaves_every_request_whole():
    traces = {f"r{n}": request_of(f"r{n}", n * 10_000) for n in range(3)}
    for n in range(3):
        traces[f"r{n}"].append(notice(f"r{n}", f"r{n}", f"r{n}-a", n * 10_000 + 970))
    found = verdicts([Trace(t, spans) for t, spans in traces.items()])
    assert all(v["whole"] and v["signatures"] == [] for v in found.values()), found


def test_one_request_alone_in_the_leaked_workers_trace_is_not_a_mega_trace():
    found = verdicts(leaked(1))
    assert found["r0"]["whole"], found
