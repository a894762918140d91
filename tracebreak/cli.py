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
from tracebreak.flagfile import FlagFileError
from tracebreak.processes import StackError
from tracebreak.settings import Settings, SettingsError
from tracebreak.store import server as store_server
from tracebreak.toggles import UnknownToggle
from tracebreak.traces import QueryError, TraceQuery

DEFAULT_EDGE_URL = "http://127.0.0.1:8080"
DEFAULT_QUERY_URL = "http://127.0.0.1:16686"
DEFAULT_ENVOY_ADMIN_URL = "http://127.0.0.1:9901"

err = Console(stderr=True)


class UsageError(Exception):
    """Bad input from the user: printed as one message, exit code 2."""


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _up(args: argparse.Namespace) -> int:
    from tracebreak.stack import Ports, Stack, StackConfig

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
        out.print(f"  edge (Envoy)     {config.edge_url}/orders/42   (Authorization: Bearer demo-token)")
        out.print(f"  trace query API  {config.query_url}/api/traces?service=service-a")
        out.print(f"  OTLP receiver    {config.otlp_url}/v1/traces")
        out.print(f"  Envoy admin      http://127.0.0.1:{ports.edge_admin}/")
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
    from tracebreak.client import CLIENT_SERVICE, request_order

    # A store that is down must not hold the command for the exporter's 10 s default.
    os.environ.setdefault("OTEL_EXPORTER_OTLP_TIMEOUT", "2")
    tel = telemetry.setup(CLIENT_SERVICE, json_logs=False)
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
    from tracebreak.stack import Ports

    top = argparse.ArgumentParser(
        prog="tracebreak", description="A microservice cascade that breaks trace propagation on purpose."
    )
    commands = top.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the local stack in the foreground (no Docker)")
    up.add_argument("--data-dir", type=Path, default=Path(".tracebreak"), help="logs, config, trace database")
    for f in fields(Ports):
        flag = f"--{f.name.replace('_', '-')}-port"
        up.add_argument(flag, type=int, default=f.default, help=f"default {f.default}")
    up.set_defaults(run=_up)

    query_url = os.environ.get("TRACEBREAK_QUERY_URL", DEFAULT_QUERY_URL)
    request = commands.add_parser(
        "request", help="send one traced request through the edge and draw its trace"
    )
    request.add_argument("order_id", nargs="?", default="42", help="order id (1 to 1000 exist; default 42)")
    request.add_argument("--token", default=DEMO_TOKEN, help=f"bearer token (default {DEMO_TOKEN})")
    request.add_argument("--edge", default=os.environ.get("TRACEBREAK_EDGE_URL", DEFAULT_EDGE_URL))
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
        Path(os.environ.get("TRACEBREAK_FLAGS_FILE") or chaos_commands.DEFAULT_FLAGS_FILE),
        os.environ.get("TRACEBREAK_ENVOY_ADMIN_URL", DEFAULT_ENVOY_ADMIN_URL),
    )

    doctor_report.add_parser(commands, query_url)
    load_cli.add_parser(commands)

    store = commands.add_parser("store", help="run the embedded trace store alone")
    store_server.add_arguments(store)
    store.set_defaults(run=store_server.run)
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # the runner reports broker trouble itself
    try:
        sys.exit(args.run(args))
    except (
        UsageError,
        QueryError,
        SettingsError,
        FlagFileError,
        UnknownToggle,
        EnvoyAdminError,
        ValueError,
    ) as error:
        err.print(f"[red]error:[/] {error}")
        sys.exit(2)
    except StackError as error:
        err.print(f"[red]the local stack did not start:[/] {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
