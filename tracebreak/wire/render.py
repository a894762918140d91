"""The hops as a table for the terminal, and as JSON."""

from dataclasses import asdict
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from tracebreak.wire.hops import CARRIED, Hop, RequestWire

COLOURS = {CARRIED: "green"}


def document(wires: list[RequestWire]) -> dict[str, Any]:
    return {
        "requests": [
            {
                "request_id": wire.request_id,
                "trace_id": wire.trace_id,
                "whole": wire.whole,
                "breaks": wire.breaks,
                "unseen": wire.unseen,
                "hops": [asdict(hop) for hop in wire.hops],
            }
            for wire in wires
        ]
    }


def draw(wire: RequestWire, out: Console) -> None:
    table = Table(title=f"request {wire.request_id}", title_justify="left", box=box.SIMPLE)
    for column in ("hop", "protocol", "trace id", "parent id", "flags", "tracestate", "baggage", "verdict"):
        table.add_column(
            column, overflow="fold", no_wrap=column in ("hop", "protocol", "trace id", "parent id")
        )
    for hop in wire.hops:
        colour = COLOURS.get(hop.verdict, "red")
        table.add_row(
            f"{hop.source} -> {hop.target}",
            hop.protocol,
            hop.trace_id or "-",
            hop.parent_id or "-",
            hop.flags or "-",
            _shown(hop.tracestate),
            _baggage(hop),
            f"[{colour}]{hop.verdict}[/]",
        )
    out.print(table)
    if wire.whole:
        out.print(f"[green]whole:[/] every hop carries trace {wire.trace_id}")
    for line in wire.breaks:
        out.print(f"[red]break:[/] {line}")
    if wire.unseen:
        out.print(f"[yellow]not seen on the wire:[/] {', '.join(wire.unseen)}")


LONG = 64  # a baggage longer than this is shown by its size (`--json` has it whole)


def _baggage(hop: Hop) -> str:
    if hop.baggage is None or len(hop.baggage) <= LONG:
        return _shown(hop.baggage)
    return f"{hop.baggage_bytes:,} bytes"


def _shown(value: str | None) -> str:
    """Absent and present-but-empty differ on the wire (Envoy sends an empty tracestate)."""
    if value is None:
        return "-"
    return value or '""'
