"""The doctor's rules on hand-built span sets: each signature, healthy requests, and the tricky ones."""

from dataclasses import replace

from tracebreak import span_attributes as sizes
from tracebreak.doctor.collect import join
from tracebreak.doctor.origins import error_origin
from tracebreak.doctor.request import Request
from tracebreak.doctor.rules import diagnose
from tracebreak.span_attributes import FIELDS_ATTRIBUTE, PARENT_SAMPLED_ATTRIBUTE
from tracebreak.traces.model import Span, Trace

RID = "rid-1"
GRPC = {"rpc.system": "grpc", "rpc.service": "tracebreak.auth.v1.Auth"}
KAFKA_REQUESTS = {"messaging.system": "kafka", "messaging.destination.name": "enrichment.requests"}
ERROR = {"otel.status_code": "ERROR"}


def span(span_id, parent, service, kind, start, end, trace="main", links=(), events=(), **tags):
    return Span(
        trace, span_id, parent, service, "op-" + span_id, kind, start, end - start, tags, list(events), links
    )


def edge_and_a(a_tags=None):
    """The client, Envoy and A's server span, as every request starts."""
    return [
        span("client", None, "tracebreak-client", "internal", 0, 1000),
        span("http", "client", "tracebreak-client", "client", 10, 990, **{"http.request.method": "GET"}),
        span("ingress", "http", "envoy", "server", 20, 980, **{"guid:x-request-id": RID}),
        span("egress", "ingress", "envoy", "client", 30, 970, upstream_cluster="service-a"),
        span(
            "a",
            "egress",
            "service-a",
            "server",
            40,
            960,
            **{"http.request.header.x-request-id": RID, **(a_tags or {})},
        ),
    ]


def b_and_c(parent="a-call", trace_id="main"):
    return [
        span("b", parent, "service-b", "server", 60, 900, trace_id, **{"rpc.grpc.request.metadata.x-request-id": RID, **GRPC, "rpc.grpc.status_code": 0}),
        span("send", "b", "service-b", "producer", 70, 80, trace_id, **KAFKA_REQUESTS),
        span("receive", "send", "service-c", "consumer", 100, 110, trace_id, **KAFKA_REQUESTS),
        span("process", "send", "service-c", "consumer", 120, 800, trace_id, **{"messaging.kafka.message.header.x-request-id": RID, **KAFKA_REQUESTS}),
        span("db", "process", "service-c", "client", 130, 700, trace_id, **{"db.system.name": "postgresql"}),
    ]  # fmt: skip


def healthy():
    return [*edge_and_a(), span("a-call", "a", "service-a", "client", 50, 950, **GRPC), *b_and_c()]


TRACED = frozenset({"service-a", "service-b", "service-c", "envoy", "tracebreak.auth.v1.Auth"})


def verdict(*traces):
    request = Request(RID, list(traces), traced_services=TRACED)
    return request, {f.signature.name: f for f in diagnose(request)}


def test_a_healthy_request_is_whole():
    request, findings = verdict(Trace("main", healthy()))
    assert findings == {} and error_origin(request) is None


def test_a_ghost_span_is_named_at_its_service():
    ghost = span(
        "audit", None, "service-a", "internal", 970, 990, "ghost", **{"http.request.header.x-request-id": RID}
    )
    _, findings = verdict(Trace("main", healthy()), Trace("ghost", [ghost]))
    assert set(findings) == {"ghost-span"}
    assert findings["ghost-span"].trace_ids == ["ghost"]
    assert str(findings["ghost-span"].boundary) == "service-a (in-process)"


def test_a_separate_trace_linked_to_the_request_is_legitimate():
    job = span(
        "job",
        None,
        "service-a",
        "internal",
        970,
        990,
        "job",
        links=("a",),
        **{"http.request.header.x-request-id": RID},
    )
    _, findings = verdict(Trace("main", healthy()), Trace("job", [job]))
    assert findings == {}


def test_a_call_made_without_tracing_is_an_uninstrumented_client():
    _, findings = verdict(
        Trace("main", edge_and_a()), Trace("b-side", b_and_c(parent=None, trace_id="b-side"))
    )
    assert set(findings) == {"uninstrumented-client"}
    finding = findings["uninstrumented-client"]
    assert (finding.boundary.source, finding.boundary.target, finding.boundary.protocol) == (
        "service-a",
        "service-b",
        "gRPC",
    )
    assert "aio_client_interceptors" in finding.fix
    assert finding.lost_at == ["a"]  # the call left no span: marked where it was made, not at B


