"""The doctor on propagators that share no header: propagator-mismatch at the hop, both sets named;
and where the sets are unknown or shared, the rules it fell through to before."""

from tests.unit.test_doctor_rules import GRPC, KAFKA_REQUESTS, RID, edge_and_a, span, verdict
from tracebreak.doctor.rules import diagnose
from tracebreak.runtime.propagation import FIELDS_ATTRIBUTE
from tracebreak.traces.model import Trace

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
