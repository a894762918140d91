"""Flipping toggles on a running stack, reading what they hit, and asking the doctor."""

import json
import time
from collections import defaultdict

from tests.e2e.conftest import access_log, send_many
from tracebreak.chaos import command as chaos_command
from tracebreak.demo import SERVICES
from tracebreak.doctor.collect import collect
from tracebreak.doctor.report import Verdict, examine
from tracebreak.local.stack import Stack
from tracebreak.runtime import telemetry
from tracebreak.traces import TraceQuery


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
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            now_us = time.time_ns() // 1000
            collected = collect(query, since_us, now_us, settle_us=1_500_000)
            verdicts = {
                v.request.request_id: v for v in examine(collected) if v.request.request_id in request_ids
            }
            if set(verdicts) == request_ids or time.monotonic() > deadline:
                return verdicts
            time.sleep(0.2)  # polling interval while the last spans settle
    finally:
        query.close()