def test_context_sent_but_never_received_was_dropped_in_transit():
    main = edge_and_a()[:4]
    a_side = [span("a", None, "service-a", "server", 40, 960, "a-side", **{"http.request.header.x-request-id": RID}),
              span("a-call", "a", "service-a", "client", 50, 950, "a-side", **GRPC), *b_and_c(trace_id="a-side")]  # fmt: skip
    _, findings = verdict(Trace("main", main), Trace("a-side", a_side))
    assert set(findings) == {"context-dropped-in-transit"}
    assert str(findings["context-dropped-in-transit"].boundary) == "envoy -> service-a (HTTP)"
    assert findings["context-dropped-in-transit"].lost_at == ["egress"]  # A started anew: not marked


def test_processing_outside_the_message_context_is_a_consumer_not_extracting():
    spans = [s for s in healthy() if s.span_id not in ("process", "db")]
    processing = [
        span("process", None, "service-c", "consumer", 120, 800, "c-side", **{"messaging.kafka.message.header.x-request-id": RID, **KAFKA_REQUESTS}),
        span("db", "process", "service-c", "client", 130, 700, "c-side", **{"db.system.name": "postgresql"}),
    ]  # fmt: skip
    _, findings = verdict(Trace("main", spans), Trace("c-side", processing))
    assert set(findings) == {"consumer-not-extracting"}
    assert str(findings["consumer-not-extracting"].boundary) == "service-b -> service-c (Kafka)"
    assert findings["consumer-not-extracting"].lost_at == ["receive"]  # it had the context, and let go


def test_a_service_that_neither_extracts_nor_injects_has_no_propagator():
    main = [*edge_and_a(), span("a-call", "a", "service-a", "client", 50, 950, **GRPC)]
    b_side = [
        span("b", None, "service-b", "server", 60, 900, "b-side", **{"rpc.grpc.request.metadata.x-request-id": RID, **GRPC}),
        span("send", "b", "service-b", "producer", 70, 80, "b-side", **KAFKA_REQUESTS),
    ]  # fmt: skip
    c_side = [span("process", None, "service-c", "consumer", 120, 800, "c-side", **{"messaging.kafka.message.header.x-request-id": RID, **KAFKA_REQUESTS})]  # fmt: skip
    _, findings = verdict(Trace("main", main), Trace("b-side", b_side), Trace("c-side", c_side))
    assert set(findings) == {"propagator-not-registered"}
    finding = findings["propagator-not-registered"]
    assert finding.boundary.target == "service-b" and sorted(finding.trace_ids) == [
        "b-side",
        "c-side",
        "main",
    ]
    # A service, not an arrow to itself; marked at B's send, which carried nothing, and nowhere in C.
    assert finding.as_dict()["at"] == "service-b (every boundary)"
    assert finding.lost_at == ["send"]


def record(topic="enrichment.requests", partition="2", offset=5, key="messaging.kafka.offset"):
    return {"messaging.destination.name": topic, "messaging.destination.partition.id": partition, key: offset}


def blind_b(offset=5, start=60, request_id=RID):
    """A request whose context B did not pass on: its fragment's server span says where its record
    landed (the PRODUCER span knows no offset), in an event."""
    sent = {"event": "record sent", **record(offset=offset), "timestamp": start + 20}
    return [
        Trace("main", [*edge_and_a(), span("a-call", "a", "service-a", "client", 50, 950, **GRPC)]),
        Trace(f"b-{start}", [
            span("b", None, "service-b", "server", start, 900, f"b-{start}", events=[sent],
                 **{"rpc.grpc.request.metadata.x-request-id": request_id, **GRPC}),
            span("send", "b", "service-b", "producer", start + 10, start + 20, f"b-{start}",
                 **{**KAFKA_REQUESTS, "messaging.destination.partition.id": "0"}),
        ]),
    ]  # fmt: skip


def receive(trace_id, start=100, **named):
    """C's receive span, in a trace of its own: no request id, only the record it received."""
    tags = {**KAFKA_REQUESTS, **(named or record(key="messaging.kafka.message.offset"))}
    return Trace(
        trace_id, [span("receive", None, "service-c", "consumer", start, start + 10, trace_id, **tags)]
    )


