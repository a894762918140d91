"""How `tracebreak doctor` shows its verdict on a terminal: the broken requests, a row a finding, and
the window's figures."""

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from tracebreak import signatures as sig
from tracebreak.doctor import debt
from tracebreak.signatures import Boundary
from tracebreak.terminal import counted, plural


def draw(found: dict[str, Any], args: argparse.Namespace) -> None:
    console = Console()
    summary = found["totals"]
    broken = [request for request in found["requests"] if not request["whole"]]
    if broken:
        _draw_broken(console, broken, len(found["requests"]), found.get("source", args.source), args)
    if not summary["requests"] and not summary["pending_requests"]:
        console.print(f"no request since {args.since}: nothing to judge. Send one (`tracebreak request 42`) "
                      "or look further back (--since).", highlight=False)  # fmt: skip
        return
    console.print(
        f"{counted(summary['requests'], 'request')} since {args.since}: "
        f"[bold]{summary['whole_percent']}% whole[/]{_by_link(summary)}, {summary['broken']} broken, "
        f"{summary['fragments_per_request']} traces per request, "
        f"{counted(summary['ghost_spans'], 'ghost span')}, {summary['failed_requests']} failed "
        f"({summary['errors_with_hidden_origin']} with their origin hidden), "
        f"{summary['pending_requests']} still arriving. Took {summary['took_seconds']} s."
    )
    if owed := debt.said(summary):
        console.print(f"  {owed}", highlight=False, soft_wrap=True)
    if checked := _checks(summary.get("checks", {})):
        console.print(f"  without a join: {checked}", highlight=False, soft_wrap=True)
    for name, count in summary["by_signature"].items():
        if count:
            console.print(f"  {name}: {counted(count, 'request')} — {sig.SIGNATURES_BY_NAME[name].meaning}")


def _checks(found: dict[str, dict[str, Any]]) -> str:
    """The join-free checks that found something, each with its count."""
    return "; ".join(
        f"{name} {check['count']} ({check['meaning']})" for name, check in found.items() if check["count"]
    )


def _by_link(summary: dict[str, Any]) -> str:
    linked = summary.get("whole_by_link", 0)
    return f" ({linked} of them by link)" if linked else ""


def _draw_broken(
    console: Console, broken: list[dict[str, Any]], judged: int, source: str, args: argparse.Namespace
) -> None:
    """The first `--show` broken requests, a row a finding and a link each; and what was left out."""
    shown = broken[: args.show]
    table = Table(title=f"broken requests ({len(broken)} of {judged})")
    for column in ("request", "signature", "boundary", "evidence", "fix"):
        table.add_column(column, overflow="fold")
    for request in shown:
        for finding in request["findings"]:
            table.add_row(request["request_id"][:8], finding["signature"], _boundary(finding["boundary"]),
                          _evidence(finding["evidence"]), finding["fix"])  # fmt: skip
    console.print(table)
    # The web view draws each one (the store's pages; a Jaeger UI has no /request/ page, a file none).
    for request in shown if source.startswith("http") else ():
        console.print(f"  see {source.rstrip('/')}/request/{request['request_id']}", highlight=False,
                      soft_wrap=True)  # fmt: skip
    if len(broken) > len(shown):
        console.print(f"  … {counted(len(broken) - len(shown), 'more broken request')}; --show {len(broken)} "
                      "lists them all", highlight=False)  # fmt: skip


def _evidence(evidence: dict[str, Any]) -> str:
    if held := evidence.get("requests_in_trace"):
        return f"trace {evidence['trace_ids'][0][:8]} holds {held} requests"
    if traces := evidence["trace_ids"]:
        spoken = "; ".join(f"{s} speaks {','.join(h)}" for s, h in evidence.get("propagators", {}).items())
        detail = f"; {evidence['detail']}" if evidence.get("detail") else ""
        detail += "".join(f"; {t[:8]} joined {how}" for t, how in evidence.get("joined", {}).items())
        return (
            f"{plural(len(traces), 'trace')} {', '.join(t[:8] for t in traces)}"
            + (f" ({spoken})" if spoken else "")
            + detail
        )
    return f"{counted(evidence.get('log_lines', 0), 'log line')} without trace_id"


def _boundary(boundary: dict[str, str]) -> str:
    return str(Boundary(boundary["from"], boundary["to"], boundary["protocol"]))
