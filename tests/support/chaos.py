"""Flipping toggles on a running stack, reading what they hit, and asking the doctor."""

import json
import time
from collections import defaultdict

from tests.support.stack import access_log, send_many
from tracebreak.chaos import command as chaos_command
from tracebreak.chaos.catalogue import toggle
from tracebreak.demo import SERVICES
from tracebreak.doctor.collect import wait_for_requests
from tracebreak.doctor.report import Verdict
from tracebreak.doctor.rules import diagnose
from tracebreak.local.stack import Stack
from tracebreak.runtime import telemetry
from tracebreak.traces.query import TraceQuery


def set_toggle(stack: Stack, name: str, value: object | None) -> None:
    chaos_command.apply(stack.config.flags_file, stack.config.edge_admin_url, name, value)


def ground_truth(stack: Stack) -> dict[str, set[str]]:
    """Which toggles hit which request, as the services and Envoy recorded it."""
    hits: dict[str, set[str]] = defaultdict(set)
    for service in SERVICES:
        for line in stack.processes[service].log_path.read_text().splitlines():
            if '"chaos_toggle"' in line:
                record = json.loads(line)
                hits[record["request_id"]].add(record["chaos_toggle"])
    for entry in access_log(stack).values():
        if entry.get("route_name") == "strip-traceparent-at-lb":
            hits[entry["request_id"]].add("strip-traceparent-at-lb")
    return hits


def wait_until_hit(
    stack: Stack, tel: telemetry.Telemetry, name: str, hit: bool, timeout_s: float = 10
) -> None:
    """Send single requests until the toggle's new state shows on one (the flag file is polled)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        [result] = send_many(stack, tel, [1])
        # Envoy says so on the response at once; the services, in their logs.
        hits = (
            {result.chaos_route}
            if result.chaos_route
            else ground_truth(stack).get(result.request_id or "", set())
        )
        if (name in hits) == hit:
            return
    raise AssertionError(f"{name} did not turn {'on' if hit else 'off'} within {timeout_s} s")


def judge(stack: Stack, request_ids: set[str], since_us: int, timeout_s: float = 20) -> dict[str, Verdict]:
    """The doctor's verdict on each of these requests, once none of them is still arriving."""
    query = TraceQuery(stack.config.query_url)
    try:
        found = wait_for_requests(query, request_ids, since_us, timeout_s)
    finally:
        query.close()
    return {request_id: Verdict(request, diagnose(request)) for request_id, request in found.items()}


def sent_and_judged(stack: Stack, tel: telemetry.Telemetry, count: int, batch: int | None = None):
    """`count` requests (orders 1 to count, `batch` at a time; all at once by default) and the doctor's
    verdict on each."""
    since_us = time.time_ns() // 1000 - 1_000_000
    results = send_many(stack, tel, list(range(1, count + 1)), batch=batch)
    return results, judge(stack, {r.request_id for r in results}, since_us)


# What `at rate 1` means: the value `tracebreak chaos on NAME` sets with no option (rate 1, or on),
# but logs-without-trace-id on B alone, whose logs the audit's item names.
AT_FULL: dict[str, object] = {"logs-without-trace-id": "service-b"}


class toggled:
    """A breaker on at rate 1 while the block runs, seen to act first; off and seen off after."""

    def __init__(self, stack, tel, name: str) -> None:
        self.stack, self.tel, self.name = stack, tel, name

    def __enter__(self) -> None:
        set_toggle(self.stack, self.name, AT_FULL.get(self.name, toggle(self.name).parse()))
        wait_until_hit(self.stack, self.tel, self.name, hit=True)

    def __exit__(self, *exc: object) -> None:
        set_toggle(self.stack, self.name, None)
        wait_until_hit(self.stack, self.tel, self.name, hit=False)