def test_a_trace_without_a_request_id_joins_the_request_by_the_record_it_received():
    collected = join([*blind_b(), receive("c-receive"), receive("other", **record(offset=6))], 0, 10_000)
    [request] = collected.requests
    assert sorted(t.trace_id for t in request.traces) == ["b-60", "c-receive", "main"]
    assert [t.trace_id for t in collected.unjoined] == ["other"]  # a record no request names
    [finding] = diagnose(request)
    assert finding.signature.name == "propagator-not-registered" and finding.lost_at == ["send"]


def test_a_record_named_by_two_requests_joins_the_one_nearest_in_time():
    """A broker that started over gives the same offsets again."""
    early, late = blind_b(start=60, request_id="early")[1], blind_b(start=5_000, request_id="late")[1]
    collected = join([early, late, receive("c-receive", start=5_050)], 0, 100_000)
    joined = {r.request_id: sorted(t.trace_id for t in r.traces) for r in collected.requests}
    assert joined == {"early": ["b-60"], "late": ["b-5000", "c-receive"]}


def test_a_producer_span_that_records_its_offset_names_the_record_itself():
    sender = span(
        "send",
        None,
        "service-b",
        "producer",
        60,
        70,
        "b",
        **{"messaging.kafka.message.header.x-request-id": RID, **record()},
    )
    collected = join([Trace("b", [sender]), receive("c-receive")], 0, 10_000)  # fmt: skip
    assert [sorted(t.trace_id for t in r.traces) for r in collected.requests] == [["b", "c-receive"]]


def test_a_successful_call_the_callee_never_recorded_is_a_sampling_hole():
    main = [*edge_and_a(), span("a-call", "a", "service-a", "client", 50, 950, **GRPC)]
    _, findings = verdict(Trace("main", main))
    assert set(findings) == {"sampler-not-parent-based"}
    assert findings["sampler-not-parent-based"].boundary.source == "service-a"


def test_a_failure_nobody_below_explains_is_a_hidden_error_origin():
    spans = [*edge_and_a(a_tags={**ERROR, "http.response.status_code": 502}),
             span("a-call", "a", "service-a", "client", 50, 950, **GRPC), *b_and_c()]  # fmt: skip
    _, findings = verdict(Trace("main", spans))
    assert set(findings) == {"hidden-error-origin"}
    assert str(findings["hidden-error-origin"].boundary) == "service-a -> service-b (gRPC)"
    assert findings["hidden-error-origin"].lost_at == []  # a failure nobody explains, no context lost


def test_a_fault_recorded_where_it_happened_is_whole_with_a_visible_origin():
    timeout = {
        "event": "exception",
        "exception.type": "TimeoutError",
        "exception.message": "orders-db did not answer",
    }
    spans = [
        replace(s, tags={**s.tags, **ERROR}, events=[timeout] if s.span_id == "db" else [])
        if s.span_id in ("db", "process", "b", "a-call", "a")
        else s
        for s in healthy()
    ]
    request, findings = verdict(Trace("main", spans))
    assert findings == {}
    origin = error_origin(request)
    assert (origin.service, origin.span_id) == ("service-c", "db")
    assert origin.reason == "TimeoutError: orders-db did not answer"


def test_a_refusal_by_the_callee_is_a_real_failure_not_a_hidden_one():
    """404: B answered NOT_FOUND on purpose; A's client span is an error, with its reason below it."""
    changes = {"a-call": ERROR, "b": {"rpc.grpc.status_code": 5}}
    spans = [replace(s, tags={**s.tags, **changes.get(s.span_id, {})}) for s in healthy()]
    _, findings = verdict(Trace("main", spans))
    assert findings == {}


def test_a_call_to_a_service_that_is_down_is_not_a_sampling_hole():
    main = [*edge_and_a(a_tags=ERROR), span("a-call", "a", "service-a", "client", 50, 950, **GRPC, **ERROR)]
    request, findings = verdict(Trace("main", main))
    assert findings == {}
    assert error_origin(request).span_id == "a-call"


