"""`tracebreak load` (or `python -m loadgen`): an open-loop run at a rate, with a report."""

import argparse
import asyncio
import json
import signal
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.live import Live
from rich.text import Text

from loadgen import report
from loadgen.recorder import Recorder
from loadgen.runner import LoadConfig, run
from loadgen.schedule import ScheduleError, Stage, constant, parse_stages
from tracebreak import endpoints
from tracebreak.demo import ORDER_IDS
from tracebreak.durations import parse_duration_us
from tracebreak.traces.query import QueryError, TraceQuery


def _stages(args: argparse.Namespace) -> list[Stage]:
    if args.stages_file:
        try:
            return parse_stages(",".join(Path(args.stages_file).read_text().split()))
        except OSError as error:
            raise ScheduleError(f"--stages-file {args.stages_file}: {error.strerror}") from error
    if args.stages:
        return parse_stages(args.stages)
    try:
        seconds = parse_duration_us(args.duration) / 1_000_000
    except ValueError as error:
        raise ScheduleError(f"--duration: {error}") from error
    return constant(args.rps, seconds)


def _orders(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError as error:
        raise ScheduleError(f"--orders {text!r}: give a range of order ids, like 1-1000") from error
    if bounds[0] > bounds[1]:
        raise ScheduleError(f"--orders {text!r}: the first id must not be above the last")
    return bounds


def _reachable(target: str) -> None:
    try:
        httpx.get(f"{target.rstrip('/')}/healthz", timeout=3)
    except httpx.HTTPError as error:
        raise ScheduleError(
            f"cannot reach {target}: {error.__class__.__name__}. Is `tracebreak up` running?"
        ) from error


async def _run_with_view(config: LoadConfig, recorder: Recorder, console: Console) -> float:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C ends the run; the report covers what ran
        loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]

    def in_flight() -> int:
        return recorder.sent - recorder.completed

    if console.is_terminal:
        with Live(Text("starting…"), console=console, refresh_per_second=2) as live:
            return await _run_cancellable(
                config, recorder, lambda s: live.update(Text(report.live_line(recorder, s, in_flight())))
            )
    return await _run_cancellable(
        config, recorder, lambda s: print(report.live_line(recorder, s, in_flight()), file=sys.stderr)
    )


async def _run_cancellable(config: LoadConfig, recorder: Recorder, tick: Any) -> float:
    started = time.monotonic()
    try:
        return await run(config, recorder, tick)
    except asyncio.CancelledError:
        print("stopped: the report covers the requests sent so far", file=sys.stderr)
        return time.monotonic() - started


def _check_traces(query_url: str, trace_ids: list[str], since_us: int) -> dict[str, Any]:
    """The share of this run's requests whose traces the doctor finds whole."""
    from tracebreak.doctor.collect import collect
    from tracebreak.doctor.report import examine

    mine = set(trace_ids)
    query = TraceQuery(query_url, timeout_s=60)
    try:
        deadline = time.monotonic() + 30
        while True:
            now_us = time.time_ns() // 1000
            collected = collect(query, since_us, now_us, settle_us=1_000_000)
            verdicts = [v for v in examine(collected) if v.request.main.trace_id in mine]
            if len(verdicts) >= len(mine) or time.monotonic() > deadline:
                break
            time.sleep(0.5)  # polling interval while the last traces settle
    finally:
        query.close()
    whole = sum(v.whole for v in verdicts)
    return {"judged": len(verdicts), "whole": whole,
            "whole_percent": round(100 * whole / len(verdicts), 2) if verdicts else 0.0}  # fmt: skip


def command(args: argparse.Namespace) -> int:
    stages = _stages(args)
    if args.max_in_flight < 1:
        raise ScheduleError("--max-in-flight must be at least 1")
    if args.connections < 1:
        raise ScheduleError("--connections must be at least 1")
    if not 0 <= args.refused_share <= 1:
        raise ScheduleError("--refused-share must be between 0 and 1")
    _reachable(args.target)
    from tracebreak.runtime import telemetry

    tel = telemetry.setup_client()
    config = LoadConfig(
        target=args.target, stages=stages, poisson=args.poisson, max_in_flight=args.max_in_flight,
        connections=args.connections,
        max_requests=args.max_requests, order_ids=_orders(args.orders), refused_share=args.refused_share,
        timeout_s=parse_duration_us(args.timeout) / 1_000_000, seed=args.seed,
    )  # fmt: skip
    recorder = Recorder()
    since_us = time.time_ns() // 1000 - 1_000_000
    ran = asyncio.run(_run_with_view(config, recorder, Console(stderr=True)))
    tel.shutdown_now()  # every client span is out before the traces are checked
    settings = {k: v for k, v in vars(args).items() if k != "run"}
    versions = {name: version(name) for name in ("tracebreak", "opentelemetry-sdk", "httpx")}
    result = report.build(settings, recorder, ran, versions)
    if args.check_traces:
        result["traces"] = _check_traces(args.traces, recorder.trace_ids, since_us)
    Path(args.report).write_text(json.dumps(result, indent=1))
    if args.plot:
        Path(args.plot).write_text(report.plot_html(result))
    report.summary(result)
    print(f"report: {args.report}" + (f", plot: {args.plot}" if args.plot else ""), file=sys.stderr)
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    load = commands.add_parser("load", help="open-loop load at a rate; every request traced")
    add_arguments(load)


def add_arguments(load: argparse.ArgumentParser) -> None:
    load.add_argument("--target", default=endpoints.edge_url(), help="the edge")
    load.add_argument("--rps", type=float, default=10, help="requests per second (default 10)")
    load.add_argument("--duration", default="30s", help="how long, e.g. 30s, 5m or 20 (seconds; default 30s)")
    load.add_argument("--stages", help='steps and ramps instead: "30s:10,60s:10-200,30s:200"')
    load.add_argument("--stages-file", help="the same, one stage per line")
    load.add_argument("--poisson", action="store_true", help="Poisson arrivals instead of evenly spaced ones")
    load.add_argument(
        "--max-in-flight", type=int, default=1000, help="requests in flight at most (default 1000)"
    )
    load.add_argument(
        "--connections", type=int, default=256, help="keep-alive connections to the target (default 256)"
    )
    load.add_argument("--max-requests", type=int, help="stop after this many requests")
    orders = f"{ORDER_IDS.start}-{ORDER_IDS.stop - 1}"
    load.add_argument("--orders", default=orders, help=f"the order ids to ask for (default {orders})")
    load.add_argument(
        "--refused-share", type=float, default=0.0, help="share of requests with a refused token"
    )
    load.add_argument("--timeout", default="10s", help="per request (default 10s)")
    load.add_argument("--seed", type=int, help="for a repeatable run")
    load.add_argument(
        "--report", default="load-report.json", help="the JSON report (default load-report.json)"
    )
    load.add_argument("--plot", help="also write a self-contained HTML plot here")
    load.add_argument("--check-traces", action="store_true", help="after the run, the share of whole traces")
    load.add_argument("--traces", default=endpoints.query_url())
    load.set_defaults(run=command)


def main() -> None:
    """`python -m loadgen`: the same as `tracebreak load`."""
    parser = argparse.ArgumentParser(prog="python -m loadgen", description="open-loop load at a rate")
    add_arguments(parser)
    args = parser.parse_args()
    try:
        sys.exit(command(args))
    except (ValueError, QueryError) as error:  # ScheduleError is a ValueError
        Console(stderr=True).print(f"[red]error:[/] {error}")
        sys.exit(2)
