"""The open-loop run: requests leave on schedule whether or not earlier ones have answered."""

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from opentelemetry import baggage, context, trace

from loadgen.recorder import Recorder
from loadgen.schedule import Stage, send_times
from tracebreak.demo import DEMO_TOKEN

REFUSED_TOKEN = "refused-token"
tracer = trace.get_tracer("tracebreak.loadgen")


@dataclass(frozen=True)
class LoadConfig:
    target: str
    stages: list[Stage]
    poisson: bool = False
    max_in_flight: int = 1000
    connections: int = 256
    max_requests: int | None = None
    order_ids: tuple[int, int] = (1, 1000)
    refused_share: float = 0.0
    timeout_s: float = 10.0
    seed: int | None = None


async def run(config: LoadConfig, recorder: Recorder, tick: Callable[[float], None] | None = None) -> float:
    """Run the schedule; returns the seconds it ran (less than planned if it was stopped)."""
    rng = random.Random(config.seed)
    loop = asyncio.get_running_loop()
    in_flight: set[asyncio.Task[None]] = set()
    # A fixed pool of keep-alive connections, as wrk2 keeps: when the run falls behind, overdue requests
    # queue for a connection (their latency still counts from the intended time) instead of opening
    # thousands of sockets at once, a storm that stalls the generator and the target alike.
    connector = aiohttp.TCPConnector(limit=min(config.connections, config.max_in_flight))
    timeout = aiohttp.ClientTimeout(total=config.timeout_s)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        start = loop.time()
        next_tick = 1.0
        try:
            for number, intended in enumerate(send_times(config.stages, config.poisson, config.seed)):
                if config.max_requests is not None and number >= config.max_requests:
                    break
                delay = start + intended - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                while tick and loop.time() - start >= next_tick:
                    tick(next_tick)
                    next_tick += 1
                rate = _rate_at(config.stages, intended)
                if len(in_flight) >= config.max_in_flight:
                    recorder.on_skipped(intended, rate)  # counted and reported, never hidden
                    continue
                recorder.on_sent(intended, rate)
                order_id = rng.randint(*config.order_ids)
                token = REFUSED_TOKEN if rng.random() < config.refused_share else DEMO_TOKEN
                task = asyncio.create_task(
                    _one(http, config.target, order_id, token, start, intended, recorder)
                )
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
        finally:
            ran = loop.time() - start
            if in_flight:
                await asyncio.wait(in_flight, timeout=config.timeout_s + 1)
    return ran


async def _one(
    http: aiohttp.ClientSession,
    target: str,
    order_id: int,
    token: str,
    start: float,
    intended: float,
    recorder: Recorder,
) -> None:
    loop = asyncio.get_running_loop()
    # Each request is a trace of its own, marked synthetic in its baggage for every service to see.
    attached = context.attach(baggage.set_baggage("synthetic", "true", context.Context()))
    try:
        with tracer.start_as_current_span("load request", attributes={"order.id": order_id}) as root:
            trace_id = format(root.get_span_context().trace_id, "032x")
            try:
                # The aiohttp instrumentation starts the CLIENT span and injects traceparent and baggage.
                async with http.get(
                    f"{target.rstrip('/')}/orders/{order_id}", headers={"authorization": f"Bearer {token}"}
                ) as response:
                    await response.read()
                    status = str(response.status)
            except TimeoutError:
                status = "timeout"
            except aiohttp.ClientError as error:
                status = error.__class__.__name__
        # From the intended send time: a request that left late was late for the user too.
        recorder.on_done(intended, loop.time() - (start + intended), status, trace_id)
    finally:
        context.detach(attached)


def _rate_at(stages: list[Stage], t: float) -> float:
    for stage in stages:
        if t <= stage.seconds:
            return stage.rate_at(t)
        t -= stage.seconds
    return stages[-1].end_rps