def test_a_proxy_call_that_failed_on_its_way_is_not_a_sampling_hole():
    """Envoy marks a failed upstream call with its text `error` tag, not an OpenTelemetry status: A,
    overloaded, never started the request, and that is a failure, not a sampler's hole."""
    main = [span("client", None, "tracebreak-client", "internal", 0, 1000),
            span("ingress", "client", "envoy", "server", 20, 980, **{"guid:x-request-id": RID}),
            span("egress", "ingress", "envoy", "client", 30, 970, upstream_cluster="service-a", error="true")]  # fmt: skip
    _, findings = verdict(Trace("main", main))
    assert "sampler-not-parent-based" not in findings


def test_traces_join_by_any_request_id_key_and_recent_ones_wait():
    ghost = Trace("ghost", [span("audit", None, "service-a", "internal", 970, 990, "ghost",
                                 **{"http.request.header.x-request-id": f'["{RID}"]'})])  # fmt: skip
    lonely = Trace("lonely", [span("cron", None, "service-a", "internal", 0, 10, "lonely")])
    collected = join([Trace("main", healthy()), ghost, lonely], settle_us=100, now_us=2000)
    assert [sorted(t.trace_id for t in r.traces) for r in collected.requests] == [["ghost", "main"]]
    assert [t.trace_id for t in collected.unjoined] == ["lonely"]
    still_arriving = join([Trace("main", healthy())], settle_us=5000, now_us=2000)
    assert still_arriving.requests == [] and len(still_arriving.pending) == 1


def test_an_error_recorded_in_another_fragment_is_not_hidden():
    """C's processing ran outside the request's trace and recorded the timeout there."""
    timeout = {"event": "exception", "exception.type": "TimeoutError"}
    changes = {"a": ERROR, "b": ERROR}
    main = [
        replace(s, tags={**s.tags, **changes.get(s.span_id, {})})
        for s in healthy()
        if s.span_id not in ("process", "db")
    ]
    c_side = [
        span(
            "process",
            None,
            "service-c",
            "consumer",
            120,
            800,
            "c-side",
            **{"messaging.kafka.message.header.x-request-id": RID, **KAFKA_REQUESTS, **ERROR},
        ),
        span(
            "db",
            "process",
            "service-c",
            "client",
            130,
            700,
            "c-side",
            events=[timeout],
            **{"db.system.name": "postgresql", **ERROR},
        ),
    ]
    request, findings = verdict(Trace("main", main), Trace("c-side", c_side))
    assert set(findings) == {"consumer-not-extracting"}
    assert error_origin(request).span_id == "db"


def test_log_lines_with_the_request_id_but_no_trace_id_are_named_by_service():
    logs = [
        {"traceID": "", "spanID": "", "serviceName": "service-b", "attributes": {"request_id": RID}},
        {
            "traceID": "ab" * 16,
            "spanID": "cd" * 8,
            "serviceName": "service-a",
            "attributes": {"request_id": RID},
        },
    ]
    collected = join([Trace("main", healthy())], settle_us=0, now_us=10_000, logs=logs)
    [request] = collected.requests
    findings = {f.signature.name: f for f in diagnose(request)}
    assert set(findings) == {"logs-without-trace-id"}
    assert str(findings["logs-without-trace-id"].boundary) == "service-b (logs)"
    assert findings["logs-without-trace-id"].as_dict()["evidence"] == {
        "trace_ids": [],
        "span_ids": [],
        "log_lines": 1,
    }


def test_the_rules_never_read_what_only_tracebreak_writes():
    from pathlib import Path

    import tracebreak.doctor

    for module in Path(tracebreak.doctor.__file__).parent.glob("*.py"):
        text = module.read_text()
        assert "feature_flag" not in text.replace('"feature_flag.*"', "").replace("`feature_flag.*`", ""), (
            module
        )
        assert "tracebreak.chaos" not in text, module


def test_a_call_to_an_untraced_external_api_breaks_nothing():
    external = span(
        "stripe",
        "a",
        "service-a",
        "client",
        60,
        90,
        **{"http.request.method": "POST", "server.address": "api.stripe.com"},
    )
    _, findings = verdict(Trace("main", [*healthy(), external]))
    assert findings == {}


