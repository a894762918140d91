"""`tracebreak wire` without a stack: how tshark's JSON becomes hops and verdicts, and the clear
errors when tshark, the capture rights or the capture file are missing."""

import os
import shutil
import subprocess
import sys

import pytest

from tracebreak.wire import packets
from tracebreak.wire.hops import CARRIED, CHANGED, MALFORMED, MISSING, OTHER_FORMAT, Layout, group
from tracebreak.wire.packets import FETCH, GRPC, HTTP, PRODUCE, Capture, Message

LAYOUT = Layout()
T1, T2 = "4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c"
RID = "8e4f1c1e-0d3a-4d51-9d0b-7a6e2b1f0c11"


def tp(trace_id: str, span: str = "00f067aa0ba902b7") -> str:
    return f"00-{trace_id}-{span}-01"


def message(
    n: int, protocol: str, into: int, trace_id: str | None, topic: str | None = None, **kw
) -> Message:
    headers = {"x-request-id": [RID], **({"traceparent": [tp(trace_id)]} if trace_id else {})}
    out_of = LAYOUT.broker if protocol == FETCH else 40000 + n
    return Message(n, 1000.0 + n, out_of, into, protocol, {**headers, **kw}, topic)


def request(*trace_ids: str | None) -> Capture:
    """The seven hops of one request, the i-th carrying trace_ids[i] (None: no traceparent)."""
    b, broker = LAYOUT.service_b, LAYOUT.broker
    hops = [
        (HTTP, LAYOUT.edge, None),
        (HTTP, LAYOUT.service_a, None),
        (GRPC, b, None),
        (PRODUCE, broker, "enrichment.requests.g7"),
        (FETCH, 40100, "enrichment.requests.g7"),
        (PRODUCE, broker, "enrichment.replies.g7"),
        (FETCH, 40101, "enrichment.replies.g7"),
    ]
    return Capture(
        [
            message(n, p, into, t, topic)
            for n, ((p, into, topic), t) in enumerate(zip(hops, trace_ids, strict=False), 1)
        ]
    )


def judged(capture: Capture):
    return group(capture, LAYOUT)[RID]


def test_a_whole_request_carries_one_trace_on_all_seven_hops():
    wire = judged(request(*[T1] * 7))
    assert [hop.verdict for hop in wire.hops] == [CARRIED] * 7
    assert wire.whole and wire.breaks == [] and wire.unseen == []
    assert [(hop.source, hop.target) for hop in wire.hops][2:5] == [
        ("service-a", "service-b"),
        ("service-b", "broker"),
        ("broker", "service-c"),
    ]


def test_a_hop_without_context_is_the_break_and_what_follows_is_another_trace():
    wire = judged(request(T1, None, *[T2] * 5))
    assert [hop.verdict for hop in wire.hops] == [CARRIED, MISSING, *[CHANGED] * 5]
    assert wire.breaks == ["lost on the wire: envoy -> service-a (HTTP/1.1) carries no traceparent"]


def test_a_record_produced_without_context_is_one_break_not_two():
    """The fetch repeats what was produced: the broker is not blamed for B's record."""
    wire = judged(request(T1, T1, T1, None, None, T2, T2))
    assert wire.breaks == ["lost on the wire: service-b -> broker (Kafka produce) carries no traceparent"]


def test_a_service_that_sends_another_trace_than_it_received_is_broken_inside():
    wire = judged(request(*[T1] * 5, T2, T2))
    assert [hop.verdict for hop in wire.hops][5:] == [CHANGED, CHANGED]
    [broken] = wire.breaks
    assert broken.startswith(f"broken inside service-c: it received trace {T1} and sent trace {T2}")


def test_a_malformed_traceparent_is_named_and_counts_as_lost():
    capture = request(*[T1] * 7)
    grpc = capture.messages[2]
    capture.messages[2] = Message(
        *list(vars(grpc).values())[:5], {**grpc.headers, "traceparent": ["00-xyz-01"]}
    )
    wire = judged(capture)
    assert wire.hops[2].verdict == MALFORMED
    assert wire.breaks == ["lost on the wire: service-a -> service-b (gRPC) carries a malformed traceparent"]


def test_each_hop_counts_once_and_health_checks_and_unrelated_ports_are_not_hops():
    capture = request(*[T1] * 7)
    capture.messages.append(message(9, FETCH, 40100, T1, "enrichment.requests.g7"))  # fetched again
    capture.messages.append(
        Message(10, 1010.0, 40200, LAYOUT.edge, HTTP, {"x-request-id": ["h"]}, path="/healthz")
    )
    capture.messages.append(message(11, HTTP, 4318, T1))  # the OTLP exporter, not a hop
    requests = group(capture, LAYOUT)
    assert list(requests) == [RID] and len(requests[RID].hops) == 7


