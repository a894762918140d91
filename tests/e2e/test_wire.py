"""`tracebreak wire` on the real local stack: real tshark on loopback, one request's hops decoded
from HTTP/1.1, gRPC (HPACK) and Kafka record headers; each wire-visible breaker shows where it acts."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.support.chaos import toggled
from tests.support.stack import send_many
from tests.support.wire import capture_refused, rows, wire
from tracebreak.wire.hops import CARRIED, CHANGED, HOPS, MISSING, OTHER_FORMAT

pytestmark = pytest.mark.skipif(capture_refused() is not None, reason=f"{capture_refused()}")

ALL_HOPS = [" -> ".join(names) for names in HOPS.values()]
BEFORE_C = ALL_HOPS[:5]  # up to C's fetch: what C received

# Breaker -> the hop the wire shows without context (None: every hop carries one).
WIRE_VISIBLE = {
    "strip-traceparent-at-lb": "envoy -> service-a",
    "uninstrumented-client": "service-a -> service-b",
    "propagator-not-registered": "service-b -> broker",
}


def test_a_healthy_request_carries_one_trace_on_every_hop(stack):
    code, document = wire(stack)
    assert code == 0
    [request] = document["requests"]
    hops = rows(document)
    assert list(hops) == ALL_HOPS
    assert {hop["trace_id"] for hop in hops.values()} == {request["trace_id"]}
    assert all(hop["verdict"] == CARRIED for hop in hops.values())
    assert request["whole"] and request["breaks"] == []
    # Each hop is its own span's: the parent id changes where a service sends, not where the broker does.
    assert hops["service-b -> broker"]["parent_id"] == hops["broker -> service-c"]["parent_id"]
    assert hops["envoy -> service-a"]["parent_id"] != hops["service-a -> service-b"]["parent_id"]
    assert hops["service-b -> broker"]["baggage"] == "enduser.id=demo-user,tenant.id=acme"
    assert [hop["baggage_bytes"] for hop in hops.values()] == [0, 0, 0] + [35] * 4


@pytest.mark.parametrize("breaker", list(WIRE_VISIBLE))
def test_a_breaker_on_the_wire_shows_the_hop_without_context(stack, client_telemetry, breaker):
    lost = WIRE_VISIBLE[breaker]
    with toggled(stack, client_telemetry, breaker):
        code, document = wire(stack)
    assert code == 1
    hops = rows(document)
    upstream = ALL_HOPS[: ALL_HOPS.index(lost)]
    assert [hops[name]["verdict"] for name in upstream] == [CARRIED] * len(upstream)
    assert hops[lost]["verdict"] == MISSING and hops[lost]["traceparent"] is None
    [request] = document["requests"]
    assert request["breaks"][0].startswith(f"lost on the wire: {lost} ")


def test_an_overflowing_baggage_shows_its_bytes_on_every_hop_after_b(stack, client_telemetry):
    with toggled(stack, client_telemetry, "baggage-overflow"):
        code, document = wire(stack)
    hops = rows(document)
    assert code == 0 and document["requests"][0]["whole"]  # the trace is whole; the baggage is not
    after_b = [hops[name] for name in ALL_HOPS[3:]]
    # Cut at the W3C limit: 8,192 bytes at most, and tenant.id, set last, gone.
    assert all(8000 < hop["baggage_bytes"] <= 8192 for hop in after_b), [h["baggage_bytes"] for h in after_b]
    assert all("cart.line.0=" in hop["baggage"] and "tenant.id" not in hop["baggage"] for hop in after_b)


def test_a_consumer_that_does_not_extract_leaves_the_wire_intact(stack, client_telemetry):
    """The lesson: every hop carries a traceparent; what C sends belongs to another trace."""
    with toggled(stack, client_telemetry, "kafka-consumer-no-extract"):
        code, document = wire(stack)
    assert code == 1
    hops = rows(document)
    assert all(hop["traceparent"] for hop in hops.values())
    assert [hops[name]["verdict"] for name in BEFORE_C] == [CARRIED] * len(BEFORE_C)
    assert hops["service-c -> broker"]["verdict"] == CHANGED
    [request] = document["requests"]
    [broken] = request["breaks"]
    assert broken.startswith("broken inside service-c: it received trace " + request["trace_id"])


def test_a_capture_file_reads_as_the_live_capture_does(stack, tmp_path):
    """--read: a capture made elsewhere (tshark -w, as in a container) gives the same hops."""
    capture = tmp_path / "wire.pcapng"
    p = stack.config.ports
    ports = " or ".join(f"tcp port {n}" for n in (p.edge, p.service_a, p.service_b, p.broker))
    tshark = subprocess.Popen(
        ["tshark", "-i", "lo", "-f", ports, "-w", str(capture), "-q"], stderr=subprocess.PIPE
    )
    try:
        assert b"Capturing on" in tshark.stderr.readline() + tshark.stderr.readline()
        _, live = wire(stack)
    finally:
        tshark.send_signal(signal.SIGINT)  # tshark closes the file as on Ctrl-C
        tshark.wait(timeout=15)
    [request] = live["requests"]
    _, read = wire(stack, "--read", str(capture), "--request-id", request["request_id"])
    # Two captures, two timestamps per packet: all else is the same.
    assert untimed(read) == untimed(live)


def untimed(document: dict) -> list[dict]:
    return [{**hop, "time": None} for request in document["requests"] for hop in request["hops"]]


def test_listening_groups_what_others_send_by_request(stack, client_telemetry):
    """--listen: the load of others (here, requests sent while it listens), one request per group."""
    command = [sys.executable, "-m", "tracebreak.cli", "wire", "--listen", "--seconds", "4", "--json"]
    env = {**os.environ, **stack.config.client_env()}
    listener = subprocess.Popen(
        [*command, *stack.config.port_flags()], env=env, stdout=subprocess.PIPE, text=True
    )
    sent: set[str] = set()
    deadline = time.monotonic() + 30
    while listener.poll() is None and time.monotonic() < deadline:
        sent |= {r.request_id for r in send_many(stack, client_telemetry, [7, 8])}
    document = json.loads(listener.communicate(timeout=30)[0])
    complete = [r for r in document["requests"] if not r["unseen"]]
    assert len(complete) >= 2, document
    assert {r["request_id"] for r in complete} <= sent
    assert all(r["whole"] and len(r["hops"]) == 7 for r in complete)
    assert len({r["trace_id"] for r in complete}) == len(complete)  # a trace per request


def test_b3_on_the_wire_is_context_in_another_format_not_missing(stack, client_telemetry):
    """propagator-mismatch: B's records carry X-B3-TraceId and no traceparent; the wire says which."""
    with toggled(stack, client_telemetry, "propagator-mismatch"):
        code, document = wire(stack)
    assert code == 1
    hops = rows(document)
    assert [hops[name]["verdict"] for name in ALL_HOPS[:3]] == [CARRIED] * 3  # A still sends W3C to B
    for name in ("service-b -> broker", "broker -> service-c"):
        assert hops[name]["verdict"] == OTHER_FORMAT and hops[name]["traceparent"] is None
        assert hops[name]["other_format"].startswith("B3 multi-header (X-B3-TraceId: ")
    [request] = document["requests"]
    assert any(
        line.startswith(
            "context in another format: service-b -> broker (Kafka produce) carries no traceparent"
        )
        for line in request["breaks"]
    ), request["breaks"]
