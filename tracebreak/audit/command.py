"""`tracebreak audit`: the eight checklist items, PASS / FAIL / BLOCKED / SKIP with evidence and the fix."""

import argparse
import json
from pathlib import Path

from tracebreak import endpoints, terminal
from tracebreak.audit import gather, items
from tracebreak.audit.checklist import Result
from tracebreak.drill import state
from tracebreak.wire.command import add_stack_arguments, layout

COLOURS = {"PASS": "green", "FAIL": "red", "BLOCKED": "cyan", "SKIP": "yellow"}


def add_parser(commands: argparse._SubParsersAction, flags_default: Path) -> None:
    audit = commands.add_parser(
        "audit", help="run the article's eight-item audit checklist against the stack"
    )
    audit.add_argument(
        "--traces", default=endpoints.query_url(), help="the trace query API (store or Jaeger)"
    )
    audit.add_argument("--envoy-admin", default=endpoints.envoy_admin_url(), help="Envoy's admin API")
    audit.add_argument("--flags", type=Path, default=flags_default, help="the chaos flag file")
    audit.add_argument(
        "--source-dir",
        type=Path,
        action="append",
        default=[],
        help="code to lint (default: tracebreak's services)",
    )
    audit.add_argument("--collector-config", type=Path, help="the OpenTelemetry Collector's config (item 6)")
    audit.add_argument("--logs-dir", type=Path, help="read log lines from the JSON *.log files here")
    audit.add_argument("--loki", help="read log lines from Loki at this URL (docker compose)")
    audit.add_argument(
        "--wait", type=float, default=20, help="seconds to wait for the request's traces (default 20)"
    )
    add_stack_arguments(audit)
    audit.add_argument("--json", action="store_true", help="print one JSON object")
    audit.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if state.said_silent(args.data_folder, args.json):
        return 0
    sources = gather.Sources(
        edge_url=args.edge,
        traces_url=args.traces,
        envoy_admin=args.envoy_admin,
        flags=args.flags,
        layout=layout(args),
        interface=args.interface,
        source=args.source_dir,
        collector=args.collector_config,
        logs_dir=args.logs_dir,
        loki_url=args.loki,
        order_id=args.order_id,
        wait_s=args.wait,
    )
    observed = gather.observe(sources)
    results = [check(observed) for check in items.CHECKS]
    if args.json:
        document = {"request_id": observed.sent.request_id, "items": [r.as_dict() for r in results]}
        print(json.dumps(document))
    else:
        draw(results, observed.sent.request_id)
    return 1 if any(result.status == "FAIL" for result in results) else 0


def draw(results: list[Result], request_id: str | None) -> None:
    out = terminal.console()
    out.print(f"audit of the stack, synthetic request {request_id}")
    for result in results:
        colour = COLOURS[result.status]
        out.print(f"[{colour}]{result.status}[/] {result.item.number}. {result.item.title}", highlight=False)
        for line in result.evidence:
            out.print(f"      {line}", highlight=False)
        if result.status == "FAIL":
            out.print(f"      [bold]boundary:[/] {'; '.join(result.boundaries)}", highlight=False)
            out.print(f"      [bold]fix:[/] {result.fix}", highlight=False)
        if result.status == "BLOCKED":
            blockers = ", ".join(f"item {number}" for number in result.blocked_by)
            out.print(f"      [bold]blocked by:[/] {blockers}", highlight=False)
    counts = {status: sum(r.status == status for r in results) for status in COLOURS}
    out.print(", ".join(f"{n} {status.lower()}" for status, n in counts.items()))
