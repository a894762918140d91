"""The audit's judgement without a stack: the collector's tail sampling (item 6), lint findings
weighed against the chaos toggles (a breaker's WRONG branch counts only while it is on), and each
item judged on what its component received (a service handed nothing is blocked, not failed)."""

import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from services.service_a.client import RequestResult
from tracebreak.audit import collector, command, gather, items
from tracebreak.audit.checklist import PROPAGATORS, SAMPLING, TASKS, WIRE, Result
from tracebreak.audit.gather import Observed
from tracebreak.audit.static import weigh
from tracebreak.doctor.request import Request
from tracebreak.lint import Finding, LintResult
from tracebreak.span_attributes import FIELDS_ATTRIBUTE
from tracebreak.traces.model import Span, Trace
from tracebreak.wire.hops import HOPS, Hop, Layout, RequestWire
from tracebreak.wire.session import CaptureFailed
from tracebreak.wire.tshark import WireError

ROOT = Path(__file__).resolve().parents[2]


def judged(path: Path | None) -> Result:
    return collector.judge(Result(SAMPLING, "PASS"), path)


def test_the_compose_collector_samples_at_the_tail_with_the_three_policies():
    result = judged(ROOT / "collector" / "config.yaml")
    assert result.status == "PASS", result.evidence
    assert "decision_wait 10s" in result.evidence[0]


def test_without_a_collector_item_6_is_skipped_and_says_why():
    result = judged(None)
    assert result.status == "SKIP" and "no collector runs on the local stack" in result.evidence[0]


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ("service: {pipelines: {traces: {processors: [batch]}}}", "has no tail_sampling processor"),
        (
            "processors: {tail_sampling: {policies: [{name: e, type: status_code}]}}\n"
            "service: {pipelines: {traces: {processors: [tail_sampling]}}}",
            "keeps no policy for latency (slow traces), probabilistic (a share of the rest)",
        ),
        ("processors: [unclosed", "cannot read"),
    ],
)
def test_a_collector_without_tail_sampling_fails_and_says_what_is_missing(tmp_path, config, said):
    path = tmp_path / "config.yaml"
    path.write_text(config)
    result = judged(path)
    assert result.status == "FAIL" and said in result.evidence[0] and result.boundaries == ["the collector"]


AUDIT_TASK = Finding("TB101", "services/service_a/audit.py", 29, 16, "a task in a fresh context", "fix")


def weighed(findings: list[Finding], toggles: dict | None, files: int = 3) -> Result:
    result = Result(TASKS, "PASS")
    weigh(result, LintResult(findings=findings, files=files), {"task", "executor"}, toggles)
    return result


def test_a_breakers_wrong_branch_counts_only_while_its_toggle_is_on():
    off = weighed([AUDIT_TASK], {"orphan-background-task": 0.0})
    assert off.status == "PASS" and "off (deliberate, not running)" in off.evidence[0]
    on = weighed([AUDIT_TASK], {"orphan-background-task": 0.3})
    assert on.status == "FAIL" and on.boundaries == ["service-a (background task)"]
    unknown = weighed([AUDIT_TASK], None)
    assert unknown.status == "PASS" and "state is unknown" in unknown.evidence[0]


def test_a_finding_anywhere_else_fails_the_item():
    elsewhere = Finding("TB202", "worker/jobs.py", 12, 4, "a thread without the context", "fix")
    result = weighed([elsewhere], {"orphan-background-task": 0.0})
    assert result.status == "FAIL" and result.boundaries == ["worker/jobs.py"]
    clean = weighed([], {})
    assert clean.status == "PASS" and clean.evidence == ["lint (executor, task): nothing found in 3 files"]
    assert weighed([], {}, files=1).evidence == ["lint (executor, task): nothing found in 1 file"]


