"""`tracebreak request` (one traced request through the edge, drawn) and `tracebreak trace` (a
stored trace, drawn)."""

import argparse
import json
from typing import Any

from rich.console import Console

from services.service_a.client import RequestResult, send_traced
from tracebreak import endpoints
from tracebreak.cli import waterfall
from tracebreak.cli.errors import UsageError
from tracebreak.demo import DEMO_TOKEN
from tracebreak.traces.model import Trace
from tracebreak.traces.query import TraceQuery


def _wait(args: argparse.Namespace, trace_id: str) -> Trace | None:
    if args.wait <= 0:
        return None
    query = TraceQuery(args.traces)
    try:
        return query.wait_for_trace(trace_id, timeout_s=args.wait)
    finally:
        query.close()


def request(args: argparse.Namespace) -> int:
    result = send_traced(args.edge, args.order_id, args.token)
    found = _wait(args, result.trace_id)
    if args.json:
        document: dict[str, Any] = {
            "status": result.status,
            "trace_id": result.trace_id,
            "request_id": result.request_id,
            "body": result.body,
            "spans": len(found.spans) if found else 0,
            "services": sorted(found.services) if found else [],
            "links": links(args.traces, result),
        }
        print(json.dumps(document))
        return 0
    out = Console()
    colour = "green" if result.status < 400 else "red"
    out.print(f"[{colour}]HTTP {result.status}[/]  trace {result.trace_id}  request {result.request_id}")
    shown = links(args.traces, result)
    out.print(f"see it: {shown.get('request', shown['trace'])}", highlight=False, soft_wrap=True)
    out.print(result.body if isinstance(result.body, str) else json.dumps(result.body))
    if found:
        waterfall.draw(found, out)
    elif args.wait > 0:
        out.print(f"[yellow]the trace did not reach {args.traces} within {args.wait:.0f} s[/]")
    return 0


def links(view: str, result: RequestResult) -> dict[str, str]:
    """Where the web view shows what was sent (/trace/ is a Jaeger UI's path too; /request/ is ours)."""
    base = view.rstrip("/")
    found = {"trace": f"{base}/trace/{result.trace_id}"}
    if result.request_id:
        found["request"] = f"{base}/request/{result.request_id}"
    return found


def trace(args: argparse.Namespace) -> int:
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


def add_parsers(commands: argparse._SubParsersAction) -> None:
    sender = commands.add_parser(
        "request", help="send one traced request through the edge and draw its trace"
    )
    sender.add_argument("order_id", nargs="?", default="42", help="order id (1 to 1000 exist; default 42)")
    sender.add_argument("--token", default=DEMO_TOKEN, help=f"bearer token (default {DEMO_TOKEN})")
    sender.add_argument("--edge", default=endpoints.edge_url())
    sender.add_argument(
        "--traces", default=endpoints.query_url(), help="trace query API (embedded store or Jaeger)"
    )
    sender.add_argument(
        "--wait", type=float, default=10, help="seconds to wait for the whole trace (0: don't)"
    )
    sender.add_argument("--json", action="store_true", help="print one JSON object")
    sender.set_defaults(run=request)

    drawer = commands.add_parser("trace", help="draw a stored trace as a waterfall")
    drawer.add_argument("trace_id")
    drawer.add_argument(
        "--traces", default=endpoints.query_url(), help="trace query API (embedded store or Jaeger)"
    )
    drawer.add_argument("--json", action="store_true", help="print the spans as JSON")
    drawer.set_defaults(run=trace)
