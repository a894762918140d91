"""The wire on a hop whose context travels as B3 (or Jaeger's) instead of W3C: another format,
named with its header, never "missing"."""

from tests.unit.test_wire import RID, T1, judged, request
from tracebreak.wire.hops import CARRIED, MISSING, OTHER_FORMAT
from tracebreak.wire.packets import Message

B3_ID = "80f198ee56343ba864fe8b2a57d3eff7"


def with_headers(n: int, **headers: list[str]):
    """The request's seven hops, the n-th (1-based) carrying `headers` and no traceparent."""
    capture = request(*[T1] * 7)
    old = capture.messages[n - 1]
    kept = {k: v for k, v in old.headers.items() if k != "traceparent"}
    capture.messages[n - 1] = Message(*list(vars(old).values())[:5], {**kept, **headers}, old.topic)
    return capture


def test_b3_headers_in_place_of_a_traceparent_are_context_in_another_format():
    b3 = {"x-b3-traceid": [B3_ID], "x-b3-spanid": ["e457b5a2e4d86bd1"], "x-b3-sampled": ["1"]}
    wire = judged(with_headers(4, **b3))
    hop = wire.hops[3]
    assert (hop.source, hop.target, hop.verdict) == ("service-b", "broker", OTHER_FORMAT)
    assert hop.other_format == f"B3 multi-header (X-B3-TraceId: {B3_ID})"
    assert wire.breaks == [
        "context in another format: service-b -> broker (Kafka produce) carries no traceparent but "
        f"B3 multi-header (X-B3-TraceId: {B3_ID}); a W3C receiver does not read it and starts a new trace"
    ]
    assert not wire.whole and wire.request_id == RID


def test_jaeger_and_b3_single_are_named_and_a_bare_hop_is_still_missing():
    single = judged(with_headers(3, b3=[f"{B3_ID}-e457b5a2e4d86bd1-1"])).hops[2]
    assert single.verdict == OTHER_FORMAT and single.other_format.startswith("B3 single-header (b3: ")
    jaeger = judged(with_headers(3, **{"uber-trace-id": [f"{B3_ID}:e457b5a2e4d86bd1:0:1"]})).hops[2]
    assert jaeger.other_format.startswith("Jaeger (uber-trace-id: ")
    bare = judged(with_headers(3))
    assert bare.hops[2].verdict == MISSING and bare.hops[2].other_format is None
    assert [hop.verdict for hop in bare.hops[:2]] == [CARRIED, CARRIED]