def test_without_a_stack_it_says_so_and_exits_2():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    env = {**os.environ, "TRACEBREAK_EDGE_URL": f"http://127.0.0.1:{port}", "OTEL_SDK_DISABLED": "true"}
    command = [sys.executable, "-m", "tracebreak.cli", "audit"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    said = " ".join(result.stderr.split())
    assert result.returncode == 2 and f"cannot reach the edge at http://127.0.0.1:{port}" in said
    assert "Traceback" not in result.stderr


# Each item judged on what its component received: synthetic requests, as a breaker leaves them.
RID = "rid-1"
FIELDS = "baggage,traceparent,tracestate"  # what a service's propagators handle, on its inbound span
PROTOCOLS = {1: "HTTP/1.1", 2: "HTTP/1.1", 3: "gRPC", 4: "Kafka produce", 5: "Kafka fetch"}
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def span(trace: str, span_id: str, parent: str | None, service: str, kind: str, **tags: str) -> Span:
    return Span(trace, span_id, parent, service, span_id, kind, 0, 1, tags)  # named by its id


def edge(trace: str = "main") -> list[Span]:
    return [
        span(trace, "client", None, "tracebreak-client", "internal"),
        span(trace, "http", "client", "tracebreak-client", "client"),
        span(trace, "ingress", "http", "envoy", "server"),
        span(trace, "egress", "ingress", "envoy", "client"),
    ]


def a_to_c(a: str, b: str, c: str, b_fields: str = FIELDS, a_parent: str | None = "egress") -> list[Span]:
    """A, B and C's spans, each service's in the trace it was handed (or started)."""
    return [
        span(a, "a", a_parent, "service-a", "server", **{FIELDS_ATTRIBUTE: FIELDS}),
        span(a, "a-call", "a", "service-a", "client"),
        span(b, "b", "a-call" if b == a else None, "service-b", "server", **{FIELDS_ATTRIBUTE: b_fields}),
        span(b, "send", "b", "service-b", "producer"),
        span(c, "enrichment.requests process", "send" if c == b else None, "service-c", "consumer",
             **{FIELDS_ATTRIBUTE: FIELDS}),
    ]  # fmt: skip


def capture(*missing: int) -> RequestWire:
    """The request's hops into A, B and C, without a traceparent on those numbered `missing`."""
    hops = [
        Hop(n, *HOPS[n], PROTOCOLS[n], RID, float(n), None if n in missing else TRACEPARENT, None, None,
            trace_id=None if n in missing else "main")
        for n in PROTOCOLS
    ]  # fmt: skip
    return RequestWire(RID, hops)


def observed(
    spans: list[Span], wire: RequestWire | None, findings: list[Finding] | None = None, toggles=None
) -> Observed:
    traces: dict[str, list[Span]] = {}
    for s in spans:
        traces.setdefault(s.trace_id, []).append(s)
    return Observed(
        RequestResult(200, "main", RID, None),
        wire=wire,
        request=Request(RID, [Trace(trace_id, found) for trace_id, found in traces.items()]),
        lint=LintResult(findings=findings, files=3) if findings else None,
        toggles=toggles,
        skipped={} if wire else {"wire": "no capture"},
    )


# propagator-not-registered: B extracts nothing from A and injects nothing into the record for C.
NO_PROPAGATOR = [*edge(), *a_to_c("main", "b-own", "c-own", b_fields="")]


def test_a_consumer_handed_no_traceparent_is_blocked_by_the_hop_that_carried_none():
    seen = observed(NO_PROPAGATOR, capture(4, 5))
    kafka = items.kafka(seen)
    assert kafka.status == "BLOCKED" and kafka.blocked_by == [1] and kafka.boundaries == [], kafka
    assert kafka.evidence == [
        "service-c's 'enrichment.requests process' starts trace c-own: nothing arrived to extract: "
        "broker -> service-c (Kafka fetch) carried no traceparent (see item 1)"
    ]
    assert kafka.as_dict()["status"] == "BLOCKED" and kafka.as_dict()["fix"] is None
    # Item 1 names the break; item 2 fails the service that received context and kept none.
    assert items.wire(seen).boundaries == ["service-b -> broker"]
    roots = items.roots(seen)
    assert roots.status == "FAIL" and roots.boundaries == ["service-b"] and roots.blocked_by == [1]


def test_without_a_capture_the_senders_propagators_tell_that_it_sent_nothing():
    propagator = Finding("TB601", "tracebreak/runtime/propagation.py", 38, 9, "no propagator", "fix")
    seen = observed(NO_PROPAGATOR, None, [propagator], {"propagator-not-registered": True})
    kafka = items.kafka(seen)
    assert kafka.status == "BLOCKED" and kafka.blocked_by == [7]
    assert (
        "nothing arrived to extract: service-b's propagators inject no traceparent (see item 7)"
        in (kafka.evidence[0])
    )
    propagators = items.propagators(seen)
    # The traces' "service-b (every boundary)" and the breaker's are one place, named once.
    assert propagators.status == "FAIL" and propagators.boundaries == ["service-b (every boundary)"]


def test_a_callee_the_gateway_handed_nothing_is_no_root_of_its_own():
    stripped = [*edge(), *a_to_c("a-own", "a-own", "a-own", a_parent=None)]
    on_wire = observed(stripped, capture(2))
    roots = items.roots(on_wire)
    assert roots.status == "BLOCKED" and roots.blocked_by == [1] and roots.boundaries == []
    assert "envoy -> service-a (HTTP/1.1) carried no traceparent (see item 1)" in roots.evidence[0]
    # Without a capture: A's server span extracted with a propagator that reads traceparent, and got none.
    in_traces = observed(stripped, None)
    assert items.roots(in_traces).blocked_by == [1]
    wire = items.wire(in_traces)
    assert wire.status == "FAIL" and wire.boundaries == ["envoy -> service-a"]
    assert wire.evidence[-1].startswith("no traceparent reached service-a: service-a's server span")


def test_a_consumer_that_was_handed_the_context_and_dropped_it_fails():
    received = span("main", "receive", "send", "service-c", "consumer")  # the instrumentation's span
    dropped = [*edge(), *a_to_c("main", "main", "c-own"), received]
    for wire in (capture(), None):
        kafka = items.kafka(observed(dropped, wire))
        assert kafka.status == "FAIL" and kafka.boundaries == ["service-b -> service-c (Kafka)"], wire
        assert items.roots(observed(dropped, wire)).boundaries == ["service-c"]


def test_the_text_says_what_blocks_an_item(capsys):
    command.draw([items.kafka(observed(NO_PROPAGATOR, capture(4, 5)))], RID)
    said = capsys.readouterr().out
    assert "BLOCKED 4. Kafka consumers" in said and "blocked by: item 1" in said and "fix:" not in said
    assert said.splitlines()[-1] == "0 pass, 0 fail, 1 blocked, 0 skip"


def test_a_hop_whose_sender_registered_no_propagator_gets_item_7s_fix():
    """propagator-not-registered: the record B produced carries no traceparent, and B's inbound span
    reports propagators that write none: item 1's fix is registering them, not instrumenting a client."""
    wire = items.wire(observed(NO_PROPAGATOR, capture(4, 5)))
    assert wire.status == "FAIL" and wire.boundaries == ["service-b -> broker"]
    assert wire.fix == PROPAGATORS.fix and wire.as_dict()["fix"] == PROPAGATORS.fix
    assert wire.evidence[0].endswith(
        "(Kafka produce), request rid-1: service-b's propagators inject no traceparent (see item 7)"
    )
    # A's propagators write traceparent: a call that carries none is a client or a proxy's doing.
    uninstrumented = items.wire(observed([*edge(), *a_to_c("main", "b-own", "b-own")], capture(3)))
    assert uninstrumented.fix == WIRE.fix
    both = items.wire(observed(NO_PROPAGATOR, capture(3, 4, 5)))
    assert both.boundaries == ["service-a -> service-b", "service-b -> broker"]
    assert both.fix == f"{WIRE.fix} {PROPAGATORS.fix}"


def test_the_text_gives_the_fix_the_evidence_shows(capsys):
    command.draw([items.wire(observed(NO_PROPAGATOR, capture(4, 5)))], RID)
    said = capsys.readouterr().out
    assert f"fix: {PROPAGATORS.fix}" in said and WIRE.fix not in said


def later(spans: list[Span], trace: str) -> list[Span]:
    """The spans of `trace` started after the rest: a fragment the request's own trace came before."""
    return [replace(s, start_us=5) if s.trace_id == trace else s for s in spans]


def test_a_trace_split_inside_a_service_names_the_span_that_started_the_fragment():
    """kafka-consumer-no-extract: C's receive span is in the request's trace, its processing starts
    another; the main trace crosses every service, so item 8 names where the second one begins."""
    received = span("main", "receive", "send", "service-c", "consumer")
    split = later([*edge(), *a_to_c("main", "main", "c-own"), received], "c-own")
    synthetic = items.synthetic(observed(split, capture()))
    assert synthetic.status == "FAIL", synthetic
    assert synthetic.boundaries == ["service-c ('enrichment.requests process')"]
    assert synthetic.evidence == [
        "request rid-1 is 2 traces: main, c-own",
        "service-c starts trace c-own with 'enrichment.requests process'",
    ]


def test_a_capture_that_fails_after_the_request_was_sent_keeps_that_request(monkeypatch):
    """tshark said 'Capturing on', then found it may not: the request went out and is judged from its
    traces; a second one would be a second client in the process, whose spans never leave it."""
    sent = RequestResult(200, "main", RID, None)

    def capture_fails(*args: object) -> None:
        raise CaptureFailed(WireError("tshark could not capture on nosuch0: no such device"), sent)

    def second_request(*args: object) -> None:
        raise AssertionError("the request was sent again")

    monkeypatch.setattr(gather.session, "one_request", capture_fails)
    monkeypatch.setattr(gather, "send_traced", second_request)
    sources = gather.Sources("http://edge", "http://store", "http://admin", Path("flags"), Layout())
    seen = gather._send(sources)
    assert seen.sent is sent and seen.wire is None
    assert seen.skipped == {"wire": "tshark could not capture on nosuch0: no such device"}