def test_a_caller_that_timed_out_waiting_says_why_itself():
    deadline = {"event": "exception", "exception.type": "AbortError", "exception.message": "Locally aborted."}
    changes = {"a": ERROR, "a-call": ERROR, "b": {**ERROR, "otel.status_description": "DEADLINE_EXCEEDED"}}
    spans = [replace(s, tags={**s.tags, **changes.get(s.span_id, {})}, events=[deadline] if s.span_id == "b" else [])
             for s in healthy()]  # fmt: skip
    request, findings = verdict(Trace("main", spans))
    assert findings == {} and error_origin(request).span_id == "b"
    assert error_origin(request).reason == "DEADLINE_EXCEEDED"  # not gRPC's "Locally aborted."


def test_the_error_tag_written_as_text_counts_as_a_failure():
    spans = [replace(s, tags={**s.tags, "error": "true"}) if s.span_id == "db" else s for s in healthy()]
    request, _ = verdict(Trace("main", spans))
    assert error_origin(request).span_id == "db"


def test_a_call_made_outside_the_request_context_is_a_ghost():
    stray = span(
        "call",
        None,
        "service-a",
        "client",
        970,
        990,
        "stray",
        **{**GRPC, "http.request.header.x-request-id": RID},
    )
    _, findings = verdict(Trace("main", healthy()), Trace("stray", [stray]))
    assert set(findings) == {"ghost-span"}


def test_odd_values_do_not_stop_the_doctor():
    odd = {"rpc.grpc.status_code": "DEADLINE_EXCEEDED", "http.response.status_code": ""}
    spans = [replace(s, tags={**s.tags, **odd}) if s.span_id == "b" else s for s in healthy()]
    logs = [{"traceID": None, "serviceName": None, "attributes": {"request_id": RID}}]
    collected = join([Trace("main", spans), Trace("empty", [])], settle_us=0, now_us=10_000, logs=logs)
    [request] = collected.requests
    assert {f.signature.name for f in diagnose(request)} == {"logs-without-trace-id"}


A_ROUTES = {"service-a": frozenset({"GET /orders/{order_id}"})}


def envoy_call(path: str) -> list[Span]:
    """A request through the edge whose upstream call A answered without recording a server span.
    As Envoy records it: the method and URL on its SERVER span, none on its upstream CLIENT span."""
    return [
        span("ingress", None, "envoy", "server", 0, 100,
             **{"guid:x-request-id": RID, "http.method": "GET", "http.url": f"http://127.0.0.1:8080{path}"}),
        span("egress", "ingress", "envoy", "client", 10, 90, upstream_cluster="service-a"),
    ]  # fmt: skip


def test_a_route_the_callee_never_records_is_left_out_on_purpose_not_a_sampling_hole():
    request = Request(
        RID, [Trace("main", envoy_call("/healthz"))], traced_services=TRACED, traced_routes=A_ROUTES
    )
    assert diagnose(request) == []


def test_a_route_the_callee_does_record_with_no_server_span_is_a_sampling_hole():
    request = Request(
        RID, [Trace("main", envoy_call("/orders/7"))], traced_services=TRACED, traced_routes=A_ROUTES
    )
    [finding] = diagnose(request)
    assert finding.signature.name == "sampler-not-parent-based" and finding.boundary.source == "envoy"


def test_without_the_callees_routes_every_unanswered_call_is_still_judged():
    request = Request(RID, [Trace("main", envoy_call("/healthz"))], traced_services=TRACED)
    assert [f.signature.name for f in diagnose(request)] == ["sampler-not-parent-based"]


W3C = "baggage,traceparent,tracestate"
B3 = "x-b3-sampled,x-b3-spanid,x-b3-traceid"


def b_speaking(b_fields: str):
    """A's side sent W3C over gRPC; B's server span is a root, and so is C's processing."""
    main = [*edge_and_a({FIELDS_ATTRIBUTE: W3C}), span("a-call", "a", "service-a", "client", 50, 950, **GRPC)]
    b_tags = {"rpc.grpc.request.metadata.x-request-id": RID, FIELDS_ATTRIBUTE: b_fields, **GRPC}
    b_side = [
        span("b", None, "service-b", "server", 60, 900, "b-side", **b_tags),
        span("send", "b", "service-b", "producer", 70, 80, "b-side", **KAFKA_REQUESTS),
    ]
    c_tags = {"messaging.kafka.message.header.x-request-id": RID, FIELDS_ATTRIBUTE: W3C, **KAFKA_REQUESTS}
    c_side = [span("process", None, "service-c", "consumer", 120, 800, "c-side", **c_tags)]
    return verdict(Trace("main", main), Trace("b-side", b_side), Trace("c-side", c_side))