def test_a_refused_call_stops_early_and_the_hops_it_never_made_are_unseen():
    capture = request(T1, T1, T1)
    wire = judged(capture)
    assert wire.whole and wire.unseen == [
        "service-b -> broker",
        "broker -> service-c",
        "service-c -> broker",
        "broker -> service-b",
    ]


def test_the_edge_answer_names_the_request_the_client_sent():
    """The client's request has no x-request-id; Envoy's answer on the same stream does."""
    layers = [
        {
            "frame": {"frame.number": "5", "frame.time_epoch": "1.5"},
            "tcp": {"tcp.srcport": "50000", "tcp.dstport": "8080"},
            "http": {
                "GET /orders/42 HTTP/1.1\\r\\n": {"http.request.uri": "/orders/42"},
                "http.request": "1",
                "http.request.line": [f"traceparent: {tp(T1)}\r\n", "Host: x\r\n"],
            },
        },
        {
            "frame": {"frame.number": "9", "frame.time_epoch": "1.9"},
            "tcp": {"tcp.srcport": "8080", "tcp.dstport": "50000"},
            "http": {"http.request_in": "5", "http.response.line": [f"x-request-id: {RID}\r\n"]},
        },
    ]
    capture = packets.read(layers)
    assert capture.answered == {5: RID}
    [hop] = judged(capture).hops
    assert (hop.source, hop.target, hop.trace_id, hop.request_id) == ("client", "envoy", T1, RID)


def test_grpc_metadata_indexed_before_the_capture_is_recognised_by_the_value():
    """HPACK: a name the connection indexed before the capture shows as <unknown>; a traceparent's
    value is new on every call, so it is still on the wire as a literal."""
    stream = {
        "http2.type": "1",
        "http2.header": [
            {"http2.header.name": "<unknown>", "http2.header.value": ""},
            {"http2.header.name": "<unknown>", "http2.header.value": tp(T1)},
            {"http2.header.name": "x-request-id", "http2.header.value": RID},
        ],
    }
    [call] = packets.read(
        [{"frame": {}, "tcp": {"tcp.dstport": "50051"}, "http2": {"http2.stream": stream}}]
    ).messages
    assert call.header("traceparent") == tp(T1) and call.protocol == GRPC


def test_kafka_header_values_arrive_as_bytes_and_read_as_text():
    record = {
        "Headers": {
            "Header (Key: traceparent)": {
                "kafka.header_key": "traceparent",
                "kafka.header_value": ":".join(f"{b:02x}" for b in tp(T1).encode()),
            }
        }
    }
    kafka = {
        "kafka.api_key": "0",
        "kafka.request_key": "0",
        "Topic (Name=enrichment.requests)": {
            "kafka.topic_name": "enrichment.requests",
            "Record": [record, record],
        },
    }
    found = packets.read([{"frame": {}, "tcp": {"tcp.dstport": "9092"}, "kafka": kafka}]).messages
    assert [(m.protocol, m.topic, m.header("traceparent")) for m in found] == [
        (PRODUCE, "enrichment.requests", tp(T1))
    ] * 2


def run_wire(
    *args: str, env: dict | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    command = [*prefix, sys.executable, "-m", "tracebreak.cli", "wire", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env or os.environ.copy())


def said(result: subprocess.CompletedProcess[str]) -> str:
    """stderr as one line: the terminal wraps it."""
    assert "Traceback" not in result.stderr
    return " ".join(result.stderr.split())


def test_without_tshark_it_says_what_to_install():
    result = run_wire("--read", "wire.pcapng", env={**os.environ, "PATH": "/nonexistent"})
    assert result.returncode == 2 and "apt-get install -y tshark" in said(result)


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_a_missing_or_unreadable_capture_file_is_named(tmp_path):
    missing = run_wire("--read", str(tmp_path / "none.pcapng"))
    assert missing.returncode == 2 and "no capture file at" in said(missing)
    text = tmp_path / "notes.txt"
    text.write_text("not a capture\n")
    unreadable = run_wire("--read", str(text))
    assert unreadable.returncode == 2 and "tshark could not read" in said(unreadable)


@pytest.mark.skipif(
    shutil.which("tshark") is None or shutil.which("setpriv") is None or os.geteuid() != 0,
    reason="needs tshark, setpriv and root (to take the capture rights away)",
)
def test_without_capture_rights_it_says_how_to_grant_them():
    """Root without CAP_NET_RAW: what a user outside the wireshark group meets."""
    result = run_wire(
        "--listen", "--seconds", "1", prefix=("setpriv", "--bounding-set", "-net_raw,-net_admin")
    )
    assert result.returncode == 2, result.stderr
    assert "may not capture on lo" in said(result) and "setcap cap_net_raw" in said(result)


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
