"""Time to visible: from a response to its whole trace being queryable, on the full local stack at a
steady rate. Prints the median and p95 beside the target, as ratios.

    python bench/time_to_visible.py [--rps 100] [--seconds 10]
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from tracebreak import telemetry
from tracebreak.client import CLIENT_SERVICE, request_order
from tracebreak.stack import Ports, Stack, StackConfig
from tracebreak.traces import Trace

TARGET_S = 2.0
WHOLE_SPANS = 14


def whole(document: dict) -> bool:
    trace = Trace.from_jaeger(document)
    return len(trace.spans) >= WHOLE_SPANS and len(trace.roots) == 1 and not trace.unresolved


async def one(edge: str, query: str, http: httpx.AsyncClient, delays: list[float], deadline_s: float) -> None:
    result = await request_order(edge, "42")
    answered = time.monotonic()
    while time.monotonic() - answered < deadline_s:
        response = await http.get(f"{query}/api/traces/{result.trace_id}")
        if response.status_code == 200 and whole(response.json()["data"][0]):
            delays.append(time.monotonic() - answered)
            return
        await asyncio.sleep(0.05)  # polling interval of a deadline-bounded wait


async def run(edge: str, query: str, rps: float, seconds: float) -> tuple[list[float], int]:
    delays: list[float] = []
    tasks = []
    async with httpx.AsyncClient() as http:
        start = time.monotonic()
        for n in range(int(rps * seconds)):
            await asyncio.sleep(max(0.0, start + n / rps - time.monotonic()))  # the open-loop schedule
            tasks.append(asyncio.create_task(one(edge, query, http, delays, deadline_s=15)))
        await asyncio.gather(*tasks)
    return delays, len(tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rps", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        stack = Stack(StackConfig(ports=Ports.free(), data_dir=Path(data)))
        stack.start()
        try:
            os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = stack.config.otlp_url
            os.environ["OTEL_BSP_SCHEDULE_DELAY"] = "200"  # the client exports as the services do locally
            tel = telemetry.setup(CLIENT_SERVICE, json_logs=False)
            delays, sent = asyncio.run(
                run(stack.config.edge_url, stack.config.query_url, args.rps, args.seconds)
            )
            tel.shutdown_now()
        finally:
            stack.stop()
    delays.sort()
    median, p95 = statistics.median(delays), delays[int(len(delays) * 0.95) - 1]
    print(f"time to visible at {args.rps:g} rps, {len(delays)} of {sent} traces whole within 15 s")
    print(f"  median {median:6.2f} s  target {TARGET_S:g} s  ratio {median / TARGET_S:.2f}")
    print(f"  p95    {p95:6.2f} s  target {TARGET_S:g} s  ratio {p95 / TARGET_S:.2f}")


if __name__ == "__main__":
    main()
