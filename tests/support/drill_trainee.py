"""A scripted trainee: it diagnoses from what a trainee sees — the wire, the traces through the query
API, the JSON logs — never from the doctor's verdict, and names each breaker with its boundary and
each fault of C's database it sees in the spans."""

import json
import time
from collections.abc import Iterable

from tests.support.stack import cli, send_many
from tracebreak.demo import SERVICES
from tracebreak.doctor.request import request_ids
from tracebreak.traces.model import Trace
from tracebreak.traces.query import TraceQuery

LOST_HOPS = {  # a hop without traceparent -> what does that, and the boundary to name
    "envoy -> service-a": ("strip-traceparent-at-lb", "envoy->service-a"),
    "service-a -> service-b": ("uninstrumented-client", "service-a->service-b"),
    "service-b -> broker": ("propagator-not-registered", "service-b"),
}
WIRE_LOOKS = 6  # a breaker at half rate shows on one request in two
DATABASE = ("service-c", "SELECT orders")
SLOW_US = 250_000  # C's database answers in 20 ms; the latency fault makes it 320


def from_the_wire(stack) -> dict[str, str]:
    found: dict[str, str] = {}
    for _ in range(WIRE_LOOKS):
        done = cli(stack.config, "wire", "--json", *stack.config.port_flags(), timeout_s=90)
        for request in json.loads(done.stdout)["requests"]:
            for hop in request["hops"]:
                name = f"{hop['source']} -> {hop['target']}"
                if hop["source"] != "broker" and hop.get("other_format") and name == "service-b -> broker":
                    found.setdefault("propagator-mismatch", "service-b")  # B3 where W3C was expected
                elif hop["source"] != "broker" and hop["traceparent"] is None and name in LOST_HOPS:
                    found.setdefault(*LOST_HOPS[name])
            if any(line.startswith("broken inside service-c") for line in request["breaks"]):
                found.setdefault("kafka-consumer-no-extract", "service-b->service-c")
    return found


def from_the_traces(stack, tel) -> dict[str, str]:
    since_us = time.time_ns() // 1000
    results = send_many(stack, tel, list(range(1, 13)), batch=6)
    query = TraceQuery(stack.config.query_url)
    found: dict[str, str] = {}
    try:
        deadline, seen = time.monotonic() + 15, -1
        while time.monotonic() < deadline:  # until no new trace arrives between two looks
            traces = {t.trace_id: t for s in SERVICES for t in query.find(s, start=since_us, limit=1000)}
            spans = sum(len(t.spans) for t in traces.values())
            if spans == seen and len(traces) >= len(results):
                break
            seen = spans
            time.sleep(1)  # the services export every 200 ms: a second with nothing new is settled
        roots = [top for t in traces.values() for top in t.tops if top.parent_id is None]
        if any(r.service == "service-a" and r.operation == "audit order" for r in roots):
            found["orphan-background-task"] = "service-a"
        if any(len({rid for s in t.spans for rid in request_ids(s)}) > 1 for t in traces.values()):
            found["context-leak"] = "service-a"  # one trace holding several requests' spans
        if any(r.service == "service-c" and r.operation == "read orders" for r in roots):
            found["thread-pool-without-context"] = "service-c"
        main = [query.trace(r.trace_id) for r in results]
        rooted_b = any(r.service == "service-b" for r in roots)
        # A's call made, B nowhere: not in the request's trace, not as a trace of its own.
        stopped_at_b = any(t and "service-a" in t.services and "service-b" not in t.services for t in main)
        if stopped_at_b and not rooted_b:
            found["sampler-not-parent-based"] = "service-a->service-b"
        failed = [r for r in results if r.status >= 500]
        if failed and not any(s.failed for t in traces.values() for s in t.spans if s.service == "service-c"):
            found["silent-exception-recovery"] = "service-c"
        found.update(database_faults(traces.values()))
    finally:
        query.close()
    return found


def database_faults(traces: Iterable[Trace]) -> dict[str, str]:
    """The incident under the tracing, where C's database spans show it: failed, or slow."""
    lookups = [s for t in traces for s in t.spans if (s.service, s.operation) == DATABASE]
    found = {}
    if any(s.failed for s in lookups):
        found["downstream-timeout"] = "service-c"
    if any(s.duration_us >= SLOW_US and not s.failed for s in lookups):
        found["downstream-latency-ms"] = "service-c"
    return found


def log_offsets(stack) -> dict[str, int]:
    """Where each service's log ends now: the lines after it are the drill's."""
    return {s: stack.processes[s].log_path.stat().st_size for s in SERVICES}


def from_the_logs(stack, offsets: dict[str, int]) -> dict[str, str]:
    for service in SERVICES:
        with stack.processes[service].log_path.open() as log:
            log.seek(offsets[service])
            lines = log.read().splitlines()
        for line in lines:
            record = json.loads(line)
            if record.get("request_id") and record.get("trace_id") in (None, "", "0"):
                return {"logs-without-trace-id": service}
    return {}


def diagnose(stack, tel, offsets: dict[str, int]) -> dict[str, str]:
    return {**from_the_traces(stack, tel), **from_the_logs(stack, offsets), **from_the_wire(stack)}
