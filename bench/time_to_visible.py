"""Time to visible: from a response to its whole trace being queryable, on the full local stack at a
steady rate. Prints the median and p95 beside the target, as ratios.

    python -m bench.time_to_visible [--rps 100] [--seconds 10]
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.table import markdown
from services.service_a.client import request_order
from tracebreak.demo import CLIENT_SERVICE
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime import telemetry
from tracebreak.runtime.ports import Ports
from tracebreak.traces.model import Trace

TARGET_S = 2.0
DEADLINE_S = 15
POLL_S = 0.05
WHOLE_SPANS = 14


def whole(document: dict) -> bool:
    trace = Trace.from_jaeger(document)
    return len(trace.spans) >= WHOLE_SPANS and len(trace.roots) == 1 and not trace.unresolved


async def send(edge: str, answered: dict[str, float], errors: list[str]) -> None:
    result = await request_order(edge, "42")
    if result.status != 200:
        errors.append(str(result.status))
    answered[result.trace_id] = time.monotonic()


async def watch(query: str, answered: dict[str, float], delays: list[float], done: asyncio.Event) -> None:
    """One watcher for every answered request: it asks the store for all the pending traces at once,
    so the measurement does not load the store it measures."""
    seen: set[str] = set()
    async with httpx.AsyncClient(timeout=10) as http:
        while True:
            pending = [
                t for t, at in answered.items() if t not in seen and time.monotonic() - at < DEADLINE_S
            ]
            if done.is_set() and not pending:
                return
            for first in range(0, len(pending), 50):
                response = await http.get(
                    f"{query}/api/traces", params={"traceID": pending[first : first + 50]}
                )
                for document in response.json()["data"] or []:
                    if whole(document) and document["traceID"] not in seen:
                        seen.add(document["traceID"])
                        delays.append(time.monotonic() - answered[document["traceID"]])
            await asyncio.sleep(POLL_S)  # polling interval: each delay is measured to within it


async def run(edge: str, query: str, rps: float, seconds: float) -> tuple[list[float], int, list[str]]:
    delays: list[float] = []
    errors: list[str] = []
    answered: dict[str, float] = {}
    done = asyncio.Event()
    watcher = asyncio.create_task(watch(query, answered, delays, done))
    tasks = []
    start = time.monotonic()
    for n in range(int(rps * seconds)):
        await asyncio.sleep(max(0.0, start + n / rps - time.monotonic()))  # the open-loop schedule
        tasks.append(asyncio.create_task(send(edge, answered, errors)))
    await asyncio.gather(*tasks)
    done.set()
    await watcher
    return delays, len(tasks), errors


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
            delays, sent, errors = asyncio.run(
                run(stack.config.edge_url, stack.config.query_url, args.rps, args.seconds)
            )
            tel.shutdown_now()
        finally:
            stack.stop()
    delays.sort()
    median, p95 = statistics.median(delays), delays[int(len(delays) * 0.95) - 1]
    print(
        f"time to visible at {args.rps:g} rps for {args.seconds:g} s: {len(delays)} of {sent} traces whole "
        f"within {DEADLINE_S} s; {len(errors)} requests failed {sorted(set(errors))}\n"
    )
    print(
        markdown(
            ["measure", "seconds", "target", "ratio"],
            [
                (name, f"{value:.2f}", TARGET_S, f"{value / TARGET_S:.2f}")
                for name, value in (("median", median), ("p95", p95))
            ],
        )
    )


if __name__ == "__main__":
    main()
