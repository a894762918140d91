"""The `tracebreak` command: up, request, trace, store."""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from loadgen import cli as load_cli
from tracebreak import chaos_commands, waterfall
from tracebreak.client import DEMO_TOKEN
from tracebreak.doctor import report as doctor_report
from tracebreak.envoy_runtime import EnvoyAdminError
from tracebreak.processes import StackError
from tracebreak.settings import Settings
from tracebreak.stack import Ports, Stack, StackConfig
from tracebreak.store import server as store_server
from tracebreak.traces import QueryError, TraceQuery

err = Console(stderr=True)


class UsageError(Exception):
    """Bad input from the user: printed as one message, exit code 2."""


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _up(args: argparse.Namespace) -> int:
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # the runner reports broker trouble itself
    ports = Ports(**{f.name: getattr(args, f"{f.name}_port") for f in fields(Ports)})
    config = StackConfig(
        ports=ports,
        data_dir=args.data_dir,
        external_broker=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None,
        settings=Settings.from_env(),
    )
    stack = Stack(config)
    for sig in (signal.SIGINT, signal.SIGTERM):  # both stop the stack, even where SIGINT was ignored
        signal.signal(sig, _interrupt)
    out = Console()
    try:
        out.print("starting the local stack (broker, trace store, envoy, service-c, service-b, service-a)…")
        started = time.monotonic()
        stack.start(on_healthy=lambda name: out.print(f"  [green]✓[/] {name}"))
        out.print(f"ready in {time.monotonic() - started:.1f} s\n")
        out.print(f"  edge (Envoy)     {config.edge_url}/orders/42   (Authorization: Bearer {DEMO_TOKEN})")
        out.print(f"  trace query API  {config.query_url}/api/traces?service=service-a")
        out.print(f"  OTLP receiver    {config.otlp_url}/v1/traces")
        out.print(f"  Envoy admin      {config.edge_admin_url}/")
        out.print(f"  logs             {config.data_dir / 'logs'}/")
        try_it = "tracebreak request 42"
        if ports != Ports():
            try_it = (
                f"OTEL_EXPORTER_OTLP_ENDPOINT={config.otlp_url} tracebreak request 42"
                f" --edge {config.edge_url} --traces {config.query_url}"
            )
        out.print(f"\ntry: {try_it}")
        out.print("then: tracebreak chaos on uninstrumented-client; tracebreak request; tracebreak doctor")
        out.print("(Ctrl-C stops everything)")
        while not (dead := stack.dead_parts()):
            time.sleep(0.5)  # supervision interval: notice a part that died
        part = dead[0]
        err.print(f"[red]{part.name} stopped unexpectedly (exit code {part.popen.returncode}).[/]")  # type: ignore[union-attr]
        err.print(part.log_tail())
        return 1
    except KeyboardInterrupt:
        out.print("\nstopping…")
        return 0
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the stopping short
            signal.signal(sig, signal.SIG_IGN)
        stack.stop()


async def _send(args: argparse.Namespace) -> int:
    from tracebreak import telemetry
    from tracebreak.client import request_order

    tel = telemetry.setup_client()
    try:
        result = await request_order(args.edge, args.order_id, args.token)
    except httpx.HTTPError as error:
        raise UsageError(
            f"cannot reach the edge at {args.edge}: {error.__class__.__name__}. Is `tracebreak up` running?"
        ) from error
    finally:
        await tel.shutdown()  # the client's own spans must reach the store before the trace is read
    found = None
    if args.wait > 0:
        query = TraceQuery(args.traces)
        try:
            found = query.wait_for_trace(result.trace_id, timeout_s=args.wait)
        finally:
            query.close()
    if args.json:
        document: dict[str, Any] = {
            "status": result.status,
            "trace_id": result.trace_id,
            "request_id": result.request_id,
            "body": result.body,
            "spans": len(found.spans) if found else 0,
            "services": sorted(found.services) if found else [],
        }
        print(json.dumps(document))
        return 0
    out = Console()
    colour = "green" if result.status < 400 else "red"
    out.print(f"[{colour}]HTTP {result.status}[/]  trace {result.trace_id}  request {result.request_id}")
    out.print(result.body if isinstance(result.body, str) else json.dumps(result.body))
    if found:
        waterfall.draw(found, out)
    elif args.wait > 0:
        out.print(f"[yellow]the trace did not reach {args.traces} within {args.wait:.0f} s[/]")
    return 0


def _request(args: argparse.Namespace) -> int:
    return asyncio.run(_send(args))


def _trace(args: argparse.Namespace) -> int:
    query = TraceQuery(args.traces)
    try:
        found = query.trace(args.trace_id)
    finally:
        query.close()
    if found is None:
        raise UsageError(f"trace {args.trace_id} is not in {args.traces}")
    if args.json:
        print(json.dumps({"trace_id": found.trace_id, "spans": [span.__dict__ for span in found.spans]}))
    else:
        waterfall.draw(found)
    return 0


def parser() -> argparse.ArgumentParser:
    local = StackConfig()  # the local stack's addresses are every command's defaults
    top = argparse.ArgumentParser(
        prog="tracebreak", description="A microservice cascade that breaks trace propagation on purpose."
    )
    commands = top.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the local stack in the foreground (no Docker)")
    up.add_argument("--data-dir", type=Path, default=local.data_dir, help="logs, config, trace database")
    for f in fields(Ports):
        flag = Ports.flag(f.name)
        up.add_argument(flag, type=int, default=f.default, help=f"default {f.default}")
    up.set_defaults(run=_up)

    query_url = os.environ.get("TRACEBREAK_QUERY_URL", local.query_url)
    edge_url = os.environ.get("TRACEBREAK_EDGE_URL", local.edge_url)
    request = commands.add_parser(
        "request", help="send one traced request through the edge and draw its trace"
    )
    request.add_argument("order_id", nargs="?", default="42", help="order id (1 to 1000 exist; default 42)")
    request.add_argument("--token", default=DEMO_TOKEN, help=f"bearer token (default {DEMO_TOKEN})")
    request.add_argument("--edge", default=edge_url)
    request.add_argument("--traces", default=query_url, help="trace query API (embedded store or Jaeger)")
    request.add_argument(
        "--wait", type=float, default=10, help="seconds to wait for the whole trace (0: don't)"
    )
    request.add_argument("--json", action="store_true", help="print one JSON object")
    request.set_defaults(run=_request)

    trace = commands.add_parser("trace", help="draw a stored trace as a waterfall")
    trace.add_argument("trace_id")
    trace.add_argument("--traces", default=query_url, help="trace query API (embedded store or Jaeger)")
    trace.add_argument("--json", action="store_true", help="print the spans as JSON")
    trace.set_defaults(run=_trace)

    chaos_commands.add_parser(
        commands,
        Path(os.environ.get(Settings.variable("flags_file")) or local.flags_file),
        os.environ.get("TRACEBREAK_ENVOY_ADMIN_URL", local.edge_admin_url),
    )

    doctor_report.add_parser(commands, query_url)
    load_cli.add_parser(commands, edge_url, query_url)

    store = commands.add_parser("store", help="run the embedded trace store alone")
    store_server.add_arguments(store)
    store.set_defaults(run=store_server.run)
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        sys.exit(args.run(args))
    # ValueError covers the settings', the flag file's and the toggles' own errors.
    except (UsageError, QueryError, EnvoyAdminError, ValueError) as error:
        err.print(f"[red]error:[/] {error}")
        sys.exit(2)
    except StackError as error:
        err.print(f"[red]the local stack did not start:[/] {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