def test_b3_against_w3c_is_a_mismatch_at_each_hop_with_both_sets():
    request, findings = b_speaking(B3)
    assert set(findings) == {"propagator-mismatch"}
    shown = {str(f.boundary): f.as_dict()["evidence"]["propagators"] for f in diagnose(request)}
    assert shown == {
        "service-a -> service-b (gRPC)": {"service-a": W3C.split(","), "service-b": B3.split(",")},
        "service-b -> service-c (Kafka)": {"service-b": B3.split(","), "service-c": W3C.split(",")},
    }
    [first, _] = diagnose(request)
    assert first.lost_at == ["a-call"]  # the sender's hop, in the fragment that had the context
    assert "OTEL_PROPAGATORS=tracecontext,baggage,b3multi on the receiver (service-b)" in first.fix


def test_no_propagator_at_all_is_still_not_registered_and_unknown_sets_change_nothing():
    _, silent = b_speaking("")
    assert set(silent) == {"propagator-not-registered"}
    assert "propagators" not in silent["propagator-not-registered"].as_dict()["evidence"]
    _, shared = b_speaking(f"{W3C},{B3}")  # reads both: whatever broke, it was not the format
    assert "propagator-mismatch" not in shared


BAGGAGE_SET = "enduser.id,cart.line.0,cart.line.1,tenant.id"


def with_baggage(received_keys: str | None):
    """The healthy request, B having set BAGGAGE_SET and C's processing span having received `received_keys`."""
    spans = []
    for s in healthy():
        if s.span_id == "b":
            s = replace(s, tags={**s.tags, FIELDS_ATTRIBUTE: "baggage,traceparent",
                                 sizes.SET_KEYS: BAGGAGE_SET, sizes.SET_BYTES: 9785, sizes.SENT_BYTES: 8184})  # fmt: skip
        elif s.span_id == "process":
            got = {sizes.RECEIVED_KEYS: received_keys, sizes.RECEIVED_BYTES: 8184} if received_keys else {}
            s = replace(s, tags={**s.tags, FIELDS_ATTRIBUTE: "baggage,traceparent", **got})
        spans.append(s)
    return Trace("main", spans)


def test_keys_set_and_not_received_are_the_cut_off_at_the_senders_boundary():
    _, findings = verdict(with_baggage("enduser.id,cart.line.0"))
    assert set(findings) == {"baggage-cut-off"}
    finding = findings["baggage-cut-off"]
    assert str(finding.boundary) == "service-b -> service-c (Kafka)"
    assert finding.lost_at == ["b"] and finding.span_ids == ["b", "process"]
    assert "9,785 bytes" in finding.detail and "missing 2: cart.line.1, tenant.id" in finding.detail


def test_a_receiver_that_got_no_baggage_at_all_is_cut_off_of_every_key():
    _, findings = verdict(with_baggage(None))
    assert "missing 4" in findings["baggage-cut-off"].detail


def test_every_key_received_is_whole():
    _, findings = verdict(with_baggage(BAGGAGE_SET))
    assert findings == {}


def test_a_parent_dropped_on_the_way_is_a_hole_of_capacity_not_a_sampler_or_a_break():
    """B's server span never arrived, its producer span and C's below did: dropped on the way at B."""
    spans = [s for s in healthy() if s.span_id != "b"]
    _, findings = verdict(Trace("main", spans))
    assert set(findings) == {"dropped-on-the-way"}
    finding = findings["dropped-on-the-way"]
    assert str(finding.boundary) == "service-b (span export)" and finding.span_ids == ["send"]
    assert "names parent b of trace main, which never arrived" in finding.detail
    assert finding.fix.startswith("Capacity, not propagation")


def test_a_child_told_not_sampled_is_not_dropped_on_the_way():
    spans = [
        replace(s, tags={**s.tags, PARENT_SAMPLED_ATTRIBUTE: False}) if s.span_id == "send" else s
        for s in healthy()
        if s.span_id != "b"
    ]
    _, findings = verdict(Trace("main", spans))
    assert "dropped-on-the-way" not in findings


def test_the_first_span_of_a_trace_whose_client_exports_nowhere_is_no_hole():
    spans = [s for s in healthy() if s.service != "tracebreak-client"]
    _, findings = verdict(Trace("main", spans))
    assert findings == {}
